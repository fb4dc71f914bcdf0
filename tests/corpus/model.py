"""The shapes the corpus generator passes around: a pinned source and one rendered mail.

Kept apart from the rendering so that project adapters (``projects/*.py``) import only
these two names and the value makers, never the MIME or file-writing code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["KINDS", "Mail", "Source"]

#: The truth kinds of DESIGN.md §7.
KINDS = ("otp", "magic_link", "confirm_link", "reset_link", "otp+link", "none")


@dataclass(frozen=True, slots=True)
class Source:
    """One project's templates, pinned to a commit; the files are fetched, never committed."""

    project: str
    repo: str  # owner/name on GitHub
    commit: str
    licence: str  # SPDX id at that commit
    files: tuple[str, ...]  # paths inside the repo, fetched into the cache


@dataclass(slots=True)
class Mail:
    """One rendered mail and its label; ``cls`` names the template class (for per-class tables)."""

    template: str
    language: str
    kind: str
    cls: str
    subject: str
    sender: str
    text: str | None = None
    html: str | None = None
    code: str | None = None
    code_display: str | None = None
    link: str | None = None
    notes: str = ""
    headers: dict[str, str] = field(default_factory=dict)
