"""One link's kind and score from its features (the table is :mod:`extract.links.features`).

Steps: what the label, title and sentence say (:func:`_read`), how the label's purpose
yields to the URL and the invitation (:func:`_label_kinds`), what silences the subject
(:func:`_silence`), which kind the sources vote for and whether the link qualifies for it
(:func:`_qualify`), and the score (:func:`_evidence`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from otpbridge.extract.links.body import points_to
from otpbridge.extract.links.cues import Purpose, bare_label, purposes_in
from otpbridge.extract.links.features import FEATURES, VOTE_WEIGHTS
from otpbridge.extract.links.named import named_before
from otpbridge.extract.links.url_signatures import UrlFacts
from otpbridge.extract.links.votes import purposes_kinds, strongest, vote
from otpbridge.extract.model import LinkCandidate, LinkKind

__all__ = ["Seen", "score_link"]

_URL_IN_TEXT = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_URL_TEXT = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_MAX_CONTEXT_FOR_VETO = 160
_NOT_ACCEPTING: frozenset[Purpose] = frozenset({"browse", "decline", "commerce"})
_ACCOUNT_INVITE: frozenset[Purpose] = frozenset({"join", "account"})
_OTHERS: frozenset[Purpose] = frozenset(
    {"browse", "utility", "decline", "unsubscribe", "commerce", "alert"}
)


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
class _Read:
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


def score_link(
    seen: Seen,
    facts: UrlFacts,
    subject: frozenset[Purpose],
    *,
    lone: bool,
    readable: bool = True,
    account_subject: bool = False,
) -> LinkCandidate | None:
    """The link's candidate, or None when it is never one (unsubscribe, assets, utility).
    ``readable``: the mail is in a language whose words we read (silence means something);
    ``account_subject``: the mail's own subject (not the sentences joined to it) names the
    account."""
    r = _read(seen, facts, subject)
    if r is None:
        return None
    _label_kinds(r, facts, subject)
    _silence(r, facts, subject, account_subject=account_subject)
    votes = _votes(r, facts)
    declined = facts.decline or "decline" in r.text_purposes
    by_subject = (
        lone
        and not r.text_purposes & _OTHERS
        # A button needs a subject about the account; a bare URL is a plain auth template.
        and ("account" in subject or not r.label)
        and bool(r.subject_kinds)
    )
    qualified = _qualify(
        r,
        seen,
        facts,
        subject,
        lone=lone,
        declined=declined,
        by_subject=by_subject,
        readable=readable,
    )
    kind = strongest(votes) if qualified else None
    if r.changed and kind not in (None, "confirm_link"):
        r.gates.append("changed_notice")
        kind = None
    return _evidence(
        seen, facts, r, kind, votes, lone=lone, declined=declined, by_subject=by_subject
    )


def _read(seen: Seen, facts: UrlFacts, subject: frozenset[Purpose]) -> _Read | None:
    label = seen.text if seen.text and not _URL_TEXT.match(seen.text) else ""
    text_purposes = purposes_in(label) | purposes_in(seen.title)
    # The sentence, not the URLs in it: a long URL must not make its own line "long".
    context = _URL_IN_TEXT.sub(" ", seen.context)
    short_context = len(context) <= _MAX_CONTEXT_FOR_VETO
    context_purposes = purposes_in(context)
    # "Your email is confirmed, your workspace is ready": a report, not a request.
    context_kinds = set() if "done" in context_purposes else purposes_kinds(context_purposes)
    if excluded(facts, text_purposes, context_purposes if short_context else frozenset()):
        return None
    r = _Read(
        label,
        text_purposes,
        context,
        short_context,
        context_purposes,
        purposes_kinds(text_purposes),
        context_kinds,
    )
    r.invited = "invite" in subject | context_purposes | text_purposes
    return r


def _label_kinds(r: _Read, facts: UrlFacts, subject: frozenset[Purpose]) -> None:
    tp = r.text_purposes
    # "Go", "Get started" without an invitation, a bare "Restore" (of a password? a cart?):
    # a label that names no purpose of its own.
    says_nothing = "generic" in tp or bare_label(r.label) or tp == {"restore"}
    says_nothing = says_nothing or (tp == {"join"} and not r.invited)
    if not r.text_kinds and r.short_context and (not r.label or says_nothing):
        _kinds_from_sentence(r, facts, subject)
    # "Join Acme" under "bob invited you", "Aceptar invitación"; not "View/Decline invite".
    if {"join", "invite"} & tp and r.invited and not _NOT_ACCEPTING & tp:
        r.text_kinds = r.text_kinds | {"confirm_link"}
    if r.text_kinds == {"confirm_link"} and facts.kind not in (None, "confirm_link"):
        # A bare "Confirm" button confirms whatever its URL does ("/reset?ticket=").
        r.text_kinds = {facts.kind}


def _kinds_from_sentence(r: _Read, facts: UrlFacts, subject: frozenset[Purpose]) -> None:
    """ "Click here" or a bare URL: the sentence around it names its purpose."""
    r.text_kinds = r.context_kinds
    # "Before you can sign in, activate it:": a sign-in word around a bare URL is often the
    # goal, not the link's purpose; the URL's own activation or reset route decides.
    if r.text_kinds == {"magic_link"} and facts.kind in ("confirm_link", "reset_link"):
        r.text_kinds = {facts.kind}
    # "New message. Log in to read it. [Open]": signing in is the way to the content; a
    # label saying nothing signs in when its URL, the subject or a sentence pointing at it
    # ("tap the button to sign in") says so.
    if r.text_kinds == {"magic_link"} and r.label and facts.kind is None:
        pointed = points_to(r.context.replace(r.label, " "), "magic")
        r.text_kinds = r.text_kinds if pointed else r.text_kinds & purposes_kinds(subject)


def _silence(
    r: _Read, facts: UrlFacts, subject: frozenset[Purpose], *, account_subject: bool
) -> None:
    """A notice about something done ("password changed", "new sign-in") requests nothing;
    an "order confirmation" is about a purchase, not the mailbox."""
    tp = r.text_purposes
    alert = "alert" in subject and not subject & {"confirm", "reset"}
    # "New device": pairing it is requested when both URL and sentence ask to confirm.
    r.alert = alert and not (facts.kind == "confirm_link" and "confirm_link" in r.context_kinds)
    if "affirm" in tp and not r.alert:  # "Yes, that's me" approves the sign-in
        r.text_kinds = r.text_kinds | {"confirm_link"}
    # "Your password was changed": its "not you? reset it" link is no artifact.
    changed = "changed" in subject and bool(subject & {"account", "password"})
    r.changed = changed and not subject & {"confirm", "reset"}
    # A shop word in the subject may be the app's name ("Reservas"): it does not silence a
    # link whose own label and own route name the same purpose.
    agreed = facts.kind is not None and facts.kind in purposes_kinds(tp)
    own_object = bool({"commerce", "feature"} & tp)  # "Activate card/alerts"
    # "Your trial ends on Monday. [Activate now]": a shop word in the sentence, no account
    # word there or in the label, and a URL naming no route: a purchase.
    r.commerce = (
        own_object
        # "Confirm your request to recover your account" (Arabic "طلبك": request or order):
        # a shop word beside an account word in the subject is about the account.
        or ("commerce" in subject and not account_subject and not agreed)
        or (
            r.short_context
            and "commerce" in r.context_purposes
            and facts.kind is None
            and "account" not in tp | r.context_purposes
        )
    )
    if own_object:
        r.text_kinds = set()
    quiet_subject = r.alert or r.commerce or r.changed or "done" in subject
    r.subject_kinds = set() if quiet_subject else purposes_kinds(subject)


def _votes(r: _Read, facts: UrlFacts) -> dict[LinkKind, float]:
    votes: dict[LinkKind, float] = {}
    if facts.kind is not None:
        vote(votes, {facts.kind}, VOTE_WEIGHTS["signature" if facts.signature else "path"])
    vote(votes, r.text_kinds, VOTE_WEIGHTS["text"])
    vote(votes, r.subject_kinds, VOTE_WEIGHTS["subject"])
    vote(votes, r.context_kinds, VOTE_WEIGHTS["context"])
    return votes


def _qualify(
    r: _Read,
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


def _account_invitation(r: _Read, seen: Seen, subject: frozenset[Purpose]) -> bool:
    """The words around an invitation route's link ask to accept it into an account, or the
    link is shown as a bare URL (or "click here"): no label names something else it opens."""
    bare_url = _URL_TEXT.match(seen.text) or not (seen.from_html or r.label)
    if bare_url or bare_label(r.label) or "generic" in r.text_purposes:
        return True
    words = r.text_purposes | r.context_purposes | subject
    return bool(r.text_kinds or r.context_kinds or r.subject_kinds) or (
        r.invited and bool(_ACCOUNT_INVITE & words)
    )


def _found(
    seen: Seen,
    facts: UrlFacts,
    r: _Read,
    kind: LinkKind | None,
    votes: dict[LinkKind, float],
    *,
    lone: bool,
    by_subject: bool,
) -> list[tuple[str, float]]:
    """The ``for`` / ``claim`` features of the link, in the table's order, with values."""
    named_kind = kind is not None and kind in r.subject_kinds
    return [
        (name, value)
        for name, value, present in (
            ("base", 1.0, True),
            ("secret", 1.0, r.secret),
            ("url_signature", 1.0, facts.signature),
            ("url_route_words", 1.0, not facts.signature and facts.kind is not None),
            ("label_names_kind", 1.0, bool(r.text_kinds)),
            ("kind_votes", min(5.0, votes.get(kind, 0.0)) if kind else 0.0, kind is not None),
            ("kind_in_subject", 1.0, named_kind),
            (
                "subject_speaks",
                1.0,
                named_kind and by_subject and facts.kind is None and not r.text_kinds,
            ),
            ("opaque_wrapper", 1.0, seen.wrapped and not lone),
            ("html_label", 1.0, seen.from_html and bool(r.label)),
            ("in_plain_text", 1.0, seen.in_plain_text),
        )
        if present
    ]


def _evidence(
    seen: Seen,
    facts: UrlFacts,
    r: _Read,
    kind: LinkKind | None,
    votes: dict[LinkKind, float],
    *,
    lone: bool,
    declined: bool,
    by_subject: bool,
) -> LinkCandidate:
    score = 0.0
    parts = []
    found = _found(seen, facts, r, kind, votes, lone=lone, by_subject=by_subject)
    for name, value in found:
        w = FEATURES[name].weight * value
        score += w
        parts.append(f"{name} {w:+.2f}")
    for name, applies in (("no_kind", kind is None), ("declined", declined)):
        if applies:
            score = min(score, FEATURES[name].weight)
            parts.append(f"{name} ≤{FEATURES[name].weight:.2f}")
    parts += [f"gate {g}" for g in r.gates]
    return LinkCandidate(
        url=seen.url,
        kind=kind,
        score=round(max(0.0, min(1.0, score)), 3),
        text=r.label or seen.text,
        reason="; ".join(parts),
        features=tuple(found) if kind is not None and not declined else (),
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
        and not (facts.social or text_purposes)
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
