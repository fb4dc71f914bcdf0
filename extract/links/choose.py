"""Link candidates of one mail, classified and ranked: which URL should an agent open?

A candidate is every http(s) URL of the mail (anchors and bare URLs in the text) and every
app deep link (``myapp://auth/…``), after offline unwrapping of tracking wrappers. Excluded
outright: unsubscribe links (the ``List-Unsubscribe`` URLs and anything whose URL, text or
short context says so), social / app-store / help / privacy / terms links without a secret,
assets and tracking pixels, mailto:/tel:, bare home pages, hidden anchors, and image-only
anchors without alt text.

Purpose and score come from four independent sources, weighted by how much they say about
this very link: the URL (auth-stack signature, or path words), the visible anchor text,
the subject, and the enclosing sentence. A link can be primary only when it carries a secret
(token, code, key, random path segment) AND its own URL or text names an auth purpose; a
login page without a token, or a receipt's "view order" link, never qualifies.

Purpose mapping (the agent asks for one of three kinds):

* ``magic_link``   — signs the user in: magic link, passwordless login, login callback.
* ``confirm_link`` — proves the mailbox or approves an account action: verify email,
  confirm sign-up or subscription opt-in, activate or unlock an account, accept an invite
  (accepting proves the mailbox and activates the account), confirm an e-mail change,
  confirm an account deletion.
* ``reset_link``   — sets a new password: reset, recovery, "choose a new password".
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, unquote, urlsplit

from otpbridge.extract.links.body import points_to, subject_or_body
from otpbridge.extract.links.cues import Purpose, bare_label, purposes_in
from otpbridge.extract.links.share import unshared
from otpbridge.extract.links.unwrap import looks_like_tracker, unwrap_url
from otpbridge.extract.links.url_signatures import UrlFacts, analyse_url
from otpbridge.extract.links.votes import purposes_kinds, strongest, vote
from otpbridge.extract.model import LinkCandidate, LinkKind
from otpbridge.extract.parse.document import Anchor, Document

__all__ = ["PRIMARY_MIN_SCORE", "find_links"]

#: ``extract_message`` takes the first candidate with a kind and at least this score.
PRIMARY_MIN_SCORE = 0.5

_TRAILING = ".,;:!?'\"»”’>،؛؟।"
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_WHITESPACE = re.compile(r"\s+")
_CJK = re.compile("[\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff01-\uff65]")
# In running text a Hebrew, Arabic or Thai letter glued to a URL ends it too (an href may
# still be an IRI in those scripts).
_TEXT_STOP = re.compile(
    "[\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff01-\uff65\u0590-\u06ff\u0e00-\u0e7f]"
)
_URL_IN_TEXT = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_URL_TEXT = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
# Weights of the sources of purpose evidence (URL signature > text > path words > subject).
_W_SIGNATURE, _W_TEXT, _W_PATH, _W_SUBJECT, _W_CONTEXT = 3.0, 2.0, 1.5, 1.0, 0.7
_MAX_CONTEXT_FOR_VETO = 160
_NOT_ACCEPTING: frozenset[Purpose] = frozenset({"browse", "decline", "commerce"})
# Auth mails are short: the subject alone can name the purpose of a lone secret link only
# when the whole mail has at most this many links.
_MAX_LONE_LINKS = 4
# An auth mail has a handful of links near the top; a catalogue with thousands must not
# cost seconds. Document order is kept, so the cut drops footers and listings first.
_MAX_ANCHORS = 300
_MAX_PLAIN = 50_000


@dataclass(slots=True)
class _Seen:
    url: str
    wrapped: bool  # an opaque click-tracking wrapper we could not decode
    text: str
    context: str
    title: str
    position: int
    from_html: bool
    in_plain_text: bool


def find_links(doc: Document, code: str | None = None) -> tuple[LinkCandidate, ...]:
    """All usable links of ``doc``, best first; auth links have a kind, others ``None``.

    ``code`` is the one-time code found in the same mail, if any: a URL carrying it
    ("/lc/4KxQ2m", "?code=482913") carries a secret however short the code is.
    """
    unsubscribe = {_clean_url(u) for u in doc.list_unsubscribe}
    plain = doc.plain_text[:_MAX_PLAIN]
    subject = purposes_in(doc.subject)
    analysed: list[tuple[_Seen, UrlFacts]] = []
    for seen in _collect(doc.anchors, plain):
        if seen.url in unsubscribe:
            continue
        facts = analyse_url(seen.url)
        if facts is None:
            continue
        if code and not facts.secret and _carries(seen.url, code):
            facts = replace(facts, secret=True)
        analysed.append((seen, facts))
    # A short mail whose only secret-bearing link sits under a subject that names a purpose
    # ("Email change request" + one bare URL or one button) needs no further words.
    secret_links = [s for s, f in analysed if f.secret and not (f.utility or f.decline)]
    content = [f for _, f in analysed if not (f.home or f.asset or f.utility or f.unsubscribe)]
    short = len(content) <= _MAX_LONE_LINKS
    lone = secret_links[0] if len(secret_links) == 1 and short else None
    # Under a subject naming no purpose, a short body's pointing sentences speak for it.
    lone_subject = subject if lone is None else subject_or_body(subject, doc.text)
    scored: list[tuple[float, int, LinkCandidate, bool]] = []
    for seen, facts in analysed:
        result = _score(seen, facts, lone_subject if seen is lone else subject, lone=seen is lone)
        if result is not None:
            indirect = seen.wrapped or not seen.url.lower().startswith(("http://", "https://"))
            scored.append((result.score, -seen.position, result, indirect))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return unshared(doc, _prefer_direct([(item[2], item[3]) for item in scored]))


def _prefer_direct(ranked: list[tuple[LinkCandidate, bool]]) -> tuple[LinkCandidate, ...]:
    """An opaque tracker or an app's deep link (it opens on a phone only) never outranks a
    direct web URL of the same kind (the text part's, the "use the web instead" one)."""
    if not ranked or not ranked[0][1] or ranked[0][0].kind is None:
        return tuple(c for c, _ in ranked)
    best = ranked[0][0]
    direct = next(
        (
            c
            for c, indirect in ranked
            if not indirect and c.kind == best.kind and c.score >= PRIMARY_MIN_SCORE
        ),
        None,
    )
    if direct is None:
        return tuple(c for c, _ in ranked)
    promoted = LinkCandidate(url=direct.url, kind=direct.kind, score=best.score, text=direct.text)
    return (promoted, *(c for c, _ in ranked if c is not direct))


def _collect(anchors: tuple[Anchor, ...], plain: str) -> list[_Seen]:  # noqa: C901 - to split (issue 10)
    """One entry per distinct target URL, merging what every occurrence tells about it."""
    by_url: dict[str, _Seen] = {}
    ordered = sorted(anchors, key=lambda a: a.position)[:_MAX_ANCHORS]
    shown_for = _shown_targets(ordered)
    for anchor in ordered:
        if anchor.hidden:
            continue
        if anchor.is_image and not (anchor.text.strip() or anchor.title.strip()):
            continue
        raw = _clean_url(anchor.href, in_text=anchor.source == "text")
        if not raw:
            continue
        text = _WHITESPACE.sub(" ", anchor.text).strip()
        targets = [unwrap_url(raw)]
        # An opaque wrapper shown elsewhere with a full URL as its text: that URL is the
        # target of every anchor using the wrapper (the button and its "copy this link").
        shown = shown_for.get(raw)
        if shown is not None:
            targets = [shown] if looks_like_tracker(targets[0]) else [shown, targets[0]]
        for url in targets:
            entry = by_url.get(url)
            if entry is None:
                by_url[url] = _Seen(
                    url=url,
                    wrapped=looks_like_tracker(url),
                    text=text,
                    context=anchor.context,
                    title=anchor.title,
                    position=anchor.position,
                    from_html=anchor.source == "html",
                    in_plain_text=url in plain,
                )
                continue
            if _better_text(text, entry.text):
                entry.text = text
                entry.title = entry.title or anchor.title
            if anchor.source == "html":
                entry.from_html = True
            if not entry.context:
                entry.context = anchor.context
    return list(by_url.values())


def _score(  # noqa: C901, PLR0912, PLR0915 - to split (issue 10)
    seen: _Seen, facts: UrlFacts, subject: frozenset[Purpose], *, lone: bool
) -> LinkCandidate | None:
    label = seen.text if seen.text and not _URL_TEXT.match(seen.text) else ""
    text_purposes = purposes_in(label) | purposes_in(seen.title)
    # The sentence, not the URLs in it: a long URL must not make its own line "long".
    context = _URL_IN_TEXT.sub(" ", seen.context)
    short_context = len(context) <= _MAX_CONTEXT_FOR_VETO
    context_purposes = purposes_in(context)
    text_kinds = purposes_kinds(text_purposes)
    # "Your email is confirmed, your workspace is ready": a report, not a request.
    context_kinds = set() if "done" in context_purposes else purposes_kinds(context_purposes)
    if _excluded(facts, text_purposes, context_purposes if short_context else frozenset()):
        return None
    invited = "invite" in subject | context_purposes | text_purposes
    # "Go", "Get started" without an invitation, a bare "Restore" (of a password? a cart?):
    # a label that names no purpose of its own.
    says_nothing = "generic" in text_purposes or bare_label(label) or text_purposes == {"restore"}
    says_nothing = says_nothing or (text_purposes == {"join"} and not invited)
    if not text_kinds and short_context and (not label or says_nothing):
        # "Click here" or a bare URL: the sentence around it names its purpose.
        text_kinds = context_kinds
        # "Before you can sign in, activate it:": a sign-in word around a bare URL is often
        # the goal, not the link's purpose; the URL's own activation or reset route decides.
        if text_kinds == {"magic_link"} and facts.kind in ("confirm_link", "reset_link"):
            text_kinds = {facts.kind}
        # "New message. Log in to read it. [Open]": signing in is the way to the content; a
        # label saying nothing signs in when its URL, the subject or a sentence pointing at
        # it ("tap the button to sign in") says so.
        if text_kinds == {"magic_link"} and label and facts.kind is None:
            pointed = points_to(context.replace(label, " "), "magic")
            text_kinds = text_kinds if pointed else text_kinds & purposes_kinds(subject)
    # "Join Acme" under "bob invited you", "Aceptar invitación"; not "View/Decline invite".
    if {"join", "invite"} & text_purposes and invited and not _NOT_ACCEPTING & text_purposes:
        text_kinds = text_kinds | {"confirm_link"}
    if text_kinds == {"confirm_link"} and facts.kind not in (None, "confirm_link"):
        # A bare "Confirm" button confirms whatever its URL does ("/reset?ticket=").
        text_kinds = {facts.kind}
    # A notice about something done ("password changed", "new sign-in", "email verified")
    # requests nothing; an "order confirmation" or a "confirm attendance" button is about a
    # purchase or an appointment, not the mailbox.
    alert = "alert" in subject and not subject & {"confirm", "reset"}
    # "New device": pairing it is requested when both URL and sentence ask to confirm.
    alert = alert and not (facts.kind == "confirm_link" and "confirm_link" in context_kinds)
    if "affirm" in text_purposes and not alert:  # "Yes, that's me" approves the sign-in
        text_kinds = text_kinds | {"confirm_link"}
    # "Your password was changed": its "not you? reset it" link is no artifact; only the
    # confirmation of a changed address ("confirm the new address") still asks for a click.
    changed = "changed" in subject and bool(subject & {"account", "password"})
    changed = changed and not subject & {"confirm", "reset"}
    # A shop word in the subject may be the app's name ("Reservas", "Termine"): it does not
    # silence a link whose own label and own route name the same purpose.
    agreed = facts.kind is not None and facts.kind in purposes_kinds(text_purposes)
    own_object = bool({"commerce", "feature"} & text_purposes)  # "Activate card/alerts"
    commerce = own_object or ("commerce" in subject and not agreed)
    # "Your trial ends on Monday. [Activate now]": a shop word in the sentence, no account
    # word there or in the label, and a URL naming no route: a purchase, not the mailbox.
    commerce = commerce or (
        short_context
        and "commerce" in context_purposes
        and facts.kind is None
        and "account" not in text_purposes | context_purposes
    )
    if own_object:
        text_kinds = set()
    quiet_subject = alert or commerce or changed or "done" in subject
    subject_kinds = set() if quiet_subject else purposes_kinds(subject)

    votes: dict[LinkKind, float] = {}
    if facts.kind is not None:
        vote(votes, {facts.kind}, _W_SIGNATURE if facts.signature else _W_PATH)
    vote(votes, text_kinds, _W_TEXT)
    vote(votes, subject_kinds, _W_SUBJECT)
    vote(votes, context_kinds, _W_CONTEXT)

    declined = facts.decline or "decline" in text_purposes
    # A bare URL, "click here" or a button ("Get started") lets the subject speak for it;
    # a label that leads to content ("Read more", "View order") does not.
    others = {"browse", "utility", "decline", "unsubscribe", "commerce", "alert"}
    unlabelled = not text_purposes & others
    # A button needs a subject about the account ("Activate your account", not "Activate
    # your trial"); a bare URL in a text mail is how plain auth templates look.
    about_account = "account" in subject or not label
    # A click-tracking wrapper qualifies too when it is the mail's only secret link: the
    # opt-in mails of mailing services wrap every link and show no direct URL.
    by_subject = lone and unlabelled and about_account and bool(subject_kinds)
    own_evidence = facts.signature or facts.kind is not None or bool(text_kinds) or by_subject
    quiet = facts.signature or not (alert or commerce)
    # "View on rallly.co" to "/invite/<id>" under "Bob commented": a label leading to
    # content, with nothing but a path word to call it an auth link, is a notification's.
    browse_only = (
        "browse" in text_purposes
        and not (text_kinds or subject_kinds or facts.signature)
        and "invite" not in text_purposes | subject
    )
    # A short link's code ("/p/Ab3dE9x") also shares posts ("How to reset your sleep"): a
    # secret under a subject naming the purpose, or as an invitation's one secret link.
    short_ok = bool(subject_kinds) or (lone and invited and "confirm_link" in text_kinds)
    secret = facts.secret and (not facts.short_code or short_ok)
    # "Onboarding" to "/Onboarding-9e8d…": a label naming no purpose that its URL repeats as
    # a slug is a page's title; a route word from that slug alone makes no auth link.
    titled = bool(label) and not text_purposes and _slugged(label, seen.url)
    echoed = facts.signature or text_kinds or subject_kinds or context_kinds
    # "Your password has been reset. [Sign in]": a report's label asks for nothing new.
    reported = "done" in subject and facts.kind is None and not facts.signature
    quiet = quiet and not browse_only and not (titled and not echoed) and not reported
    qualified = secret and not declined and own_evidence and quiet
    kind = strongest(votes) if qualified else None
    if changed and kind not in (None, "confirm_link"):
        kind = None

    score = 0.05
    if secret:
        score += 0.25
    if facts.signature:
        score += 0.35
    elif facts.kind is not None:
        score += 0.15
    if text_kinds:
        score += 0.2
    if kind is not None:
        score += min(0.2, 0.04 * votes.get(kind, 0.0))
        if kind in subject_kinds:
            score += 0.05
            if by_subject and facts.kind is None and not text_kinds:
                score += 0.15
    if seen.wrapped and not lone:
        score -= 0.1  # …so that a direct URL of the same purpose outranks it
    if seen.from_html and label:
        score += 0.03
    if seen.in_plain_text:
        score += 0.02  # the text/plain part shows the very same URL: no hidden redirect
    if kind is None:
        score = min(score, 0.3)
    if declined:
        score = min(score, 0.1)
    return LinkCandidate(
        url=seen.url, kind=kind, score=round(max(0.0, min(1.0, score)), 3), text=label or seen.text
    )


def _excluded(
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
    return (facts.utility or "utility" in text_purposes) and not (strong_url or own_mail)


def _carries(url: str, code: str) -> bool:
    """The URL holds ``code`` as a whole path segment or query value."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if code in parts.path.split("/"):
        return True
    return any(value == code for _, value in parse_qsl(parts.query + "&" + parts.fragment))


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


def _better_text(new: str, old: str) -> bool:
    return bool(new) and (not old or (bool(_URL_TEXT.match(old)) and not _URL_TEXT.match(new)))


def _shown_targets(anchors: list[Anchor]) -> dict[str, str]:
    """Wrapper href → the full URL some anchor with that href shows as its text."""
    shown: dict[str, str] = {}
    for anchor in anchors:
        text = _WHITESPACE.sub(" ", anchor.text).strip()
        if anchor.hidden or not (_URL_TEXT.match(text) and text.lower().startswith("http")):
            continue
        raw, url = _clean_url(anchor.href), _clean_url(text)
        # NFKC made "…" three dots, which cleaning strips: test the text as shown.
        if url != raw and not text.endswith(("…", "...")):
            shown.setdefault(raw, unwrap_url(url))
    return shown


def _clean_url(url: str, *, in_text: bool = False) -> str:
    url = url.strip().strip("<>")
    url = _WHITESPACE.sub("", html.unescape(url) if "&amp;" in url or "&#" in url else url)
    # Chinese/Japanese/Korean text runs on after a URL without a space; generated URLs
    # percent-encode such characters, so the first one ends the URL.
    cut = (_TEXT_STOP if in_text else _CJK).search(url)
    if cut:
        url = url[: cut.start()]
    if url.count("(") > url.count(")"):
        url = url[: url.rindex("(")]  # "…token=Ab3（24 小时内有效）": the note, not the URL
    while url and url[-1] in _TRAILING + "".join(_CLOSERS):
        last = url[-1]
        if last in _CLOSERS and url.count(_CLOSERS[last]) >= url.count(last):
            break
        url = url[:-1]
    return url
