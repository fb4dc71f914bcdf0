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
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

from otpbridge.extract.lang.detect import readable
from otpbridge.extract.links.body import subject_or_body
from otpbridge.extract.links.cues import purposes_in
from otpbridge.extract.links.features import PRIMARY_MIN_SCORE
from otpbridge.extract.links.printed_ids import only_printed_ids
from otpbridge.extract.links.reading import Seen
from otpbridge.extract.links.score import score_link
from otpbridge.extract.links.share import unshared
from otpbridge.extract.links.unwrap import looks_like_tracker, unwrap_url
from otpbridge.extract.links.url_signatures import UrlFacts, analyse_url
from otpbridge.extract.links.votes import purposes_kinds
from otpbridge.extract.model import LinkCandidate
from otpbridge.extract.parse.document import Anchor, Document

__all__ = ["PRIMARY_MIN_SCORE", "find_links"]


_TRAILING = ".,;:!?'\"»”’>،؛؟।"
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_HREF_TRAILING = _TRAILING.replace("?", "") + "".join(_CLOSERS)
_WHITESPACE = re.compile(r"\s+")
_CJK = re.compile("[\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff01-\uff65]")
# In running text a Hebrew, Arabic or Thai letter glued to a URL ends it too (an href may
# still be an IRI in those scripts).
_TEXT_STOP = re.compile(
    "[\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff01-\uff65\u0590-\u06ff\u0e00-\u0e7f]"
)
_URL_IN_TEXT = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_SENTENCE_START = re.compile(r"[.!?。！？](?=\s)|\n[ \t]*\n")
_URL_TEXT = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
# Auth mails are short: the subject alone can name the purpose of a lone secret link only
# when the whole mail has at most this many links.
_MAX_LONE_LINKS = 4
# An auth mail has a handful of links near the top; a catalogue with thousands must not
# cost seconds. Document order is kept, so the cut drops footers and listings first.
_MAX_ANCHORS = 300
_MAX_PLAIN = 50_000
_DISPLAY_NAME = re.compile(r"\s*\"?([^\"<]{0,100}?)\"?\s*<")


def find_links(
    doc: Document, code: str | None = None, shown: str | None = None
) -> tuple[LinkCandidate, ...]:
    """All usable links of ``doc``, best first; auth links have a kind, others ``None``.

    ``code`` is the one-time code found in the same mail, if any, and ``shown`` how the mail
    writes it: a URL carrying it either way ("/lc/4KxQ2m", "?code=482913", "?pin=D7-K6-A8")
    carries a secret however short the code is.
    """
    unsubscribe = {_clean_url(u) for u in doc.list_unsubscribe}
    plain = doc.plain_text[:_MAX_PLAIN]
    subject = purposes_in(_without_sender_name(doc.subject, doc.headers.get("from", "")))
    analysed: list[tuple[Seen, UrlFacts]] = []
    for seen in _collect(doc.anchors, plain):
        if seen.url in unsubscribe:
            continue
        facts = analyse_url(seen.url)
        if facts is None:
            continue
        if facts.utility_host and _senders_host(seen.url, doc.from_addr):
            facts = replace(facts, utility=False, utility_host=False)
        if code and not facts.secret and _carries(seen.url, code, shown):
            facts = replace(facts, secret=True)
        elif facts.secret and not facts.signature and only_printed_ids(seen.url, doc.text, plain):
            facts = replace(facts, secret=False)
        analysed.append((seen, facts))
    # A short mail whose only secret-bearing link sits under a subject that names a purpose
    # ("Email change request" + one bare URL or one button) needs no further words.
    # A link whose own sentence asks to cancel ("…or you wish to cancel this request, visit
    # the following link:") and names no purpose is the undo beside the action link.
    secret_links = [
        s for s, f in analysed if f.secret and not (f.utility or f.decline or _undoes(s, plain))
    ]
    content = [f for _, f in analysed if not (f.home or f.asset or f.utility or f.unsubscribe)]
    short = len(content) <= _MAX_LONE_LINKS
    lone = secret_links[0] if len(secret_links) == 1 and short else None
    # Under a subject naming no purpose, a short body's pointing sentences speak for it.
    lone_subject = subject if lone is None else subject_or_body(subject, doc.text)
    # Read only where a rule needs it: an invitation route's words gate it in scripts we read.
    readable_text = not any(f.invite_route for _, f in analysed) or readable(doc.text)
    scored: list[tuple[float, int, LinkCandidate, bool]] = []
    for seen, facts in analysed:
        result = score_link(
            seen,
            facts,
            lone_subject if seen is lone else subject,
            lone=seen is lone,
            readable=readable_text,
            account_subject="account" in subject,
        )
        if result is not None:
            indirect = seen.wrapped or not seen.url.lower().startswith(("http://", "https://"))
            scored.append((result.score, -seen.position, result, indirect))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return unshared(doc, _prefer_direct([(item[2], item[3]) for item in scored]))


def _senders_host(url: str, sender: str) -> bool:
    """The sender mails from the URL's host itself (the forum at "forum.example.org" mailing
    from "register@forum.example.org"), not from the site whose help pages live there."""
    domain = sender.rpartition("@")[2].lower()
    host = (urlsplit(url).hostname or "").lower()
    return bool(domain) and (host == domain or domain.endswith("." + host))


def _undoes(seen: Seen, plain: str) -> bool:
    at = plain.find(seen.url)
    # A plain-text URL's sentence may wrap over lines its context (one line) leaves out.
    before = plain[max(0, at - 240) : at].rstrip()
    sentence = _SENTENCE_START.split(before)[-1] if at > 0 else ""
    purposes = purposes_in(_URL_IN_TEXT.sub(" ", sentence or seen.context))
    return "decline" in purposes and not purposes_kinds(purposes)


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
    promoted = LinkCandidate(
        url=direct.url,
        kind=direct.kind,
        score=best.score,
        text=direct.text,
        reason=f"{direct.reason}; direct URL of the best (indirect) link's kind",
    )
    return (promoted, *(c for c, _ in ranked if c is not direct))


def _without_sender_name(subject: str, sender: str) -> str:
    """The subject without the sender's display name: a site called "Termine Süd" (German
    for appointments) or "Order of Hope" names no purchase in "Confirm your account on
    Termine Süd"."""
    name = _DISPLAY_NAME.match(sender)
    found = name.group(1).strip() if name else ""
    if len(found) < 3:
        return subject
    return re.sub(re.escape(found), " ", subject, flags=re.IGNORECASE)


def _collect(anchors: tuple[Anchor, ...], plain: str) -> list[Seen]:
    """One entry per distinct target URL, merging what every occurrence tells about it."""
    by_url: dict[str, Seen] = {}
    ordered = sorted(anchors, key=lambda a: a.position)[:_MAX_ANCHORS]
    shown_for = _shown_targets(ordered)
    for anchor in ordered:
        targets = _targets(anchor, shown_for)
        text = _WHITESPACE.sub(" ", anchor.text).strip()
        for url in targets:
            key = url.removesuffix("?")  # the text's copy of an href ending in a bare "?"
            entry = by_url.get(key)
            if entry is None:
                by_url[key] = Seen(
                    url=url,
                    wrapped=looks_like_tracker(url),
                    text=text,
                    context=anchor.context,
                    title=anchor.title,
                    position=anchor.position,
                    from_html=anchor.source == "html",
                    in_plain_text=url in plain,
                )
            else:
                if len(url) > len(entry.url):
                    entry.url = url  # the href's own spelling, with its "?"
                _merge(entry, anchor, text)
    return list(by_url.values())


def _targets(anchor: Anchor, shown_for: dict[str, str]) -> list[str]:
    """The URLs one visible anchor leads to (none for hidden or empty image anchors, nor for
    a logo)."""
    if anchor.hidden or (anchor.is_image and not (anchor.text.strip() or anchor.title.strip())):
        return []
    raw = _clean_url(anchor.href, in_text=anchor.source == "text")
    if not raw:
        return []
    target = unwrap_url(raw)
    if anchor.is_image and not anchor.text.strip() and _names_host(anchor.title, target):
        return []
    # An opaque wrapper shown elsewhere with a full URL as its text: that URL is the
    # target of every anchor using the wrapper (the button and its "copy this link").
    shown = shown_for.get(raw)
    if shown is None:
        return [target]
    return [shown] if looks_like_tracker(target) else [shown, target]


def _names_host(alt: str, url: str) -> bool:
    """An image's alt text names the host its link goes to ("Alfresco" → go.alfresco.com): a
    logo, whatever the sentence beside it asks for."""
    words = set(_WORD.findall(alt.lower())) - {"logo"}
    labels = (urlsplit(url).hostname or "").split(".")
    return bool(words & (set(labels[:-1]) - {"www"})) and words <= set(labels)


def _merge(entry: Seen, anchor: Anchor, text: str) -> None:
    """What another occurrence of the same URL adds: a better label, HTML, a sentence."""
    if _better_text(text, entry.text):
        entry.text = text
        entry.title = entry.title or anchor.title
    if anchor.source == "html":
        entry.from_html = True
    if not entry.context:
        entry.context = anchor.context


def _carries(url: str, code: str, shown: str | None = None) -> bool:
    """The URL holds ``code`` (or its ``shown`` form) as a whole path segment or query value,
    in any case ("?token=bw6fz" for "BW6FZ": the site folds what one types)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    forms = {code.casefold(), (shown or code).casefold()}
    query = parse_qsl(parts.query + "&" + parts.fragment)
    return any(v.casefold() in forms for v in (*parts.path.split("/"), *(v for _, v in query)))


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
    # An href's bare trailing "?" (an empty query some frameworks write) is part of the URL;
    # in running text it is the sentence's question mark.
    trailing = _TRAILING + "".join(_CLOSERS) if in_text else _HREF_TRAILING
    while url and url[-1] in trailing:
        last = url[-1]
        if last in _CLOSERS and url.count(_CLOSERS[last]) >= url.count(last):
            break
        url = url[:-1]
    return url
