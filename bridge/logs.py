"""structlog, configured once per process: JSON when not a TTY, console on a TTY.

A redaction processor runs last-but-one: values of sensitive keys never reach the output, and
long digit runs / URLs with query strings inside free-text values are masked too.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

__all__ = ["configure_logging", "redact"]

_SENSITIVE_KEYS = frozenset(
    {
        "code",
        "otp",
        "link",
        "url",
        "token",
        "password",
        "passwd",
        "secret",
        "body",
        "html",
        "text",
        "raw",
        "subject",
        "authorization",
        "code_display",
        "result",
    }
)
#: Keys whose values are identifiers or plumbing we write ourselves: never content, and masking
#: their digits would only destroy the information (timestamps, uids, pids in instance ids).
_STRUCTURAL_KEYS = frozenset(
    {
        "event", "timestamp", "level", "instance", "leader", "message_key", "mailbox", "folder",
        "inbox_id", "job_id", "uid", "uidvalidity", "uidnext", "last_uid", "watch", "pid",
        "queue", "worker", "redis", "port",
    }
)
_DIGITS = re.compile(r"(?<![\w.])\d{4,10}(?![\w.])")
_QUERY_URL = re.compile(r"(https?://[^\s?#]+)[?#]\S*")
_URL_CREDS = re.compile(r"(\w+://)[^/\s:@]+:[^/\s@]+@")

_configured = False


def _mask(value: str) -> str:
    value = _URL_CREDS.sub(r"\1***:***@", value)
    value = _QUERY_URL.sub(r"\1?***", value)
    return _DIGITS.sub("***", value)


def redact(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: drop secrets by key, mask code- and token-shaped text elsewhere."""
    for key, value in list(event_dict.items()):
        if key.lower() in _SENSITIVE_KEYS:
            event_dict[key] = "[redacted]"
        elif isinstance(value, str) and key not in _STRUCTURAL_KEYS:
            event_dict[key] = _mask(value)
    return event_dict


def configure_logging(level: str = "INFO", *, json: bool | None = None) -> None:
    """Idempotent; call at each process entry point before the first log line."""
    global _configured  # noqa: PLW0603 - once-per-process switch
    if _configured:
        return
    use_json = (not sys.stderr.isatty()) if json is None else json
    numeric = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    renderer: Any = (
        structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    # Libraries that log through stdlib (rq, imapclient) go to stderr at WARNING and up.
    logging.basicConfig(level=max(numeric, logging.WARNING), stream=sys.stderr)
    _configured = True
