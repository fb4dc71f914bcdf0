"""The "why" of a verdict: ``Extraction.reasons`` and ``otpbridge extract --explain``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from otpbridge.bridge.cli import main
from otpbridge.extract import extract_message
from otpbridge.extract.explain import explain_message

GOLDEN = Path(__file__).parent / "golden"


def _mail(subject: str, text: str) -> bytes:
    head = f"From: a@b.example\r\nTo: c@d.example\r\nSubject: {subject}\r\n"
    head += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    return head.encode() + text.encode()


def test_reasons_name_the_winner_and_the_best_rejected() -> None:
    result = extract_message(_mail("Sign in", "Your login code is 482913.\n\n© 2026 Acme"))
    assert result.reasons[0].startswith("code 482913 chosen")
    assert "'login code'" in result.reasons[0]
    assert result.reasons[1].startswith("code 2026 rejected")
    assert result.to_dict()["reasons"] == list(result.reasons)


def test_a_none_verdict_says_why() -> None:
    result = extract_message(_mail("Booking", "Your booking code 482913 is confirmed."))
    assert result.kind == "none"
    assert len(result.reasons) == 1
    assert result.reasons[0].startswith("code 482913 rejected (")
    assert "vetoed by 'booking'" in result.reasons[0]


def test_reasons_carry_no_url() -> None:
    url = "https://id.example/verify?otp=RVWQragqSq48"
    result = extract_message(_mail("Login", f"RVWQragqSq48 is your login code.\n\n{url}\n"))
    assert result.link == url
    assert any(r.startswith("link to id.example chosen (") for r in result.reasons)
    assert not any("https://" in r or "verify?" in r for r in result.reasons)


def test_explain_lists_rejected_candidates_with_their_span() -> None:
    out = explain_message((GOLDEN / "e10-none-gift-code-and-pin.eml").read_bytes())
    assert out.startswith("verdict: none")
    assert "✗ 4820" in out
    assert "PIN: [4820]" in out
    assert "gift card, no code word names it" in out


@pytest.mark.parametrize("raw", [b"", b"\x00\xff", b"Subject: x\r\n\r\n" + b"9" * 100_000])
def test_explain_never_raises(raw: bytes) -> None:
    assert explain_message(raw).startswith("verdict: ")


def test_cli_explain(capsys: pytest.CaptureFixture[str]) -> None:
    eml = GOLDEN / "e10-otp-brand-garage.eml"
    assert main(["extract", "--explain", str(eml)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"== {eml}\nverdict: otp  code=482913")
    assert main(["extract", str(eml)]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["reasons"][0].startswith("code 482913 chosen")
