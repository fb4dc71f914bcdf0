"""Content shared with the reader is not an account action.

"Anna shared a document with you", "Anna Schmidt hat ein Dokument mit Ihnen geteilt", "Sam
invited you to edit 'Roadmap'": the button opens a document, board or folder. Its URL often
has an invitation's words and token ("/invite/…?token=", "?invite=…"), which elsewhere make a
confirm link; here it proves nothing about the mailbox and the agent must not open it as one.
A meeting invitation ("Conference ID: …", "Dial-in") is such a mail too: its links open the
meeting room, its streams and its shared folder.
Only a link whose own label (or the words before a bare URL on its line) asks to sign in,
confirm or reset, or whose URL is a known auth route, keeps its kind. The phrases are data,
per language.
"""

from __future__ import annotations

import re

from otpbridge.extract.lang.patterns import table_pattern
from otpbridge.extract.links.cues import purposes_in
from otpbridge.extract.links.url_signatures import analyse_url
from otpbridge.extract.model import LinkCandidate
from otpbridge.extract.parse.document import Document

__all__ = ["unshared"]

_SHARED_WORDS = table_pattern("link", "shared_content")
_MEETING_WORDS = table_pattern("mail", "meeting")
_ASKS = frozenset(("magic", "confirm", "reset", "password"))
_OWN_ASKS = _ASKS - {"confirm"}
#: Sharing is said at the top: the subject and the first lines.
_HEAD = 3000
_LINE = 200  # how far back a bare URL's line is read
_SIGNATURE = re.compile(r"\n-- ?\n")


def unshared(doc: Document, links: tuple[LinkCandidate, ...]) -> tuple[LinkCandidate, ...]:
    """``links`` with the kind taken from links that open shared content."""
    if not any(c.kind for c in links) or not _shares(doc):
        return links
    return tuple(_content(c, doc.plain_text) if c.kind else c for c in links)


def _content(c: LinkCandidate, plain: str) -> LinkCandidate:
    """``c`` as a content link, unless its label (or, for a bare URL of the text part, the
    words before it on its line) or its auth route says otherwise."""
    facts = analyse_url(c.url)
    if facts is None or facts.signature or _asks(c.text, _ASKS):
        return c
    at = plain.find(c.url)
    if at >= 0 and _asks(_line_before(plain, at), _ASKS):
        return c  # "Verify your email to open it: https://…"
    # "Link to reset your password:⏎https://…"; not "To accept the invite, visit:⏎…", which
    # opens the content shared.
    if at >= 0 and _asks(_line_above(plain, at), _OWN_ASKS):
        return c
    reason = f"{c.reason}; shared content ≤0.30".lstrip("; ")
    return LinkCandidate(url=c.url, kind=None, score=min(c.score, 0.3), text=c.text, reason=reason)


def _asks(text: str, asks: frozenset[str]) -> bool:
    """``text`` asks for one of ``asks``; "log in to view the invitation" does not: signing
    in is the way to the content there, not what the link does."""
    purposes = purposes_in(text)
    if "browse" in purposes:
        purposes -= {"magic"}
    return bool(asks & purposes)


def _line_before(plain: str, at: int) -> str:
    return plain[max(plain.rfind("\n", 0, at) + 1, at - _LINE) : at]


def _line_above(plain: str, at: int) -> str:
    """The line above a URL that stands alone on its line."""
    start = plain.rfind("\n", 0, at) + 1
    if start == 0 or plain[start:at].strip():
        return ""
    return plain[max(plain.rfind("\n", 0, start - 1) + 1, start - _LINE) : start]


def _shares(doc: Document) -> bool:
    # The signature (after "-- ") is the site's footer: "to edit your notification
    # settings" there shares nothing.
    head = _SIGNATURE.split(doc.text[:_HEAD], maxsplit=1)[0]
    return bool(
        _SHARED_WORDS.search(doc.subject)
        or _SHARED_WORDS.search(head)
        or _MEETING_WORDS.search(head)
    )
