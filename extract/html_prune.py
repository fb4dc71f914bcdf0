"""Markup no reader can see, cut before rendering: comments, ``<style>``/``<script>`` blocks,
inline base64 images, oversized attribute values, source indentation before block tags and
zero-width character references.

Real mail HTML is mostly this (CSS resets, Outlook conditional comments, embedded logos), and
rendering costs about half a microsecond a character, so pruning first lets the render budget
reach the text a reader sees: a code late in a heavy mail is still rendered. Each cut removes
only what the HTML parser would discard anyway; every pass is linear (plain ``find``-style
searches that resume where the previous one stopped, no nested quantifiers).
"""

from __future__ import annotations

import re

__all__ = ["BLOCK_TAGS", "prune_html"]

#: Elements laid out as their own box: the renderer (extract.html) separates the text on
#: either side of them, so whitespace in front of them carries no meaning.
_BLOCK_NAMES = (
    "address article aside blockquote br center dd div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table td th tr ul"
)
BLOCK_TAGS = frozenset(_BLOCK_NAMES.split())

# The parser's own rules: a comment ends at "--" + optional spaces + ">", and script/style
# content is raw text up to the matching end tag.
_OPENER = re.compile(r"<!--|<(script|style)(?=[\s/>])", re.IGNORECASE)
_COMMENT_END = re.compile(r"--\s*>")
_RAW_END = {
    "script": re.compile(r"</\s*script\s*>", re.IGNORECASE),
    "style": re.compile(r"</\s*style\s*>", re.IGNORECASE),
}
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
# drops these zero-width characters anyway (extract.normalize).
_ZERO_WIDTH_REF = re.compile(
    r"&(?:zwnj|zwj|shy|lrm|rlm);|&#(?:8203|8204|8205|847|173|[xX](?:200[bBcCdD]|34[fF]|[aA][dD]));"
)


def _cut_blocks(html: str) -> str:
    out: list[str] = []
    pos = 0
    while (m := _OPENER.search(html, pos)) is not None:
        raw = m.group(1)
        end = (_COMMENT_END if raw is None else _RAW_END[raw.lower()]).search(html, m.end())
        out.append(html[pos : m.start()])
        if end is None:
            # An unclosed script/style swallows the rest; an unclosed comment is shown as text.
            pos = len(html) if raw is not None else m.start()
            break
        pos = end.end()
    out.append(html[pos:])
    return "".join(out)


def _blank_big_value(m: re.Match[str]) -> str:
    name = _NAME_BEFORE.search(m.string, max(0, m.start() - 64), m.start())
    if name is not None and name.group(1).lower() in _KEEP_ATTRS:
        return m.group(0)
    return '=""'


def prune_html(html: str) -> str:
    """``html`` without invisible bulk; renders to the same visible text."""
    html = _cut_blocks(html)
    html = _GAP_BEFORE_BLOCK.sub(">", html)
    if "&" in html:
        html = _ZERO_WIDTH_REF.sub("", html)
    if "base64," in html:
        html = _DATA_URI.sub("data:,", html)
    if len(html) > _BIG_VALUE:
        html = _BIG_VALUE_AT.sub(_blank_big_value, html)
    return html
