"""The redaction processor: secrets never reach a log line, identifiers stay readable."""

from __future__ import annotations

from typing import Any

from otpbridge.bridge.logs import redact


def _run(**fields: Any) -> dict[str, Any]:
    return dict(redact(None, "info", dict(fields)))


def test_sensitive_keys_are_dropped_whatever_their_value() -> None:
    out = _run(event="x", code="482913", password="hunter2", subject="Your code 482913", link="l")
    assert out["code"] == out["password"] == out["subject"] == out["link"] == "[redacted]"


def test_code_and_token_shapes_are_masked_in_free_text() -> None:
    out = _run(
        event="job_failed",
        error="parse failed near 482913 at https://app.test/verify?token=s3cr3t",
        reason="imap://bob:pw@host failed",
    )
    assert "482913" not in out["error"]
    assert "s3cr3t" not in out["error"]
    assert "https://app.test/verify?***" in out["error"]
    assert "pw" not in out["reason"].split("@")[0].split("//")[1]


def test_identifiers_and_timestamps_keep_their_digits() -> None:
    out = _run(
        event="message_routed",
        timestamp="2026-11-28T10:00:00Z",
        message_key="bb5f71a6ed-1795864315-1",
        uid="1234",
        instance="vm-24229-bd5914",
    )
    assert out["timestamp"] == "2026-11-28T10:00:00Z"
    assert out["message_key"] == "bb5f71a6ed-1795864315-1"
    assert out["instance"] == "vm-24229-bd5914"
