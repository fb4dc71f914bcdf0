"""Result types of the extractor (DESIGN.md §6). Frozen, JSON-ready."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["CodeCandidate", "Extraction", "Kind", "LinkCandidate", "LinkKind"]

Kind = Literal["otp", "magic_link", "confirm_link", "reset_link", "none"]
LinkKind = Literal["magic_link", "confirm_link", "reset_link"]


@dataclass(frozen=True, slots=True)
class CodeCandidate:
    value: str
    score: float
    reason: str
    display: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "score": round(self.score, 3), "reason": self.reason}


@dataclass(frozen=True, slots=True)
class LinkCandidate:
    url: str
    kind: LinkKind | None
    score: float
    text: str = ""
    #: Its features and weights (``extract.links.features``), "; "-joined.
    reason: str = ""
    #: The ``for`` / ``claim`` features and their values of a candidate with a kind (what the
    #: weight fit reads); not part of the JSON.
    features: tuple[tuple[str, float], ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "kind": self.kind,
            "score": round(self.score, 3),
            "text": self.text,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Extraction:
    kind: Kind = "none"
    code: str | None = None
    code_display: str | None = None
    link: str | None = None
    link_kind: LinkKind | None = None
    confidence: float = 0.0
    expires_in_s: int | None = None
    language: str | None = None
    candidates: tuple[CodeCandidate, ...] = field(default_factory=tuple)
    links: tuple[LinkCandidate, ...] = field(default_factory=tuple)
    error: str | None = None
    #: Why: the evidence of the chosen code and link and of the best rejected candidate of
    #: each, one line each (``extract.verdict``); no URL (a link's token stays out of it).
    reasons: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self, file: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {} if file is None else {"file": file}
        out.update(
            kind=self.kind,
            code=self.code,
            code_display=self.code_display,
            link=self.link,
            link_kind=self.link_kind,
            confidence=round(self.confidence, 3),
            expires_in_s=self.expires_in_s,
            language=self.language,
            candidates=[c.to_dict() for c in self.candidates],
            links=[c.to_dict() for c in self.links],
            reasons=list(self.reasons),
            error=self.error,
        )
        return out

    def to_json(self, file: str | None = None) -> str:
        return json.dumps(self.to_dict(file), ensure_ascii=False, separators=(",", ":"))
