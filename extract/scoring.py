"""Scoring of one extraction against one truth row (DESIGN.md §7). Pure, no I/O."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Score", "score_row"]


@dataclass(frozen=True, slots=True)
class Score:
    """Verdicts for one message; ``None`` means the metric does not apply to it."""

    code_ok: bool | None  # truth has a code: did we return exactly it?
    link_ok: bool | None  # truth has a link: is our primary link exactly it?
    false_positive: bool | None  # truth kind none: did we return any code or link?


def _norm_code(code: object) -> str:
    return "".join(str(code).replace("-", " ").split())


def _norm_link(link: object) -> str:
    return html.unescape(str(link)).strip()


def score_row(result: Mapping[str, Any], truth: Mapping[str, Any]) -> Score:
    """Compare an extractor JSON object with a truth row of ``truth.jsonl``."""
    got_code, got_link = result.get("code"), result.get("link")
    want_code, want_link = truth.get("code"), truth.get("link")
    if truth.get("kind") == "none":
        return Score(None, None, bool(got_code) or bool(got_link))
    code_ok = None
    if want_code:
        code_ok = bool(got_code) and _norm_code(got_code) == _norm_code(want_code)
    link_ok = None
    if want_link:
        link_ok = bool(got_link) and _norm_link(got_link) == _norm_link(want_link)
    return Score(code_ok, link_ok, None)
