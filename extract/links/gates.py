"""The gates a link passes before it may be an auth link: never a candidate at all
(:func:`excluded`: unsubscribe, assets, utility pages) or not qualified for the kind its
sources vote for (:func:`qualify`: no secret, no evidence of its own, silenced by the mail).
A failed gate is recorded in ``Read.gates`` for the "why"."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from otpbridge.extract.links.cues import Purpose, bare_label
from otpbridge.extract.links.named import named_before
from otpbridge.extract.links.reading import Read, Seen
from otpbridge.extract.links.url_signatures import UrlFacts
from otpbridge.extract.links.votes import purposes_kinds

__all__ = ["excluded", "qualify"]

_URL_TEXT = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_ACCOUNT_INVITE: frozenset[Purpose] = frozenset({"join", "account"})


def qualify(
    r: Read,
    seen: Seen,
    facts: UrlFacts,
    subject: frozenset[Purpose],
    *,
    lone: bool,
    declined: bool,
    by_subject: bool,
    readable: bool,
) -> bool:
    """The gates: a secret, evidence of its own, nothing silencing it (recorded in ``gates``)."""
    tp = r.text_purposes
    # "/invite/<id>" under "Bob commented on Quarterly planning. [View]": polls, documents
    # and events are shared by invitation routes too; behind a label of its own the route
    # counts only when the words say confirm/accept, or invite to join or to an account.
    route = facts.kind is not None and (
        # Words in a language we do not read say nothing against the route.
        not facts.invite_route or not readable or _account_invitation(r, seen, subject)
    )
    own = facts.signature or route or bool(r.text_kinds) or by_subject
    # "View on rallly.co" to "/invite/<id>" under "Bob commented": a label leading to
    # content, with nothing but a path word to call it an auth link, is a notification's.
    browse_only = (
        "browse" in tp
        and not (r.text_kinds or r.subject_kinds or facts.signature)
        and "invite" not in tp | subject
    )
    # A short link's code ("/p/Ab3dE9x") also shares posts: a secret under a subject naming
    # the purpose, or as an invitation's one secret link.
    short_ok = bool(r.subject_kinds) or (lone and r.invited and "confirm_link" in r.text_kinds)
    secret = facts.secret and (not facts.short_code or short_ok)
    # "Your password reset link is: URL": a bare URL its sentence names, right before it,
    # carries its secret in a short or all-letter token too (extract.links.named).
    secret = secret or (not r.label and named_before(seen.context, seen.url))
    # "Onboarding" to "/Onboarding-9e8d…": a label its URL repeats as a slug is a title.
    titled = bool(r.label) and not tp and _slugged(r.label, seen.url)
    echoed = facts.signature or r.text_kinds or r.subject_kinds or r.context_kinds
    # "Your password has been reset. [Sign in]": a report's label asks for nothing new.
    # …but a bare URL whose own sentence asks for it ("Use this link to confirm the change of
    # address: URL") is requested, whatever tense a translated subject took.
    reported = "done" in subject and facts.kind is None and not facts.signature
    reported = reported and not (not r.label and r.context_kinds)
    # "Manage your e-mail addresses" to "/emails/?log-in.token=…": some notices log the reader
    # in from every link; when only the URL says sign-in, a label naming what the link opens
    # is its purpose.
    url_sign_in_only = (
        facts.kind == "magic_link"
        and not (facts.signature or r.text_kinds or r.subject_kinds or r.context_kinds)
        and bool(r.label)
        and not bare_label(r.label)
        and "generic" not in tp
    )
    quiet = facts.signature or facts.mailbox_route or not (r.alert or r.commerce)
    quiet = quiet and not browse_only and not (titled and not echoed) and not reported
    quiet = quiet and not url_sign_in_only
    r.gates += [
        name
        for name, failed in (
            ("no_secret", not secret),
            ("no_own_evidence", not own),
            ("silenced", not quiet),
        )
        if failed
    ]
    r.secret = secret
    return secret and not declined and own and quiet


def _account_invitation(r: Read, seen: Seen, subject: frozenset[Purpose]) -> bool:
    """The words around an invitation route's link ask to accept it into an account, or the
    link is shown as a bare URL (or "click here") or asks to sign up: no label names
    something else it opens."""
    bare_url = _URL_TEXT.match(seen.text) or not (seen.from_html or r.label)
    if bare_url or bare_label(r.label) or {"generic", "account"} & r.text_purposes:
        return True
    words = r.text_purposes | r.context_purposes | subject
    return bool(r.text_kinds or r.context_kinds or r.subject_kinds) or (
        r.invited and bool(_ACCOUNT_INVITE & words)
    )


def excluded(
    facts: UrlFacts, text_purposes: frozenset[Purpose], context_purposes: frozenset[Purpose]
) -> bool:
    """Links that are never a candidate: unsubscribe, assets, home pages, utility pages."""
    if facts.unsubscribe or facts.asset or facts.home or "unsubscribe" in text_purposes:
        return True
    if "unsubscribe" in context_purposes and not purposes_kinds(text_purposes):
        return True
    strong_url = facts.secret and (facts.signature or facts.kind is not None)
    # A social network mails its own "Verify email" through its own (tracking) host: a
    # secret behind a label naming the purpose is no profile or share link.
    own_mail = facts.social and facts.secret and bool(purposes_kinds(text_purposes))
    # "Accept invite to Support": a label naming a kind has a utility word as its object's
    # name (a team, a project); the URL's own utility route still excludes it.
    utility_label = "utility" in text_purposes and not purposes_kinds(text_purposes)
    # "Click here to confirm your subscription: …/blog/opening-hours.html?token=com-…": a page
    # on a utility path (blog, help) that carries a secret its own sentence asks to use.
    asked = (
        facts.secret
        and not (facts.social or text_purposes - context_purposes)
        and bool(purposes_kinds(context_purposes))
    )
    return (facts.utility or utility_label) and not (strong_url or own_mail or asked)


def _slugged(label: str, url: str) -> bool:
    """A path segment joins every word of ``label`` to an id ("/Onboarding-9e8d7c6b5a4f"):
    a title slug, unlike a route word standing alone ("/invitations/<id>/accept")."""
    words = set(_WORD.findall(label.lower()))
    if not words:
        return False
    for segment in unquote(urlsplit(url).path).lower().split("/"):
        pieces = _WORD.findall(segment)
        ids = [p for p in pieces if len(p) >= 8 and any(c.isdigit() for c in p)]
        if ids and words <= set(pieces):
            return True
    return False
