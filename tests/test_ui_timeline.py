"""The ``/ui`` timeline's pure parts: one row per mail from an inbox's events, codes and link
tokens masked (also inside the extractor's reasons), hostile text escaped."""

from __future__ import annotations

import json

from otpbridge.bridge.http.ui_templates.pages import timeline_html
from otpbridge.bridge.http.ui_templates.timeline import build_timeline, mask_code, mask_link


def test_masks() -> None:
    assert mask_code("284913") == "28••••"
    assert mask_code("4821") == "4•••"
    assert mask_code("") == ""
    assert mask_link("https://app.example/magic?token=abc") == "https://app.example/magic?…"
    assert mask_link("https://app.example/l/abc/def") == "https://app.example/l/…"
    assert mask_link("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/"
    assert mask_link("not a url") == "…"


def _events() -> list[tuple[bytes, dict[bytes, bytes]]]:
    result = {
        "kind": "otp",
        "language": "en",
        "expires_in_s": 600,
        "candidates": [{"value": "284913", "score": 0.97, "reason": "near 'code' (284913)"}],
        "links": [{"url": "https://x.example/v?t=1", "kind": "magic_link", "score": 0.9}],
    }

    def ev(entry: str, **fields: str) -> tuple[bytes, dict[bytes, bytes]]:
        return entry.encode(), {k.encode(): v.encode() for k, v in fields.items()}

    return [
        ev("1000-0", type="received", message_key="m1", subject="<b>hi</b> 284913", **{"from": "A"},
           received_at="900", seen_at="950", sender_allowed="1", sender_auth="pass"),
        ev("1100-0", type="extracted", message_key="m1", kind="otp", code="284913",
           code_display="284 913", link="https://x.example/v?t=1", link_kind="magic_link",
           confidence="0.97", extracted_at="1100", result=json.dumps(result)),
        ev("2000-0", type="received", message_key="m2", subject="s", **{"from": "B"},
           received_at="2000", seen_at="2000", sender_allowed="0", refused="sender_not_allowed"),
        ev("3000-0", type="received", message_key="m3", subject="big", received_at="3000"),
        ev("3500-0", type="failed", message_key="m3", error="message too large"),
    ]  # fmt: skip


def test_rows_per_mail_newest_first() -> None:
    consumed = {"by:code:m1": "agent-7|1200", "floor:code": "1100-0"}
    rows = build_timeline(_events(), consumed)
    assert [r.message_key for r in rows] == ["m3", "m2", "m1"]
    failed, refused, extracted = rows
    assert failed.outcome == "failed"
    assert failed.error == "message too large"
    assert failed.latency_ms == 500
    assert refused.outcome == "refused"
    assert refused.sender_allowed is False
    assert extracted.outcome == "extracted"
    assert extracted.latency_ms == 200
    assert extracted.pipeline_ms == 150
    assert extracted.code_masked == "28••••"
    assert extracted.link_masked == "https://x.example/v?…"
    assert extracted.confidence == 0.97
    assert [h.by for h in extracted.handed if h.slot == "code"] == ["agent-7"]
    # A reason quoting the code shows it masked, like the code itself.
    assert any("near 'code' (28••••)" in r for r in extracted.reasons)
    page = timeline_html(rows)
    assert "284913" not in page
    assert "t=1" not in page
    assert "&lt;b&gt;hi&lt;/b&gt; 28••••" in page  # the subject's copy of the code is masked
    assert "<b>hi</b>" not in page


def test_unreadable_events_do_not_break_the_page() -> None:
    entries = [
        (b"1-0", {b"type": b"extracted", b"message_key": b"m", b"result": b"{oops",
                  b"confidence": b"high", b"extracted_at": b"x"}),
        (b"2-0", {b"type": b"received"}),  # no message key: skipped
    ]  # fmt: skip
    (row,) = build_timeline(entries, {})
    assert row.outcome == "extracted"
    assert row.confidence is None
    assert row.done_ms == 1
    assert "extracted" in timeline_html([row])


def test_the_extractors_own_reasons_are_shown_masked() -> None:
    result = {
        "kind": "otp",
        "reasons": [
            "code 384917 chosen (0.99 ≥ 0.5): keyword 'verification code' 20 chars after",
            "code 771204 rejected (0.31 < 0.5): looks like an order number",
            "link to app.example chosen (magic_link, 0.95): 'Sign in'",
        ],
    }
    entries = [
        (b"5-0", {b"type": b"received", b"message_key": b"m", b"subject": b"Sign in"}),
        (b"6-0", {b"type": b"extracted", b"message_key": b"m", b"kind": b"otp",
                  b"code": b"384917", b"result": json.dumps(result).encode()}),
    ]  # fmt: skip
    (row,) = build_timeline(entries, {})
    assert row.reasons == (
        "code 38•••• chosen (0.99 ≥ 0.5): keyword 'verification code' 20 chars after",
        "code 77•••• rejected (0.31 < 0.5): looks like an order number",
        "link to app.example chosen (magic_link, 0.95): 'Sign in'",
    )
