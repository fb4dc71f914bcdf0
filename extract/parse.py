"""``parse_document``: raw RFC 5322 bytes → the normalised :class:`Document` all stages read."""

from __future__ import annotations

import html
import re

from extract.document import Anchor, Document
from extract.html import render_html
from extract.language import detect_language
from extract.mime import parse_mime
from extract.normalize import normalize_text

__all__ = ["parse_document"]

# Stops at whitespace, quotes and angle brackets; trailing punctuation is cut afterwards.
_URL = re.compile(r"https?://[^\s<>\"'\]\[{}|\\^`]{2,2000}", re.IGNORECASE)
_TRAIL = ".,;:!?'\")]}>*»”’。，；：！？）】"
_ANGLE = re.compile(r"<([^<>\s]+)>")
_BLANKS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


def _clean_href(href: str) -> str:
    return "".join(html.unescape(href).split())


def _trim_url(url: str) -> str:
    while url and url[-1] in _TRAIL:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _text_urls(text: str) -> list[tuple[str, str]]:
    """Bare URLs in ``text`` with their line (plus the line above) as context."""
    out = []
    for m in _URL.finditer(text):
        url = _trim_url(html.unescape(m.group(0)))
        lo = text.rfind("\n", 0, m.start())
        prev = text.rfind("\n", 0, max(lo, 0))
        hi = text.find("\n", m.end())
        context = text[prev + 1 : hi if hi >= 0 else len(text)]
        out.append((url, " ".join(context.split())[-400:]))
    return out


def _tidy_plain(text: str) -> str:
    lines = [line.strip() for line in normalize_text(text).split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def parse_document(raw: bytes) -> Document:
    """Decode, render and normalise one mail. Raises ``MimeError`` only for non-mail input."""
    mime = parse_mime(raw)
    plain_text = _tidy_plain("\n\n".join(mime.plain))
    html_texts: list[str] = []
    preheaders: list[str] = []
    emphasized: list[str] = []
    anchors: list[Anchor] = []
    for part in mime.html:
        view = render_html(part)
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
    for text in (html_text, plain_text):
        for url, context in _text_urls(text):
            if url in seen:
                continue
            seen.add(url)
            anchors.append(
                Anchor(href=url, text="", context=context, position=len(anchors), source="text")
            )
    subject = normalize_text(mime.subject).strip()
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
