"""What a short mail's body says about its one secret link when neither the subject nor the
link's label names a purpose ("Your link" / "hier ist der Link, um dich anzumelden" /
[Notizblock öffnen]).

Only sentences that point at a link or button ("the link you asked for to sign in") lend
their purpose: "Log in to read it" beside an [Open] button is the way to a message, not
what the button does. Notices anywhere in the body (something done or changed, an alert)
come along too, so that the caller quiets the link as it would under such a subject; shop
words never do ("in order to activate", a name such as "Carter" starting like "carte")."""

from __future__ import annotations

import re

from otpbridge.extract.links.cues import Purpose, purposes_in
from otpbridge.extract.links.votes import purposes_kinds

__all__ = ["points_to", "subject_or_body"]

# A mail this short is one message; a longer one mixes content, and its sentences speak
# of other things than its one link.
_MAX_BODY = 700
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n+")
_NOTICES: frozenset[Purpose] = frozenset({"alert", "done", "changed"})


def subject_or_body(subject: frozenset[Purpose], text: str) -> frozenset[Purpose]:
    """The ``subject``'s purposes, joined by those of the sentences of ``text`` that point at
    a link (and notices anywhere) when the subject names no purpose or invitation."""
    if purposes_kinds(subject) or {"invite", "join"} & subject or len(text) > _MAX_BODY:
        return subject
    found: set[Purpose] = set()
    for sentence in _SENTENCE_END.split(text):
        purposes = purposes_in(sentence)
        # "Your password will be changed to the one above if you click the link below": a
        # change the link is to make, not one reported; "…was changed — not you? Click below
        # to reset it" still reports one.
        if "pointer" in purposes and not purposes & {"reset", "restore", "alert"}:
            purposes = purposes - {"changed"}
        found |= purposes & _NOTICES
        # "To cancel your place, go to the event page through the link above": a sentence
        # that points at the link to undo something lends it no purpose.
        if "pointer" in purposes and not purposes & {"browse", "decline"}:
            found |= purposes - {"commerce"}
    return subject | found


def points_to(text: str, purpose: Purpose) -> bool:
    """One sentence of ``text`` points at a link and names ``purpose`` as what it does: not
    "Sign in with Google? Click below to learn how", not "Log in and click below to reply"."""
    for sentence in _SENTENCE_END.split(text):
        purposes = purposes_in(sentence)
        if "pointer" in purposes and purpose in purposes and "browse" not in purposes:
            return True
    return False
