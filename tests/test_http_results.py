"""The shared result schema (bridge/sdk/results.py): field names and time format."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from otpbridge.bridge.sdk.models import Email, HandOut, Inbox, Link, Message, Otp
from otpbridge.bridge.sdk.results import (
    email_result,
    extraction_reasons,
    inbox_result,
    iso_time,
    link_result,
    otp_result,
)

T0 = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
MSG = Message(
    "m1",
    "Your code",
    '"GitHub" <noreply@github.com>',
    T0,
    sender_auth="pass",
    from_address="noreply@github.com",
)


def test_iso_time_is_utc_with_z() -> None:
    assert iso_time(T0) == "2026-01-02T03:04:05.678Z"
    cet = timezone(timedelta(hours=1))
    assert iso_time(T0.astimezone(cet)) == "2026-01-02T03:04:05.678Z"
    assert iso_time(None) is None


def test_otp_result_fields() -> None:
    otp = Otp("847291", 0.97123, T0 + timedelta(seconds=599.2), MSG, display="847 291")
    out = otp_result(otp, now=T0)
    assert out == {
        "code": "847291",
        "code_display": "847 291",
        "expires_in_s": 600,
        "expires_at": "2026-01-02T03:14:04.878Z",
        "confidence": 0.971,
        "message": {
            "id": "m1",
            "from": '"GitHub" <noreply@github.com>',
            "from_address": "noreply@github.com",
            "subject": "Your code",
            "received_at": "2026-01-02T03:04:05.678Z",
            "sender_auth": "pass",
        },
    }
    json.dumps(out)
    expired = otp_result(Otp("1", 1.0, T0 - timedelta(seconds=5), MSG), now=T0)
    assert expired["expires_in_s"] == 0
    assert expired["code_display"] == "1"
    assert otp_result(Otp("1", 1.0, None, MSG))["expires_in_s"] is None


def test_link_and_inbox_results() -> None:
    out = link_result(Link("https://x.example/v?t=1", "magic_link", 0.9, MSG))
    assert set(out) == {"url", "kind", "confidence", "message"}
    inbox = Inbox("abc", "a+abc@x.example", T0, T0 + timedelta(hours=1), ("github.com",), "s")
    res = inbox_result(inbox)
    assert res == {
        "id": "abc",
        "email": "a+abc@x.example",
        "created_at": "2026-01-02T03:04:05.678Z",
        "expires_at": "2026-01-02T04:04:05.678Z",
        "allowed_senders": ["github.com"],
        "label": "s",
        "webhook_url": None,
    }
    assert "webhook_secret" not in res


def test_email_result_carries_reasons() -> None:
    extraction = {
        "kind": "otp",
        "code": "847291",
        "candidates": [
            {"value": "847291", "score": 0.97, "reason": "keyword 'code' 1 token before"}
        ],
        "error": None,
    }
    email = Email(MSG, "text", None, extraction, (HandOut("code", "consumed", "w1", T0),))
    out = email_result(email)
    assert out["reasons"] == ["847291: keyword 'code' 1 token before"]
    assert out["handed_out"] == [
        {"slot": "code", "state": "consumed", "by": "w1", "at": "2026-01-02T03:04:05.678Z"}
    ]
    assert out["extraction"] is extraction
    assert out["html"] is None
    json.dumps(out)
    assert extraction_reasons(None) == []
    given = {"reasons": ["code 847291 chosen (0.97 ≥ 0.5): keyword"], "candidates": []}
    assert extraction_reasons(given) == ["code 847291 chosen (0.97 ≥ 0.5): keyword"]
    assert extraction_reasons({"error": "message too large"}) == ["error: message too large"]
