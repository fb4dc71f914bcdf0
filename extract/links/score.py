"""One link's kind and score from its features (the table is :mod:`extract.links.features`).

Steps: what the label, title and sentence say (:func:`_read`), how the label's purpose
yields to the URL and the invitation (:func:`_label_kinds`), what silences the subject
(:func:`_silence`), which kind the sources vote for and whether the link qualifies for it
(:func:`extract.links.gates.qualify`), and the score (:func:`_evidence`).
"""

from __future__ import annotations

import re

from otpbridge.extract.links.body import points_to
from otpbridge.extract.links.cues import Purpose, bare_label, purposes_in, without_credentials
from otpbridge.extract.links.features import FEATURES, VOTE_WEIGHTS
from otpbridge.extract.links.gates import excluded, qualify
from otpbridge.extract.links.named import introduced
from otpbridge.extract.links.reading import Read, Seen
from otpbridge.extract.links.url_signatures import UrlFacts
from otpbridge.extract.links.votes import purposes_kinds, strongest, vote
from otpbridge.extract.model import LinkCandidate, LinkKind

__all__ = ["score_link"]

_URL_IN_TEXT = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_URL_TEXT = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_MAX_CONTEXT_FOR_VETO = 160
_NOT_ACCEPTING: frozenset[Purpose] = frozenset({"browse", "decline", "commerce"})
_OTHERS: frozenset[Purpose] = frozenset(
    {"browse", "utility", "decline", "unsubscribe", "commerce", "alert"}
)


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
    # "/user/244/cancel/confirm/…" under "cancel your account": the route confirms a refusal
    # word's action that the words around it ask to confirm.
    said = r.text_purposes | r.context_purposes
    route_confirms = facts.kind == "confirm_link" and "confirm" in said and "decline" not in said
    declined = (facts.decline and not route_confirms) or "decline" in r.text_purposes
    by_subject = (
        lone
        and not r.text_purposes & _OTHERS
        # A button needs a subject about the account; a bare URL is a plain auth template.
        and ("account" in subject or not r.label)
        and bool(r.subject_kinds)
    )
    qualified = qualify(
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


def _read(seen: Seen, facts: UrlFacts, subject: frozenset[Purpose]) -> Read | None:
    label = seen.text if seen.text and not _URL_TEXT.match(seen.text) else ""
    text_purposes = purposes_in(label) | purposes_in(seen.title)
    if not label and facts.kind is None:
        # A bare URL whose route names nothing: the sentence introducing it is its label.
        text_purposes |= introduced(seen.context, seen.url)
    # The sentence, not the URLs in it: a long URL must not make its own line "long".
    context = _URL_IN_TEXT.sub(" ", without_credentials(seen.context))
    short_context = len(context) <= _MAX_CONTEXT_FOR_VETO
    context_purposes = purposes_in(context)
    # "Your email is confirmed, your workspace is ready": a report, not a request.
    context_kinds = set() if "done" in context_purposes else purposes_kinds(context_purposes)
    if excluded(facts, text_purposes, context_purposes if short_context else frozenset()):
        return None
    r = Read(
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


def _label_kinds(r: Read, facts: UrlFacts, subject: frozenset[Purpose]) -> None:
    tp = r.text_purposes
    # "Go", "Get started" without an invitation, a bare "Restore" (of a password? a cart?):
    # a label that names no purpose of its own.
    # "Klikněte sem pro dokončení procesu" (click here to finish): pointing words alone.
    says_nothing = "generic" in tp or bare_label(r.label) or tp in ({"restore"}, {"pointer"})
    says_nothing = says_nothing or (tp == {"join"} and not r.invited)
    if not r.text_kinds and r.short_context and (not r.label or says_nothing):
        _kinds_from_sentence(r, facts, subject)
    # "Click the button below to confirm this action. [Permanently delete instance]": a label
    # whose words name no purpose confirms what the sentence pointing at it asks to confirm.
    # Not a reset: "below you'll find the new password and the access link" points at a
    # password handed over, not at what the link does.
    elif (
        not r.text_kinds
        and r.label
        and not tp - {"delete"}  # "Permanently delete instance" names no purpose of its own
        and points_to(r.context.replace(r.label, " "), "confirm")
    ):
        r.text_kinds = {"confirm_link"}
    # "Join Acme" under "bob invited you", "Aceptar invitación"; not "View/Decline invite".
    # A shop word after "Join" names the team joined ("Join Payments API").
    refusing = _NOT_ACCEPTING - {"commerce"} if "join" in tp else _NOT_ACCEPTING
    if {"join", "invite"} & tp and r.invited and not refusing & tp:
        r.text_kinds = r.text_kinds | {"confirm_link"}
    # "Delete your account", "Fiók törlése": the deletion the mail asks to confirm.
    if not r.text_kinds and {"delete", "account"} <= tp:
        r.text_kinds = {"confirm_link"}
    if r.text_kinds == {"confirm_link"} and facts.kind not in (None, "confirm_link"):
        # A bare "Confirm" button confirms whatever its URL does ("/reset?ticket=").
        r.text_kinds = {facts.kind}


def _kinds_from_sentence(r: Read, facts: UrlFacts, subject: frozenset[Purpose]) -> None:
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
    r: Read, facts: UrlFacts, subject: frozenset[Purpose], *, account_subject: bool
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
    # "Activate card/alerts": the label's object is a purchase or a feature — not in an
    # invitation ("Join Payments API" names the team joined), nor beside a password word
    # ("Confirme seu pedido de alteração de senha": a request, not an order); an account word
    # does not do that ("download your tickets or registration information").
    own_object = bool({"commerce", "feature"} & tp) and not ("join" in tp and r.invited)
    own_object = own_object and "password" not in tp
    # "Kenji invited you to 'Q3 Survey Squad' workspace": a shop word in an invitation's
    # subject names what the reader is invited to, when the link is the invitation's route.
    invitation = "invite" in subject and facts.invite_route
    # "Your trial ends on Monday. [Activate now]": a shop word in the sentence, no account
    # word there or in the label, and a URL naming no route: a purchase.
    r.commerce = (
        own_object
        # "Confirm your request to recover your account" (Arabic "طلبك": request or order):
        # a shop word beside an account word in the subject is about the account.
        or ("commerce" in subject and not account_subject and not agreed and not invitation)
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


def _votes(r: Read, facts: UrlFacts) -> dict[LinkKind, float]:
    votes: dict[LinkKind, float] = {}
    if facts.kind is not None:
        vote(votes, {facts.kind}, VOTE_WEIGHTS["signature" if facts.signature else "path"])
    vote(votes, r.text_kinds, VOTE_WEIGHTS["text"])
    vote(votes, r.subject_kinds, VOTE_WEIGHTS["subject"])
    vote(votes, r.context_kinds, VOTE_WEIGHTS["context"])
    # "To confirm that the request came from you, follow the link" under "Your new password":
    # confirming a password reset is a reset, whichever part of the mail says which.
    if "reset_link" in votes:
        votes.pop("confirm_link", None)
    return votes


def _found(
    seen: Seen,
    facts: UrlFacts,
    r: Read,
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
    r: Read,
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
