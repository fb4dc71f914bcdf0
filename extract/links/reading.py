"""What one link is as the mail shows it (:class:`Seen`) and what the words around it say
(:class:`Read`): the record the scoring steps (:mod:`extract.links.score`) and the gates
(:mod:`extract.links.gates`) share."""

from __future__ import annotations

from dataclasses import dataclass, field

from otpbridge.extract.links.cues import Purpose
from otpbridge.extract.model import LinkKind

__all__ = ["Read", "Seen"]


@dataclass(slots=True)
class Seen:
    url: str
    wrapped: bool  # an opaque click-tracking wrapper we could not decode
    text: str
    context: str
    title: str
    position: int
    from_html: bool
    in_plain_text: bool


@dataclass(slots=True)
class Read:
    """What the words around one link say, and what the steps decided so far."""

    label: str
    text_purposes: frozenset[Purpose]
    context: str
    short_context: bool
    context_purposes: frozenset[Purpose]
    text_kinds: set[LinkKind]
    context_kinds: set[LinkKind]
    invited: bool = False
    alert: bool = False
    changed: bool = False
    commerce: bool = False
    subject_kinds: set[LinkKind] = field(default_factory=set)
    secret: bool = False
    gates: list[str] = field(default_factory=list)
