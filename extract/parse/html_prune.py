"""Markup made ready for the stdlib HTML parser: invisible bulk cut, hazards defused.

Cut: comments, ``<style>``/``<script>`` blocks, marked sections (``<![CDATA[…]]>``, Outlook's
``<![if …]>``), inline base64 images, oversized attribute values, indentation before block
tags and zero-width character references. Real mail HTML is mostly this (CSS resets,
conditional comments, embedded logos), and rendering costs about half a microsecond a
character, so pruning first lets the render budget reach the text a reader sees: a code late
in a heavy mail is still rendered. Each cut removes only what the parser would discard anyway.

Defused: ``html.parser`` (before Python 3.13.4/3.12.11) rescans to the end of the input for
every unterminated ``<…`` construct (seconds to minutes on a few hundred kB of ``<a<a<a`` or
``<!--x>`` repeated) and raises on an unknown ``<![name[``. Such an opener is escaped as
``&lt;``, which the parser shows as the same text. Every pass here is linear: searches resume
where the previous one stopped, and a closer that was not found is not searched for again.
"""

from __future__ import annotations

import re

__all__ = ["BLOCK_TAGS", "prune_html"]

#: Elements laid out as their own box: the renderer (extract.parse.html) separates the text on
#: either side of them, so whitespace in front of them carries no meaning.
_BLOCK_NAMES = (
    "address article aside blockquote br center dd div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table td th tr ul"
)
BLOCK_TAGS = frozenset(_BLOCK_NAMES.split())

# The parser's own rules: a comment ends at "--" + optional spaces + ">", script/style content
# is raw text up to the matching end tag, a marked section "<![name" ends at "]>" (if/else/
# endif) or "]]>" (cdata and the SGML keywords) and any other name is an error.
_OPENER = re.compile(r"<!--|<!\[|<(script|style)(?=[\s/>])", re.IGNORECASE)
_COMMENT_END = re.compile(r"--\s*>")
_RAW_END = {
    "script": re.compile(r"</\s*script\s*>", re.IGNORECASE),
    "style": re.compile(r"</\s*style\s*>", re.IGNORECASE),
}
_SECTION_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*")
_CONDITION_END = re.compile(r"\]\s*>")
_SECTION_END = re.compile(r"\]\s*\]\s*>")
_SECTION_ENDS = {
    **dict.fromkeys(("if", "else", "endif"), _CONDITION_END),
    **dict.fromkeys(("cdata", "temp", "ignore", "include", "rcdata"), _SECTION_END),
}
_ESCAPED_LT = "&lt;"
_DATA_URI = re.compile(r"data:[\w.+-]+/[\w.+-]+;base64,[A-Za-z0-9+/=\r\n]{100,}", re.IGNORECASE)
#: Attribute values longer than this are tracking/JSON/srcset blobs, never reader-visible.
_BIG_VALUE = 2048
# Anchored on "=", which is rare in text, so the engine skips ahead between attempts.
_BIG_VALUE_AT = re.compile(rf"""=\s*(?:"[^"<>]{{{_BIG_VALUE},}}"|'[^'<>]{{{_BIG_VALUE},}}')""")
_NAME_BEFORE = re.compile(r"([\w:.-]+)\s*$")
# A long link is still a link, and a style decides visibility: those two are kept whole.
_KEEP_ATTRS = frozenset(("href", "style"))
# Indentation between tags in front of a block costs the parser one event per run (mail HTML
# is mostly indented tables) and renders as nothing.
_GAP_BEFORE_BLOCK = re.compile(
    rf">\s+(?=</?(?:{'|'.join(sorted(BLOCK_TAGS))})[\s/>])", re.IGNORECASE
)
# Preheader padding ("&zwnj;&nbsp;" x 100) is one parser event per reference; the text layer
# drops these zero-width characters anyway (extract.parse.normalize).
_ZERO_WIDTH_REF = re.compile(
    r"&(?:zwnj|zwj|shy|lrm|rlm);|&#(?:8203|8204|8205|847|173|[xX](?:200[bBcCdD]|34[fF]|[aA][dD]));"
)

# "?a=1&lang=en" written with a bare "&": a browser keeps "&lang=" as typed (in attributes,
# and in text for all but a few legacy names), the stdlib parser turns it into "⟨=" in
# both. Escaping the ampersand gives the browser's reading.
_BARE_AMP_PARAM = re.compile(r"&(?=[A-Za-z][A-Za-z0-9]*=)")


def _closer(html: str, m: re.Match[str]) -> re.Pattern[str] | None:
    """The pattern that ends the construct ``m`` opens; None when the parser would raise."""
    if m.group(1) is not None:
        return _RAW_END[m.group(1).lower()]
    if m.group(0) == "<!--":
        return _COMMENT_END
    name = _SECTION_NAME.match(html, m.end())
    return None if name is None else _SECTION_ENDS.get(name.group(0).lower())


def _cut_blocks(html: str) -> str:
    out: list[str] = []
    pos = 0
    missing: set[re.Pattern[str]] = set()  # closers known to be absent from here on
    while (m := _OPENER.search(html, pos)) is not None:
        out.append(html[pos : m.start()])
        closer = _closer(html, m)
        end = None if closer is None or closer in missing else closer.search(html, m.end())
        if end is not None:
            pos = end.end()
            continue
        if closer is not None:
            missing.add(closer)
        if m.group(1) is not None:  # an unclosed script/style swallows the rest
            pos = len(html)
            break
        out.append(_ESCAPED_LT)  # shown as text, as the parser would, but parsed in one pass
        pos = m.start() + 1
    out.append(html[pos:])
    return "".join(out)


def _escape_open_tail(html: str) -> str:
    """Every "<" after the last ">" opens a construct that never ends: escape them."""
    tail = html.rfind(">") + 1
    if html.find("<", tail) < 0:
        return html
    return html[:tail] + html[tail:].replace("<", _ESCAPED_LT)


def _blank_big_value(m: re.Match[str]) -> str:
    name = _NAME_BEFORE.search(m.string, max(0, m.start() - 64), m.start())
    if name is not None and name.group(1).lower() in _KEEP_ATTRS:
        return m.group(0)
    return '=""'


def prune_html(html: str, max_chars: int) -> str:
    """``html`` without invisible bulk, cut to ``max_chars``: renders to the same visible text
    (up to the cut), in time linear in its length and without raising."""
    html = _cut_blocks(html)
    html = _GAP_BEFORE_BLOCK.sub(">", html)
    if "&" in html:
        html = _ZERO_WIDTH_REF.sub("", html)
        html = _BARE_AMP_PARAM.sub("&amp;", html)
    if "base64," in html:
        html = _DATA_URI.sub("data:,", html)
    if len(html) > _BIG_VALUE:
        html = _BIG_VALUE_AT.sub(_blank_big_value, html)
    return _escape_open_tail(html[:max_chars])
