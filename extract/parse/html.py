"""HTML → visible text, hidden text, emphasised snippets and links, in one streaming pass.

html2text renders the text; this subclass sits in front of its parser callbacks and withholds
everything a reader cannot see (``display:none``, ``font-size:0``…), which
goes to ``preheader`` instead. Blocks (cells, sections, paragraphs…) are separated so the
text of neighbouring blocks does not fuse into one word, and per-digit cells of a code stay on
one line. Text in emphasised elements (bold, large, monospace, letter-spaced, ``<code>``) is
recorded because codes are usually styled so. The markup is pruned first
(:mod:`extract.parse.html_prune`) and rendering stops at a markup or text budget, so the work per
part is bounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.entities import html5 as html5_entities

import html2text

from otpbridge.extract.parse.html_prune import BLOCK_TAGS, prune_html
from otpbridge.extract.parse.normalize import normalize_text

__all__ = ["HtmlView", "RawAnchor", "render_html"]


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


#: Rendering stops after this much markup (counted after pruning invisible bulk) or this much
#: visible text, whichever comes first: codes and auth links sit near the top, rendering costs
#: ~0.4 µs per markup character and every later stage reads the text.
MAX_HTML_CHARS = 300_000
MAX_TEXT_CHARS = 64_000
#: ...or after this many tags and entity references: per character, dense markup ("<h1>…",
#: "&amp;&amp;…") costs 30 times what prose does (~12 µs a tag), so characters alone do not
#: bound the work. A heavy newsletter has a few thousand tags in the markup read.
MAX_TAGS = 20_000
#: Anchors kept per part: link ranking reads the first few hundred of the whole mail.
MAX_ANCHORS = 1_000
#: Budgets are checked between chunks; a small chunk bounds the overshoot (~2,700 tags).
_FEED_CHUNK = 8_192

_VOID = _words("area base br col embed hr img input link meta param source track wbr")
_DISCARD = frozenset(("head", "title", "style", "script", "template", "noscript", "ignore"))
_BLOCK = BLOCK_TAGS
# Blocks html2text already puts on their own lines (the others it runs together with the text
# around them, because its table support is off).
_BREAKS_ITSELF = frozenset(("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "li"))
#: Source line breaks inside running text (the page shows a space).
_SOURCE_BREAKS = str.maketrans("\r\n", "  ")
_EMPH_TAGS = _words("b strong h1 h2 h3 code pre kbd tt samp big mark")
_CELL = frozenset(("td", "th"))
# html2text wraps these in backticks: Markdown, not what a reader sees ("`pPCOAmoF`").
_BACKTICKED = frozenset(("code", "kbd", "tt"))
_MAX_EMPH_LEN = 80
_MAX_EMPH = 200

_HIDDEN_STYLE = re.compile(
    r"display:none|visibility:hidden|(?:^|;)opacity:0(?:\.0+)?(?:!important)?(?:;|$)"
)
_COLLAPSED = re.compile(
    r"(?:^|;)(?:max-)?(?:height|width):0(?:px|pt|em|rem|%)?(?:!important)?(?:;|$)"
)
_BOLD_STYLE = re.compile(r"font-weight:(?:bold|bolder|[6-9]00)")
_FONT_SIZE = re.compile(r"font-size:(\d+(?:\.\d+)?)(px|pt|em|rem|%)?")
_SPACING = re.compile(r"letter-spacing:(?!0(?:px|em|pt)?(?:;|$)|normal)")
_MONO = re.compile(r"font-family:[^;]*(?:mono|courier|consolas|menlo)")
_NBSP_MARK = "&nbsp_place_holder;"  # what html2text's entity handler emits for &nbsp;
_HEADING = re.compile(r"^(\* )?#{1,6} ")  # also after a list bullet: "* # Title"
_BLANKS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


@dataclass(frozen=True, slots=True)
class RawAnchor:
    href: str
    text: str
    context: str
    hidden: bool
    is_image: bool
    title: str


@dataclass(frozen=True, slots=True)
class HtmlView:
    text: str
    preheader: str
    emphasized: tuple[str, ...]
    anchors: tuple[RawAnchor, ...]
    tags: int = 0  # tags and references rendered: the caller's budget over all parts


@dataclass(slots=True)
class _Frame:
    tag: str
    hidden: bool  # this element starts an invisible subtree
    discard: bool  # not rendered at all (head, style…), not even as preheader
    tiny: bool  # font-size 0 in effect (children may set a real size again)
    emph_start: int  # offset into the visible buffer, or -1 when not an emphasis root


@dataclass(slots=True)
class _OpenAnchor:
    href: str
    title: str
    start: int
    hidden: bool
    has_img: bool
    end: int = -1


def _font_size(style: str) -> tuple[float, str] | None:
    m = _FONT_SIZE.search(style)
    return None if m is None else (float(m.group(1)), m.group(2) or "px")


def _is_large(size: tuple[float, str] | None) -> bool:
    if size is None:
        return False
    return size[0] >= {"px": 20.0, "pt": 15.0, "%": 140.0}.get(size[1], 1.4)


def _emphasising(tag: str, style: str, size: tuple[float, str] | None) -> bool:
    """Bold, spaced-out, monospaced or large: how mails set a code apart."""
    if tag in _EMPH_TAGS:
        return True
    return bool(style) and bool(
        _BOLD_STYLE.search(style)
        or _SPACING.search(style)
        or _MONO.search(style)
        or _is_large(size)
    )


def _is_hidden(style: str) -> bool:
    if _HIDDEN_STYLE.search(style):
        return True
    # Zero height/width hides content only when the overflow is clipped (preheader trick).
    return "overflow:hidden" in style and _COLLAPSED.search(style) is not None


class _Renderer(html2text.HTML2Text):
    def __init__(self) -> None:
        super().__init__(bodywidth=0)
        self.ignore_links = True
        self.ignore_images = True
        self.ignore_emphasis = True
        self.ignore_tables = True
        self.unicode_snob = True
        self.escape_snob = False
        self.frames: list[_Frame] = []
        self.hidden_depth = 0
        self.discard_depth = 0
        self.emph_depth = 0
        self.visible: list[str] = []  # our own block-aware plain rendering, for contexts
        self.visible_len = 0
        self.hidden_parts: list[str] = []
        self.emphasized: list[tuple[int, int]] = []
        self.anchors: list[_OpenAnchor] = []
        self.open_anchor: _OpenAnchor | None = None
        self.cell_open = False
        self.tags = 0  # start/end tags and entity references seen, for the work budget

    # -- our bookkeeping ---------------------------------------------------------------------
    def _push_visible(self, s: str) -> None:
        self.visible.append(s)
        self.visible_len += len(s)

    def _block_boundary(self, tag: str, *, html2text_sees_it: bool) -> None:
        # Browsers lay blocks out apart; html2text (tables ignored) would fuse the text around
        # table, cell and sectioning tags ("Code:</span><table><tr><td>482913"), and around
        # the tags it never sees (hidden elements, stray end tags).
        if self.discard_depth:
            return
        self.hidden_parts.append(" ")  # hidden and font-size:0 text is collected there
        if self.hidden_depth:
            return
        self._push_visible("\n")
        if not (html2text_sees_it and tag in _BREAKS_ITSELF):
            super().handle_data(" ", True)

    def _style_of(self, attrs: dict[str, str | None]) -> str:
        style = attrs.get("style") or ""
        return style.lower().replace(" ", "") if style else ""

    def handle_tag(self, tag: str, attrs: dict[str, str | None], start: bool) -> None:
        if tag == "blockquote":
            # On screen an indented block, not Markdown's "> " that reads as a reply's
            # quotation; quoted mail is cut from the markup beforehand (extract.parse.quotes).
            self.p()
        elif tag not in _BACKTICKED:
            super().handle_tag(tag, attrs, start)

    # -- parser callbacks --------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags += 1
        amap = dict(attrs)
        tiny = self.frames[-1].tiny if self.frames else False
        if self.hidden_depth or self.discard_depth:
            self._start_unseen(tag, amap, tiny)
            return
        style = self._style_of(amap)
        discard = tag in _DISCARD
        hidden = not discard and ("hidden" in amap or (bool(style) and _is_hidden(style)))
        size = _font_size(style) if style else None
        if size is not None:
            tiny = size[0] == 0
        if tag in _BLOCK:
            self._block_boundary(tag, html2text_sees_it=not (hidden or discard))
        self._track_cells(tag)
        if tag == "img":
            self._image_in_anchor(amap)
            return
        if tag in _VOID:
            self.handle_tag(tag, amap, start=True)
            return
        shown = not (self.emph_depth or hidden or discard)
        emph = self.visible_len if shown and _emphasising(tag, style, size) else -1
        self.frames.append(_Frame(tag, hidden, discard, tiny, emph_start=emph))
        if hidden:
            self.hidden_depth += 1
            self.hidden_parts.append("\n")
        elif discard:
            self.discard_depth += 1
        else:
            if emph >= 0:
                self.emph_depth += 1
            if tag == "a":
                self._start_anchor(amap, hidden=False)
            self.handle_tag(tag, amap, start=True)

    def _start_unseen(self, tag: str, amap: dict[str, str | None], tiny: bool) -> None:
        """A start tag inside a hidden or discarded element."""
        if tag in _BLOCK:
            self._block_boundary(tag, html2text_sees_it=False)
        if tag not in _VOID:
            self.frames.append(_Frame(tag, False, False, tiny, emph_start=-1))
        if tag == "a":
            self._start_anchor(amap, hidden=True)

    def _track_cells(self, tag: str) -> None:
        """Adjacent table cells are apart on screen: a space between them."""
        if tag in _CELL:
            if self.cell_open:
                self.handle_data(" ")
            self.cell_open = True
        elif tag == "tr":
            self.cell_open = False

    def _image_in_anchor(self, amap: dict[str, str | None]) -> None:
        if self.open_anchor is not None:
            self.open_anchor.has_img = True
            if not self.open_anchor.title:
                self.open_anchor.title = amap.get("alt") or ""

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags += 1
        # Pop to the matching open element. A stray end tag (or "</br>") closes nothing, but
        # a block one still separates the text around it, as it does on screen.
        if tag not in _VOID:
            for i in range(len(self.frames) - 1, max(-1, len(self.frames) - 40), -1):
                if self.frames[i].tag == tag:
                    while len(self.frames) > i:
                        self._close(self.frames.pop())
                    return
        if tag in _BLOCK:
            self._block_boundary(tag, html2text_sees_it=False)

    def _close(self, frame: _Frame) -> None:
        tag = frame.tag
        silent = self.hidden_depth or self.discard_depth
        if frame.hidden:
            self.hidden_depth -= 1
        elif frame.discard:
            self.discard_depth -= 1
        if tag == "a":
            self._end_anchor()
        if silent:
            if tag in _BLOCK:
                self._block_boundary(tag, html2text_sees_it=False)
            return
        if frame.emph_start >= 0:
            self.emph_depth -= 1
            size = self.visible_len - frame.emph_start
            if 0 < size <= _MAX_EMPH_LEN * 4 and len(self.emphasized) < _MAX_EMPH:
                self.emphasized.append((frame.emph_start, self.visible_len))
        if tag in _BLOCK:
            self._block_boundary(tag, html2text_sees_it=True)
        if tag == "table":
            self.cell_open = False
        super().handle_endtag(tag)

    def handle_data(self, data: str, entity_char: bool = False) -> None:
        if self.discard_depth:
            return
        mine = data.replace(_NBSP_MARK, " ") if entity_char else data
        if self.hidden_depth or (self.frames and self.frames[-1].tiny):
            self.hidden_parts.append(mine)
            return
        # A line break in the source is a space on the page (but in <pre>): "Connecte toi
        # sur⏎<a …>l'espace membre</a>" is one sentence around its link.
        self._push_visible(mine if self.pre else mine.translate(_SOURCE_BREAKS))
        # We want plain text, not Markdown: html2text's literal-text path skips its escaping.
        super().handle_data(data, True)

    def handle_charref(self, name: str) -> None:
        self.tags += 1
        super().handle_charref(name)

    def handle_entityref(self, c: str) -> None:
        self.tags += 1
        # A bare "&" before a name no entity has ("?a=1&id=7" unescaped in a template) shows
        # as written; html2text would print "&id;" and corrupt the URL in the text.
        if c + ";" in html5_entities:
            super().handle_entityref(c)
        else:
            self.handle_data("&" + c)

    # -- anchors -----------------------------------------------------------------------------
    def _start_anchor(self, amap: dict[str, str | None], *, hidden: bool) -> None:
        href = (amap.get("href") or "").strip()
        if not href:
            return
        title = amap.get("title") or amap.get("aria-label") or ""
        self.open_anchor = _OpenAnchor(href, title, self.visible_len, hidden, has_img=False)

    def _end_anchor(self) -> None:
        if self.open_anchor is not None:
            self.open_anchor.end = self.visible_len
            if len(self.anchors) < MAX_ANCHORS:
                self.anchors.append(self.open_anchor)
            self.open_anchor = None


def _context(full: str, start: int, end: int) -> str:
    lo = full.rfind("\n", 0, start) + 1
    hi = full.find("\n", end)
    block = full[lo : hi if hi >= 0 else len(full)].strip()
    if block == full[start:end].strip() and lo > 0:
        # A button alone in its cell: the sentence that explains it is the block above.
        before = full[: lo - 1].rstrip()
        block = (before[before.rfind("\n") + 1 :].strip() + " " + block).strip()
    return " ".join(normalize_text(block[-400:]).split())


def _anchor(full: str, a: _OpenAnchor) -> RawAnchor:
    text = "" if a.hidden else " ".join(normalize_text(full[a.start : a.end]).split())
    return RawAnchor(
        href=a.href,
        text=text,
        context="" if a.hidden else _context(full, a.start, a.end),
        hidden=a.hidden,
        is_image=a.has_img and not text,
        title=normalize_text(a.title).strip(),
    )


def _tidy(text: str) -> str:
    text = normalize_text(text.replace(_NBSP_MARK, " "))
    # Heading marks are html2text's markup, not the mail's ("# 726370" is a big code).
    lines = [_HEADING.sub(r"\1", line.strip()) for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def render_html(html: str, max_tags: int = MAX_TAGS) -> HtmlView:
    """Render one HTML part, stopping after about ``max_tags`` tags. Never raises on
    malformed markup: the parser is forgiving, and the constructs it raises on are escaped
    beforehand."""
    renderer = _Renderer()
    markup = prune_html(html, MAX_HTML_CHARS)
    for at in range(0, len(markup), _FEED_CHUNK):
        renderer.feed(markup[at : at + _FEED_CHUNK])
        if renderer.visible_len >= MAX_TEXT_CHARS or renderer.tags >= max_tags:
            break
    text = renderer.handle("")  # flushes the parser; returns all text rendered so far
    if renderer.open_anchor is not None:
        renderer._end_anchor()
    full = "".join(renderer.visible)
    preheader = " ".join(normalize_text("".join(renderer.hidden_parts)).split())
    emphasized = []
    for lo, hi in renderer.emphasized:
        snippet = " ".join(normalize_text(full[lo:hi]).split())
        if 0 < len(snippet) <= _MAX_EMPH_LEN:
            emphasized.append(snippet)
    return HtmlView(
        text=_tidy(text),
        preheader=preheader,
        emphasized=tuple(emphasized),
        anchors=tuple(_anchor(full, a) for a in renderer.anchors),
        tags=renderer.tags,
    )
