"""``parse_document``: raw RFC 5322 bytes → the normalised :class:`Document` all stages read."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator

from otpbridge.extract.lang.detect import detect_language
from otpbridge.extract.parse.document import Anchor, Document
from otpbridge.extract.parse.html import MAX_TAGS, render_html
from otpbridge.extract.parse.mime import parse_mime
from otpbridge.extract.parse.normalize import normalize_text
from otpbridge.extract.parse.quotes import strip_quotes

__all__ = ["parse_document"]

# Stops at whitespace, quotes and angle brackets; trailing punctuation is cut afterwards.
_URL = re.compile(r"https?://[^\s<>\"'\]\[{}|\\^`]{2,2000}", re.IGNORECASE)
_TRAIL = ".,;:!?'\")]}>*»”’。，；：！？）】"
_ANGLE = re.compile(r"<([^<>\s]+)>")
_BLANKS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
#: A URL's context is read no further than this from it: a text part that is one 2 MB line
#: would otherwise be rescanned for every URL in it.
_CONTEXT_REACH = 2000
#: Bare URLs taken from the text; link ranking reads only the first few hundred anchors.
_MAX_TEXT_URLS = 500
#: text/plain read for analysis (the HTML side has its own budget in extract.parse.html): code
#: scoring reads no further, and normalising megabytes of a log or a digest costs ~100 ms.
#: The cue scans cost up to ~1.5 µs a character per text on hostile text, so this bounds them.
MAX_PLAIN_CHARS = 100_000


def _clean_href(href: str) -> str:
    return "".join(html.unescape(href).split())


# "…?key=7788b053.Teña un bo día": a sentence glued on after a full stop by a translation that
# lost its line break. A capitalised word with a letter outside ASCII is no token's part
# (tokens are ASCII); "…/v1.Final" stays.
_GLUED_WORD = re.compile(r"\.([A-Z\u00c0-\u024f][^\W\d_]+)$")


def _trim_url(url: str) -> str:
    # A non-ASCII symbol ("↵", "→") is the text's, glued on by a translation; ASCII ones
    # ("=", "+", "~") end tokens.
    while url and (url[-1] in _TRAIL or _glued_symbol(url[-1])):
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    glued = _GLUED_WORD.search(url)
    if glued is not None and not glued.group(1).isascii():
        return _trim_url(url[: glued.start()])
    return url


def _glued_symbol(ch: str) -> bool:
    return not ch.isascii() and unicodedata.category(ch).startswith("S")


#: How many lines above a URL's nearest line a wrapped sentence may reach back.
_WRAPPED_LINES = 3


def _line_context(text: str, start: int, end: int) -> str:
    """The line holding ``text[start:end]`` plus the nearest non-blank line above ("Confirm
    your address:", blank line, URL), normalised, last 400 chars. A URL with no line above
    takes the first non-blank line below ("<URL>", blank line, "Open it to sign in")."""
    floor = max(0, start - _CONTEXT_REACH)
    lo = text.rfind("\n", floor, start)
    hi = text.find("\n", end, end + _CONTEXT_REACH)
    stop = hi if hi >= 0 else end + _CONTEXT_REACH
    line = text[lo + 1 if lo >= 0 else floor : stop]
    above = _nearest_line(text, floor, lo, backwards=True) if lo >= 0 else ""
    below = ""
    if not above.strip() and hi >= 0:
        below = _nearest_line(text, hi, min(len(text), hi + _CONTEXT_REACH), backwards=False)
    return " ".join(" ".join((above, line, below)).split())[-400:]


def _nearest_line(text: str, lo: int, hi: int, *, backwards: bool) -> str:
    """The first non-blank line of ``text[lo:hi]`` counted from its end (or its start); above,
    with the lines of a hard-wrapped sentence it continues ("…cancel your account by clicking
    this link⏎or copying and pasting it into your browser:")."""
    lines = text[lo:hi].split("\n")
    if not backwards:
        return next((line for line in lines if line.strip()), "")
    for n in range(len(lines) - 1, -1, -1):
        if not lines[n].strip():
            continue
        first = n
        while (
            first > 0
            and n - first < _WRAPPED_LINES
            and lines[first].lstrip()[:1].islower()
            and lines[first - 1].strip()
        ):
            first -= 1
        return " ".join(lines[first : n + 1])
    return ""


def _text_urls(texts: Iterable[str], seen: set[str]) -> Iterator[tuple[str, str]]:
    """Bare URLs not in ``seen`` (which records them), with their context, in text order."""
    found = 0
    for text in texts:
        for m in _URL.finditer(text):
            if m.group(0).rstrip(_TRAIL.replace(".", "")).endswith(("…", "...")):
                continue  # a display shortened with an ellipsis; the link is elsewhere
            url = _trim_url(html.unescape(m.group(0)))
            if url in seen:
                continue
            seen.add(url)
            yield url, _line_context(text, m.start(), m.end())
            found += 1
            if found == _MAX_TEXT_URLS:
                return


def _tidy_plain(text: str) -> str:
    lines = [line.strip() for line in normalize_text(text).split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def parse_document(raw: bytes) -> Document:
    """Decode, render and normalise one mail. Raises ``MimeError`` only for non-mail input."""
    mime = parse_mime(raw)
    own = strip_quotes(mime.plain, mime.html, mime.subject)  # a reply's quote is not its own
    plain_text = _tidy_plain("\n\n".join(own.plain)[:MAX_PLAIN_CHARS])
    html_texts: list[str] = []
    preheaders: list[str] = []
    emphasized: list[str] = []
    anchors: list[Anchor] = []
    tags_left = MAX_TAGS  # one tag budget for all HTML parts of the mail
    for part in own.html:
        if tags_left <= 0:
            break
        view = render_html(part, tags_left)
        tags_left -= view.tags
        html_texts.append(view.text)
        if view.preheader:
            preheaders.append(view.preheader)
        emphasized.extend(view.emphasized)
        for a in view.anchors:
            href = _clean_href(a.href)
            if not href:
                continue
            anchors.append(
                Anchor(
                    href=href,
                    text=a.text,
                    context=a.context,
                    position=len(anchors),
                    source="html",
                    hidden=a.hidden,
                    is_image=a.is_image,
                    title=a.title,
                )
            )
    html_text = "\n\n".join(t for t in html_texts if t)
    seen = {a.href for a in anchors}
    for url, context in _text_urls((html_text, plain_text), seen):
        anchors.append(
            Anchor(href=url, text="", context=context, position=len(anchors), source="text")
        )
    subject = normalize_text(own.subject).strip()
    unsubscribe = tuple(
        _clean_href(u) for u in _ANGLE.findall(mime.headers.get("list-unsubscribe", ""))
    )
    return Document(
        subject=subject,
        from_addr=mime.from_addr,
        headers=mime.headers,
        plain_text=plain_text,
        html_text=html_text,
        preheader=" ".join(preheaders),
        anchors=tuple(anchors),
        list_unsubscribe=unsubscribe,
        language=detect_language(subject + "\n" + (html_text or plain_text)),
        emphasized=tuple(emphasized),
    )
