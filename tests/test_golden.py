"""Golden mails: every tests/golden/<name>.eml must give the fields in <name>.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from otpbridge.extract import extract_message

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.eml"))


def test_golden_set_is_complete() -> None:
    assert len(CASES) >= 40
    missing = [name for name in CASES if not (GOLDEN / f"{name}.json").exists()]
    assert missing == []


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    expected = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    result = extract_message((GOLDEN / f"{name}.eml").read_bytes()).to_dict()
    got = {key: result[key] for key in expected}
    assert got == expected, [c["reason"] for c in result["candidates"][:3]]
