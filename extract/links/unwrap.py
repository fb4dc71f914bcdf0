"""Offline decoding of click-tracking and link-protection wrappers.

A wrapper hides the real target inside its own URL. Where the target is recoverable from the
string alone (Microsoft SafeLinks, Proofpoint URL Defense v2/v3, redirectors that carry the
target as a percent-encoded URL) we decode it. We never dereference anything: mail scanners
burn single-use links by fetching them, and an extractor must not be one more.

Some ESPs carry the target encoded in their click URL (Mailjet's ``/lnk/…/<base64url of the
URL>``, Customer.io's ``/e/c/<base64 JSON with "href">``, Mandrill's ``?p=<base64 JSON>``,
a scheme-less percent-encoded URL as a path segment); those are decoded too. Opaque
wrappers (SendGrid ``upn=``, Mailgun, ...) cannot be; :func:`looks_like_tracker` lets the
ranking prefer an equivalent URL shown in visible text.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["looks_like_tracker", "unwrap_url"]

_SAFELINKS_HOST = re.compile(r"(?:^|\.)safelinks\.protection\.outlook\.com$|(?:^|\.)safelinks\.")
_PROOFPOINT_HOST = re.compile(r"(?:^|\.)urldefense(?:\.proofpoint)?\.com$")
_PROOFPOINT_V3 = re.compile(r"/v3/__(?P<url>.+?)__;(?P<bytes>[^!]*)!")
_TARGET_PARAMS = frozenset(
    {
        "url",
        "u",
        "target",
        "dest",
        "destination",
        "redirect",
        "redirect_url",
        "redirect_uri",
        "goto",
        "link",
        "to",
        "q",
        "r",
        "href",
        "out",
    }
)
# Path words of redirectors; a URL needs one of them (or to be nothing but a target param)
# before a generic target is lifted out, so login callbacks keep their ``callbackUrl``.
_REDIRECT_WORDS = re.compile(
    r"(?:^|/)(?:click|clicks|c|l|r|ls|wf|redirect|redir|track|tracking|link|links|out|away|"
    r"goto|url|cl0|cl1|e|t)(?:/|$)",
    re.IGNORECASE,
)
_AUTH_PARAM = re.compile(r"token|code|secret|signature|key|otp|nonce|hash", re.IGNORECASE)
_TRACKER_HOST = re.compile(
    r"(?:^|\.)(?:ct\.sendgrid\.net|sendgrid\.net|mandrillapp\.com|list-manage\.com|"
    r"mailgun\.org|mlsend\.com|hubspotlinks\.com|mjt\.lu|sparkpostmail\.com|"
    r"exacttarget\.com|rs6\.net|awstrack\.me|postmarkapp\.com|mailchi\.mp)$"
    r"|(?:^|\.)(?:click|clicks|track|tracking|links?|email|em|e|t|url\d*)\.",
    re.IGNORECASE,
)
_MAX_DEPTH = 4
_BASE64_SEGMENT = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
# Keys of an ESP's click payload that hold the target (never "iss" or "aud" of a JWT).
_PAYLOAD_TARGET_KEYS = ("href", "url", "link", "target", "redirect", "dest", "destination")


def unwrap_url(url: str) -> str:
    """The innermost recoverable target of ``url`` (``url`` itself when not a wrapper)."""
    for _ in range(_MAX_DEPTH):
        inner = _unwrap_once(url)
        if inner is None or inner == url:
            return url
        url = inner
    return url


def looks_like_tracker(url: str) -> bool:
    """True for click-tracking hosts/paths whose target cannot be recovered offline."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if _TRACKER_HOST.search(host):
        return True
    return bool(re.search(r"/(?:ls/click|wf/click|track/click|CL0/|c/|click\b)", parts.path))


def _unwrap_once(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    params = parse_qsl(parts.query, keep_blank_values=True)
    if _SAFELINKS_HOST.search(host):
        return _first_http(v for k, v in params if k.lower() == "url")
    if _PROOFPOINT_HOST.search(host):
        return _proofpoint(url, parts.path, params)
    if looks_like_tracker(url):
        pieces = [*reversed(parts.path.split("/")), *(v for _, v in params)]
        encoded = next(filter(None, map(_encoded_target, pieces)), None)
        if encoded is not None:
            return encoded
    return _generic(parts.path, params)


def _encoded_target(piece: str) -> str | None:
    """A click tracker's path segment or query value that holds the target: base64 of the
    URL (Mailjet), base64 JSON naming it (Customer.io; Mandrill nests it one level deeper),
    or the URL without its scheme, percent-encoded ("app.example%2Fverify%3Ftoken%3D…")."""
    if "%2f" in piece.lower() and "." in piece.split("%", maxsplit=1)[0]:
        decoded = unquote(piece)
        if re.match(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+/", decoded, re.IGNORECASE):
            return _first_http(["https://" + decoded])
    if not _BASE64_SEGMENT.fullmatch(piece):
        return None
    normal = piece.replace("-", "+").replace("_", "/").rstrip("=")
    try:
        text = base64.b64decode(normal + "=" * (-len(normal) % 4)).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if text.startswith(("http://", "https://")):
        return _first_http([text])
    return _payload_target(text, depth=2) if text.startswith("{") else None


def _payload_target(text: str, *, depth: int) -> str | None:
    try:
        payload = json.loads(text)
    except ValueError:
        return None
    # A payload with its own token is an app's, not a click record.
    if not isinstance(payload, dict) or any(_AUTH_PARAM.search(str(k)) for k in payload):
        return None
    values = [payload.get(key) for key in _PAYLOAD_TARGET_KEYS]
    found = _first_http(v for v in values if isinstance(v, str))
    if found is None and depth > 1:
        nested = (v for v in payload.values() if isinstance(v, str) and v.startswith("{"))
        found = next(filter(None, (_payload_target(v, depth=depth - 1) for v in nested)), None)
    return found


def _proofpoint(url: str, path: str, params: list[tuple[str, str]]) -> str | None:
    match = _PROOFPOINT_V3.search(url)
    if match:
        # v3 replaces some characters by "*" and lists the originals (base64url) after "__;".
        return _proofpoint_v3(match.group("url"), match.group("bytes"))
    if path.startswith("/v2/"):
        for key, value in params:
            if key == "u":
                return _first_http([unquote(value.replace("-", "%").replace("_", "/"))])
    if path.startswith("/v1/"):
        return _first_http(v for k, v in params if k == "u")
    return None


def _proofpoint_v3(body: str, encoded: str) -> str | None:
    if "*" not in body:
        return _first_http([body])
    padded = encoded + "=" * (-len(encoded) % 4)
    try:
        replacements = base64.urlsafe_b64decode(padded).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    chars = iter(replacements)
    out: list[str] = []
    for ch in body:
        if ch == "*":
            nxt = next(chars, None)
            if nxt is None:
                return None
            out.append(nxt)
        else:
            out.append(ch)
    return _first_http(["".join(out)])


def _generic(path: str, params: list[tuple[str, str]]) -> str | None:
    if any(_AUTH_PARAM.search(k) for k, _ in params if k.lower() not in _TARGET_PARAMS):
        return None
    # Resend / SES-style: the target is one percent-encoded path segment. Nothing else puts
    # a whole encoded URL in a path, so no redirect word is needed.
    for segment in path.split("/"):
        if segment.lower().startswith(("http%3a", "https%3a")):
            return _first_http([unquote(segment)])
    only_target = bool(params) and all(k.lower() in _TARGET_PARAMS for k, _ in params)
    if not (_REDIRECT_WORDS.search(path) or (only_target and path in ("", "/"))):
        return None
    return _first_http(v for k, v in params if k.lower() in _TARGET_PARAMS)


def _first_http(values: Iterable[str]) -> str | None:
    for value in values:
        text = value.strip()
        if text.lower().startswith(("https%3a", "http%3a")):
            text = unquote(text)
        if re.match(r"https?://[^/\s]+", text, re.IGNORECASE):
            return text
    return None
