"""structlog, configured once per process: JSON when not a TTY, console on a TTY.

A redaction processor runs last-but-one: values of sensitive keys never reach the output, and
long digit runs / URLs with query strings inside free-text values are masked too.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, Final

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
        "queue", "worker", "redis", "port", "logger",
    }
)
_DIGITS = re.compile(r"(?<![\w.])\d{4,10}(?![\w.])")
_QUERY_URL = re.compile(r"(https?://[^\s?#]+)[?#]\S*")
#: ``scheme://user:password@``: up to the *last* ``@`` before the host (a raw ``@`` in the
#: password must not leave its tail), the user may be empty (``redis://:pw@host``).
_URL_CREDS = re.compile(r"(\b[A-Za-z][\w+.-]*://)[^\s/?#@:]*:[^\s/?#]*@")
_QUERY_SECRET = re.compile(r"((?:password|passwd|secret|token)=)[^&\s]+", re.IGNORECASE)

_configured = False


def _mask(value: str) -> str:
    value = _URL_CREDS.sub(r"\1***:***@", value)
    value = _QUERY_SECRET.sub(r"\1***", value)
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


def _redact_foreign(
    logger: Any, method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """:func:`redact` for a stdlib record: its ``event`` is the library's free-text message
    (a structlog event is a name we chose), so it is masked too."""
    event = event_dict.get("event")
    if isinstance(event, str):
        event_dict["event"] = _mask(event)
    return redact(logger, method, event_dict)


class _StderrHandler(logging.Handler):
    """Writes formatted stdlib records through a structlog ``PrintLogger``: structlog holds one
    lock per file, so a library's line never lands inside one of ours (or the reverse)."""

    def __init__(self, out: Any) -> None:
        super().__init__()
        self._out = structlog.PrintLogger(file=out)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._out.msg(self.format(record))
        except Exception:  # noqa: BLE001 - logging must not raise; handleError reports it
            self.handleError(record)


#: A protocol line keeps its tag, command or response name and numbers; nothing a mail says.
_TRACE_KEEP: Final = re.compile(
    r"^[<>]?\s*b?['\"]?((?:[*+]|[A-Za-z0-9.]+)(?:\s+[A-Z0-9.\[\]]+(?=[\s'\"]|$)){0,4})"
)


class _RedactedTrace(logging.Filter):
    """``OTPBRIDGE_IMAP_TRACE``: imapclient's protocol lines cut to their first words (tag,
    command, status, counts) — quoted strings, literals, addresses and header text (which
    carry mail) never pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        kept = _TRACE_KEEP.match(text)
        record.msg = f"{text[:1]} {kept.group(1)} …" if kept else "[trace line withheld]"
        record.args = ()
        return True


def configure_logging(
    level: str = "INFO", *, json: bool | None = None, imap_trace: bool = False
) -> None:
    """Idempotent; call at each process entry point before the first log line.

    Libraries that log through stdlib (rq, redis, imapclient, Python warnings) go to stderr at
    WARNING and up, rendered like our own lines (JSON when stderr is not a TTY) and redacted
    by the same processor. imapclient's protocol trace (commands, fetched mail) stays off
    whatever the level, unless ``imap_trace`` (``OTPBRIDGE_IMAP_TRACE``) turns on a redacted
    one (see :class:`_RedactedTrace`).
    """
    global _configured  # noqa: PLW0603 - once-per-process switch
    if _configured:
        return
    use_json = (not sys.stderr.isatty()) if json is None else json
    numeric = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    renderer: Any = (
        structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer()
    )
    timestamper = structlog.processors.TimeStamper(fmt="iso", utc=True)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            timestamper,
            structlog.processors.format_exc_info,
            redact,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    handler = _StderrHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[
                structlog.contextvars.merge_contextvars,
                structlog.stdlib.add_log_level,
                structlog.stdlib.add_logger_name,
                timestamper,
            ],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                _redact_foreign,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(max(numeric, logging.WARNING))
    logging.getLogger("imapclient").setLevel(logging.WARNING)
    if imap_trace:
        trace = logging.getLogger("imapclient.imaplib")
        trace.setLevel(logging.DEBUG)
        trace.addFilter(_RedactedTrace())
        # Its records pass the root logger's level check only through our handler's logger.
        trace.addHandler(handler)
        trace.propagate = False
    logging.captureWarnings(True)
    _configured = True
