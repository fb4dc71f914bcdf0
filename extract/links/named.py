"""A bare URL that the words right before it name: "Your password reset link is: URL",
"please click this link to verify your email address: URL".

A plain-text template often hands its one link over this way, with no anchor label and a
token that the URL detector alone would not call a secret: a short base32 code
("/r/3kq7mz2x", "/r/ABCD2345") or a long run of small letters ("/verify-email/qwhpzkxm…").
The sentence is strong evidence: it points at the link ("link", "click", "Link") and names
its purpose (reset, confirm, sign-in) and ends in a colon right before the URL. Only then
does such a tail count as the link's secret; a newsletter's "/article/qwhpzkxm…" or a blog's
"/p/post2024" under other words does not.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from otpbridge.extract.links.cues import Purpose, purposes_in
from otpbridge.extract.links.url_secrets import random_letters
from otpbridge.extract.links.votes import purposes_kinds

__all__ = ["introduced", "named_before"]

# The words before the URL in its block: up to a sentence end, at most this many characters.
_LEAD = 120
_SENTENCE_END = re.compile(r"[.!?。！？]\s|\n")
# …ending in a colon (with a copula before it or not): "…link is:", "…adresse e-mail :".
_COLON_END = re.compile(r"[:：]\s*$")
# 8-64 letters and digits with both: "3kq7mz2x", "ABCD2345", "Zk3mQ9px".
_SHORT_TOKEN = re.compile(
    r"^(?:(?=[A-Za-z0-9]{8,64}$)(?=.*[0-9])(?=.*[A-Za-z])"
    # …or 6-7 characters with a capital after a small letter ("sQ7AEn", "sfROTS") or
    # digits among small letters ("iedkj6"): no word or record number is written so, but
    # a camel-case route ("signIn", "logOut").
    r"|(?=[A-Za-z0-9]{6,7}$)(?![a-z]+(?:[A-Z][a-z]+)+$)(?:.*[a-z][A-Z]|(?=.*[0-9])(?=.*[a-z])))"
)
_NUMBER_CODE = re.compile(r"^[0-9]{7,20}$")
#: Parameter names of a record's number, not a secret: "id", "user_id", "page", "order"…
_RECORD_PARAM = re.compile(r"id$|^(?:page|p|n|order|invoice|ticket|item|product|post|ref)$")


def named_before(context: str, url: str) -> bool:
    """The words right before ``url`` in its block point at a link, name what it is for and
    end in a colon; and the URL's last path segment (or a query value) is a token."""
    purposes = _lead_purposes(context, url)
    if "pointer" not in purposes or not purposes_kinds(purposes):
        return False
    return _token_tail(url)


def introduced(context: str, url: str) -> frozenset[Purpose]:
    """The purposes of the sentence right before ``url`` when it ends in a colon, names a
    purpose and asks for nothing else ("Pour définir votre mot de passe, veuillez aller à :
    URL"): a bare URL's label, however long its paragraph."""
    purposes = _lead_purposes(context, url)
    ok = bool(purposes_kinds(purposes)) and not purposes & _ELSEWHERE
    # Its pointing words ("click here", "continue") are the sentence's, not a label's.
    return purposes - _POINTING if ok else frozenset()


# Purposes of a sentence that sends the reader elsewhere than the action.
_POINTING = frozenset({"pointer", "generic"})
_ELSEWHERE = frozenset({"decline", "unsubscribe", "browse", "alert", "commerce", "utility"})


def _lead_purposes(context: str, url: str) -> frozenset[Purpose]:
    at = context.find(url)
    if at < 0:
        return frozenset()
    lead = context[max(0, at - _LEAD) : at]
    stops = list(_SENTENCE_END.finditer(lead))
    if stops:
        lead = lead[stops[-1].end() :]
    return purposes_in(lead) if _COLON_END.search(lead) else frozenset()


def _token_tail(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    pieces = [parts.path.rstrip("/").rsplit("/", 1)[-1]]
    query = [
        (name.lower(), value)
        for name, _, value in (p.partition("=") for p in parts.query.split("&"))
    ]
    pieces += [value for _, value in query]
    # "…/users/rs/3936?c=4699208": a long number in a parameter that names no record is the
    # code itself, as the sentence naming the link says.
    numbered = any(
        _NUMBER_CODE.match(value) and not _RECORD_PARAM.search(name) for name, value in query
    )
    return numbered or any(_SHORT_TOKEN.match(p) or random_letters(p) for p in pieces if p)
