"""Libraries' stdlib log records (rq, redis, imapclient, Python warnings) go out
like our own lines: JSON when stderr is not a TTY, through the same redaction (issue 14).
``configure_logging`` is once per process, so it runs in a child process here."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from otpbridge.bridge.logs import redact

_CHILD = textwrap.dedent(
    """
    import logging, sys, threading, warnings
    import structlog
    from otpbridge.bridge.logs import configure_logging

    configure_logging(sys.argv[1])
    log = structlog.get_logger()
    log.info("worker_started", note="code 246810 in free text")
    logging.getLogger("rq.worker").warning("job %s failed: code %s", "otpb-x-1", "482913")
    logging.getLogger("imapclient.imaplib").debug("> b'A1 LOGIN bob 777777'")
    logging.getLogger("imapclient.imapclient").warning("IDLE lost; mail 135790 pending")
    logging.getLogger("redis.connection").error("to redis://:p@ss@w0rd@h:6379/0 gone 918273")
    warnings.warn("deprecated since 192837", DeprecationWarning, stacklevel=1)
    try:
        raise ValueError("bad mail 564738")
    except ValueError:
        logging.getLogger("rq.worker").exception("job crashed at 102938")

    def burst(n):
        for i in range(200):
            log.info("burst", thread=n, i=i)
            logging.getLogger("rq.worker").warning("burst %d %d", n, i)

    threads = [threading.Thread(target=burst, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    """
)
_SIX_DIGITS = re.compile(r"(?<!\d)\d{6}(?!\d)")


def _run(level: str) -> list[dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, "-W", "always", "-c", _CHILD, level],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert proc.stdout == ""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    parsed = []
    for line in lines:
        obj = json.loads(line)  # every line, including the libraries' and the traceback's
        assert isinstance(obj, dict), line
        parsed.append(obj)
    return parsed


def test_stdlib_records_are_json_and_redacted() -> None:
    lines = _run("INFO")
    for obj in lines:
        shown = json.dumps({k: v for k, v in obj.items() if k != "timestamp"})
        assert _SIX_DIGITS.search(shown) is None, shown
        assert "w0rd" not in shown
    events = [str(obj.get("event")) for obj in lines]
    text = "\n".join(events)
    assert "Alice" not in text  # mail-parser quotes mail content: silenced
    assert "Bob" not in text
    assert "LOGIN" not in text
    by_logger = {obj.get("logger") for obj in lines}
    assert {"rq.worker", "imapclient.imapclient", "redis.connection", "py.warnings"} <= by_logger
    assert any(e.startswith("job otpb-x-1 failed: code ***") for e in events)
    crashed = next(obj for obj in lines if "job crashed" in str(obj.get("event")))
    assert crashed["level"] == "error"
    assert "ValueError: bad mail ***" in crashed["exception"]
    assert any(obj.get("event") == "worker_started" for obj in lines)
    assert sum(obj.get("event") == "burst" for obj in lines) == 800
    assert sum(str(obj.get("event")).startswith("burst ") for obj in lines) == 800


def test_imapclient_protocol_trace_stays_off_at_debug() -> None:
    lines = _run("DEBUG")
    assert not any("LOGIN" in str(obj.get("event")) for obj in lines)
    assert not any(obj.get("logger") == "imapclient.imaplib" for obj in lines)


def test_url_credentials_with_a_raw_at_are_hidden_whole() -> None:
    out = dict(
        redact(
            None,
            "info",
            {
                "event": "x",
                "error": "connect redis://:p@ss@w0rd@host:6379/0 failed",
                "reason": "redis+sentinel://u:s@cr@t@h1:1,h2:2/m?sentinel_password=hunter2",
            },
        )
    )
    assert "w0rd" not in out["error"]
    assert "ss@" not in out["error"]
    assert out["error"].startswith("connect redis://***:***@host:")
    assert "cr@t" not in out["reason"]
    assert "hunter2" not in out["reason"]


_TRACE_CHILD = textwrap.dedent(
    """
    import logging, sys
    from otpbridge.bridge.logs import configure_logging

    configure_logging("DEBUG", json=True, imap_trace=sys.argv[1] == "on")
    trace = logging.getLogger("imapclient.imaplib")
    trace.debug("> b'NGLB3 UID FETCH 5 (BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])'")
    trace.debug("< b'* 5 FETCH (UID 7 BODY[HEADER.FIELDS (SUBJECT)] {40}'")
    trace.debug("< b'Subject: Your verification code is 482913'")
    trace.debug(
        "< b'* 5 FETCH (ENVELOPE (NIL \\"Your code 482913\\" ((\\"Bob\\" NIL \\"bob\\")))'"
    )
    """
)


@pytest.mark.parametrize("switch", ["off", "on"])
def test_imap_trace_is_off_unless_asked_and_then_carries_no_mail(switch: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _TRACE_CHILD, switch],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = [json.loads(line) for line in proc.stderr.splitlines() if line.strip()]
    if switch == "off":
        assert lines == []
        return
    events = [str(obj["event"]) for obj in lines]
    assert events[0].startswith("> NGLB3 UID FETCH 5")
    assert all(obj["logger"] == "imapclient.imaplib" for obj in lines)
    shown = json.dumps(events)
    assert "482913" not in shown
    assert "verification" not in shown
    assert "bob" not in shown
