"""What a mail's links carry that a code may be: path segments, query values, the values of
parameters named for a code ("?code=KXQWTR"), and the keys feed links carry (which no code
is); :class:`MailLinks` reads each set once per mail, on demand."""

from __future__ import annotations

import re

from otpbridge.extract.parse.document import Document
from otpbridge.extract.parse.feeds import feed_query

__all__ = ["MAX_PART", "MailLinks", "feed_keys", "folded", "link_code_values", "link_parts"]

#: What separates the parts of a URL: path segments, query names and values, fragment.
_URL_PARTS = re.compile(r"[/?&;=#:]+")
#: A URL's path (after the host, before the query or fragment).
_URL_PATH = re.compile(r"[a-z][a-z0-9+.-]*://[^/?#\s]*(/[^?#\s]*)", re.IGNORECASE)
#: The longest part read: a SHA-256 in hex ("Or use the verification code: 71fc…3080", the
#: token its activation link carries) is the longest code a mail asks to paste.
MAX_PART = 64


def link_parts(doc: Document) -> frozenset[str]:
    """Every path segment and query value of the mail's links, also folded: an activation link
    often carries the very code its text asks to enter ('…;code=8372137471', 'use the code'),
    in the case the site's form folds it to ('Q2R35' shown, '&token=q2r35' linked)."""
    parts = {
        part for a in doc.anchors for part in _URL_PARTS.split(a.href) if 4 <= len(part) <= MAX_PART
    }
    return frozenset(parts | {folded(part) for part in parts})


def folded(token: str) -> str:
    """A token with a digit in the case a site's form folds it to; a word ("EMAIL") stays
    as written, so it never meets the route word ("/email/verify") it spells."""
    return token.lower() if any(c.isdigit() for c in token) else token


#: A query (or fragment) parameter whose name says it holds the code: "?code=KXQWTR",
#: "&otp=482913", "#token=…", "verification_code=…"; not "promo_code", "coupon_code".
_CODE_PARAM = re.compile(
    r"[?&;#](?:(?:verification|verify|login|auth|signin|sign_in|confirm|confirmation|"
    r"activation|activate|one_time|security|reset|email)[_-]?)?"
    rf"(?:code|otp|pin|passcode|token)=([^&;#=\s]{{4,{MAX_PART}}})",
    re.IGNORECASE,
)


#: A path segment that routes to signing in or verifying: the segment a sign-in link ends in
#: after it is the code ("/users/sign_in/<uuid>/AOZVTE" for "Use this token…: AOZVTE").
_SIGN_IN_SEGMENT = re.compile(
    r"sign[_-]?in|log[_-]?in|verify|verification|confirm|magic|otp|passcode|token|code",
    re.IGNORECASE,
)
_LAST_SEGMENT = re.compile(r"[A-Za-z0-9]{4,12}")


def link_code_values(doc: Document) -> frozenset[str]:
    """The values of the mail's links' code parameters: a sign-in button that carries the
    code its text shows ("(Code KXQWTR)" and "…/verify?code=KXQWTR") names the token a code
    as plainly as the text does, whatever letters the code happens to have; so does the last
    path segment of a link that routes to signing in or verifying."""
    values: set[str] = set()
    for a in doc.anchors:
        values.update(folded(m.group(1)) for m in _CODE_PARAM.finditer(a.href))
        path = _URL_PATH.match(a.href)
        segments = path.group(1).rstrip("/").split("/") if path else []
        if (
            len(segments) >= 2
            and _LAST_SEGMENT.fullmatch(segments[-1])
            and any(_SIGN_IN_SEGMENT.fullmatch(seg) for seg in segments[:-1])
        ):
            values.add(folded(segments[-1]))
    return frozenset(values)


def feed_keys(doc: Document) -> frozenset[str]:
    """The query values of the mail's feed and calendar links: a key a feed reader keeps in
    its subscription ("Your token: AjcM7ghM", "…/feed.xml?token=AjcM7ghM"), not a code
    typed once. A sign-in or verify link is never a feed."""
    keys: set[str] = set()
    for a in doc.anchors:
        rest = feed_query(a.href)
        if rest:
            keys.update(p for p in _URL_PARTS.split(rest) if 4 <= len(p) <= MAX_PART)
    return frozenset(keys | {folded(k) for k in keys})


class MailLinks:
    """What one mail's links carry, each set read on demand (most mails need none)."""

    __slots__ = ("_codes", "_doc", "_feeds", "_parts")

    def __init__(self, doc: Document) -> None:
        self._doc = doc
        self._parts: frozenset[str] | None = None
        self._codes: frozenset[str] | None = None
        self._feeds: frozenset[str] | None = None

    @property
    def parts(self) -> frozenset[str]:
        """Path segments and query values (:func:`link_parts`)."""
        if self._parts is None:
            self._parts = link_parts(self._doc)
        return self._parts

    @property
    def codes(self) -> frozenset[str]:
        """Values of code parameters (:func:`link_code_values`)."""
        if self._codes is None:
            self._codes = link_code_values(self._doc)
        return self._codes

    @property
    def feed_keys(self) -> frozenset[str]:
        """Query values of feed and calendar links (:func:`feed_keys`)."""
        if self._feeds is None:
            self._feeds = feed_keys(self._doc)
        return self._feeds
