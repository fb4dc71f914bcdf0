"""Replies and forwards: the quoted old mail below the sender's own new text is not handed over.

A reply or a forward that quotes an old verification mail ("Thanks, sorted now." above
"On Mon, 7 Dec 2026, Alice wrote:" and the old code) hands nothing over: its code and link are
the old mail's. So when a mail's own new content sits above a quote, the quote is cut away
before the stages read the mail, and a subject with a reply/forward prefix ("Re:", "AW:",
"回复:") is dropped with it (it repeats the old mail's subject, code and all).

The quote starts at the earliest of:
  * an attribution line: "On <date>, <name> wrote:", "Am … schrieb …:", "Le … a écrit :";
  * a separator line: "-----Original Message-----", "---------- Forwarded message ---------",
    "Begin forwarded message:";
  * a quoted header block: a "From:" line followed closely by "Subject:" and one more field
    ("Sent:", "Date:", "To:"), as Outlook and most forwards write it;
  * in HTML also a mail client's quote container (Gmail ``gmail_quote``, Apple Mail and
    Thunderbird ``<blockquote type="cite">``, ``moz-cite-prefix``, Outlook ``divRplyFwdMsg`` /
    ``appendonsend``, Yahoo ``yahoo_quoted``, Proton ``protonmail_quote``, …).
  * the line after a notification's opening line that introduces a person's own words ("mira-k
    commented on this issue.", "jonas replied to your topic:"): the comment or post below is
    theirs, and a number in it ("the code 583920 was rejected") is not handed over.
In a reply, text/plain lines quoted with ``>`` are dropped too (also when the new text is below).

A mail that is only a forwarded mail, with no new content above it (a forwarding rule, or a
forward sent with an empty note), is not cut: what it carries is the mail itself.

The words are data: the ``[quote]`` tables of ``extract/lang/<code>.toml``. Every scan is a
bounded regular expression or one pass over the text; nothing here raises on odd input.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice, pairwise

from otpbridge.extract.lang import words
from otpbridge.extract.lang.patterns import compile_words, outside, substring_pattern

__all__ = ["Unquoted", "is_reply_subject", "quote_start", "strip_quotes"]

#: HTML read for quote markers, over all parts; prune_html reads no further (extract.parse.html).
_MAX_HTML = 300_000
#: text/plain read for quote markers: the reader reads no further (extract.parse.reader).
_MAX_PLAIN = 100_000
#: Letters the text above a quote must hold to count as the sender's own new content.
_MIN_NEW_LETTERS = 2
#: A notification's opening line is one of its first few lines, in its first characters.
_ACTIVITY_LINES = 3
_ACTIVITY_REACH = 1500
# What a blank line may hold: white space and the zero-width characters of a preheader's
# padding ("\u200c\u00a0\u200c…"), which show nothing.
_BLANK = " \t\r\u00a0\u034f\u200b\u200c\u200d\u2060\ufeff"
#: A header block's further fields must follow its "From:" line within this many lines.
_BLOCK_LINES = 5


def _alternation(entries: Iterable[str]) -> str:
    """Longest first; Latin/Cyrillic entries whole words, CJK entries anywhere."""
    unique = sorted({w.lower() for w in entries if w.strip()}, key=len, reverse=True)
    parts = []
    for w in unique:
        esc = re.escape(w)
        if ord(w[0]) < 0x0590:
            esc = rf"(?<![^\W_]){esc}"
        if ord(w[-1]) < 0x0590 and (w[-1].isalnum()):
            esc = rf"{esc}(?![^\W_])"
        parts.append(esc)
    return "(?:" + "|".join(parts) + ")" if parts else r"(?!x)x"


_HS = " \t\r\u00a0\u2007\u202f\u3000"  # horizontal white space (incl. NBSP, a stray CR)
_H = f"[{_HS}]"
_PREFIX = re.compile(
    rf"^\s*(?:{_alternation(words('quote', 'prefix'))}{_H}*(?:\[\d{{1,3}}\]|\(\d{{1,3}}\))?"
    rf"{_H}*[:：])",
    re.IGNORECASE,
)
# Words first (one trie-shaped pattern each, cheap on any text), then the shape of their line.
_WROTE = compile_words(words("quote", "wrote"))
_SEPARATOR = compile_words(words("quote", "separator"))
_FROM = compile_words(words("quote", "from"))
_ACTIVITY = compile_words(words("quote", "activity"))
_NOT_ACTIVITY = compile_words(words("quote", "not_activity"))
#: Every marker holds one of these words: a plain substring test rules most mail out at once.
_MARKER_TABLES = ("wrote", "separator", "subject", "activity")
_MARKER_WORDS = substring_pattern(w for s in _MARKER_TABLES for w in words("quote", s))
_FIELD = re.compile(
    rf"[>*{_HS}]*{_alternation(words('quote', 'fields'))}{_H}*\**{_H}*[:：]",
    re.IGNORECASE,
)
_SUBJECT = re.compile(
    rf"[>*{_HS}]*{_alternation(words('quote', 'subject'))}{_H}*\**{_H}*[:：]",
    re.IGNORECASE,
)
_LINE_PAD = ">*-_=" + _HS  # what may stand around a separator's words on its line
#: Word matches tried per marker kind: a quote marker is among the first few of its words.
_MAX_TRIES = 200
#: An attribution or separator line is no longer than this.
_MAX_LINE = 500
#: Quote containers of mail clients (attribute values as the clients write them, lowercased).
_CONTAINERS = (
    "gmail_quote", "gmail_attr", "moz-cite-prefix", "moz-forward-container", "yahoo_quoted",
    "protonmail_quote", "zmail_extra", "outlookmessageheader", "divrplyfwdmsg", "appendonsend",
    "stopspelling", "mail-editor-reference-message-container", 'type="cite"', "type='cite'",
    "type=cite", "border-top:solid #e1e1e1", "border-top:solid #b5c4df",
)  # fmt: skip
_CONTAINER_TAG = re.compile(r"<(?:div|blockquote|span|table|hr|font)\b", re.IGNORECASE)
_HAND_OVER = re.compile(_alternation(words("quote", "hand_over")), re.IGNORECASE)
_QUOTED_LINE = re.compile(rf"^{_H}*>")
_TAG_OR_STYLE = re.compile(r"<style\b[^>]{0,4000}>[^<]{0,100000}|<[^>]{0,4000}>", re.IGNORECASE)
_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w:-]{0,30})?[^>]{0,4000}>?|<!--|[^<]+|<")
_SKIPPED = frozenset(("style", "script", "head", "title"))
_BLOCKS = frozenset((
    "br", "p", "div", "tr", "li", "ul", "ol", "table", "blockquote", "hr", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer",
))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Unquoted:
    plain: tuple[str, ...]
    html: tuple[str, ...]
    subject: str
    cut: bool  # a quote was cut away (the stages read only the new content)


def is_reply_subject(subject: str) -> bool:
    """The subject starts with a reply or forward prefix ("Re:", "Fwd:", "AW:", "SV:")."""
    return _PREFIX.match(subject[:200]) is not None


def _line(text: str, at: int, end: int) -> tuple[int, str] | None:
    """Start and text of the line holding ``text[at:end]``, or None when it is too long."""
    lo = text.rfind("\n", max(0, at - _MAX_LINE), at)
    if lo < 0 and at > _MAX_LINE:
        return None
    hi = text.find("\n", end, end + _MAX_LINE)
    if hi < 0 and len(text) - end > _MAX_LINE:
        return None
    return lo + 1, text[lo + 1 : hi if hi >= 0 else len(text)]


def _whole_word(text: str, m: re.Match[str]) -> bool:
    after = text[m.end() : m.end() + 1]
    return not (m.group(0)[-1:].isalnum() and after.isalnum())


def _attribution(text: str) -> int:
    """Start of the first "On <date>, <name> wrote:" line: the verb, and a colon ends it."""
    for m in islice(_WROTE.finditer(text), _MAX_TRIES):
        line = _line(text, m.start(), m.end())
        if line is not None and _whole_word(text, m) and line[1].rstrip(_HS).endswith((":", "：")):
            return line[0]
    return -1


def _separator(text: str) -> int:
    """Start of the first line that is only a separator's words, between dashes or with a colon."""
    for m in islice(_SEPARATOR.finditer(text), _MAX_TRIES):
        line = _line(text, m.start(), m.end())
        if line is None or not _whole_word(text, m):
            continue
        lo, body = line
        before = text[lo : m.start()].strip(_LINE_PAD)
        after = text[m.end() : lo + len(body)].strip(_LINE_PAD).rstrip(":：").strip(_LINE_PAD)
        if not before and not after:
            return lo
    return -1


def _header_block(text: str) -> int:
    """Start of the first "From:" line followed closely by a "Subject:" and one more header
    field ("Sent:", "Date:", "To:"), or -1. Every client writes the subject into the block; a
    sign-in notice's "From: Chrome on Windows / Date: … / To: …" details have none."""
    for m in islice(_FROM.finditer(text), _MAX_TRIES):
        line = _line(text, m.start(), m.end())
        if line is None or text[line[0] : m.start()].strip(">*" + _HS):
            continue
        if not re.match(rf"{_H}*\**{_H}*[:：]", text[m.end() : m.end() + 8]):
            continue
        lines = text[m.end() : m.end() + 4000].split("\n", 4 * _BLOCK_LINES)[1:]
        after = [x for x in lines if x.strip()][:_BLOCK_LINES]
        if any(_SUBJECT.match(x) for x in after) and any(_FIELD.match(x) for x in after):
            return line[0]
    return -1


def _activity(text: str) -> int:
    """Start of a person's own words under a notification's opening line ("mira-k commented
    on this issue.", "jonas replied to your topic:"): the next non-blank line, or -1. Only
    one of the first few lines opens so; a mail that says so further down is something else."""
    head = text[:_ACTIVITY_REACH]
    lines = [m for m in re.finditer(r"[^\n]+", head) if m.group(0).strip(_BLANK)]
    lines = lines[: _ACTIVITY_LINES + 1]
    for this, following in pairwise(lines):
        # An activity word that no longer phrase asking the reader to act holds.
        line = this.group(0)
        if len(line) <= _MAX_LINE and outside(_ACTIVITY, _NOT_ACTIVITY, line):
            return following.start()
    return -1


def quote_start(text: str) -> int:
    """Offset of the line where the first quote marker of ``text`` starts, or -1."""
    found = [
        at
        for at in (_attribution(text), _separator(text), _header_block(text), _activity(text))
        if at >= 0
    ]
    return min(found) if found else -1


def _has_new_content(text: str) -> bool:
    """The text above a quote is the sender's own words, and they do not hand the quoted
    mail over ("Please type this in for me" keeps the quote: its code is meant to be used)."""
    if _HAND_OVER.search(text[-4000:]):
        return False
    letters = 0
    for line in text.split("\n"):
        if _QUOTED_LINE.match(line):
            continue
        letters += sum(1 for ch in line if ch.isalpha())
        if letters >= _MIN_NEW_LETTERS:
            return True
    return False


def _drop_quoted_lines(text: str) -> str:
    kept = [line for line in text.split("\n") if not _QUOTED_LINE.match(line)]
    return "\n".join(kept) if len(kept) < text.count("\n") + 1 else text


def _cut_plain(whole: str, reply: bool) -> tuple[str, bool]:
    text = whole[:_MAX_PLAIN]
    if not reply and not _maybe_quoted(text.lower()):
        return whole, False
    at = quote_start(text)
    if at > 0 and _has_new_content(text[:at]):
        return text[:at].rstrip(), True
    if reply or at >= 0:
        dropped = _drop_quoted_lines(text)
        if dropped is not text and _has_new_content(dropped[at if at > 0 else 0 :]):
            return dropped, True
    return whole, False


def _text_view(markup: str) -> tuple[str, list[int], list[int]]:
    """The visible text of ``markup`` (blocks as line breaks) and, per text chunk, its offset
    in that text and in the markup: enough to map a text position back to the markup."""
    out: list[str] = []
    text_at: list[int] = []
    raw_at: list[int] = []
    length = 0
    skip = ""
    for m in _TOKEN.finditer(markup):
        tok = m.group(0)
        name = (m.group(2) or "").lower()
        # A declaration, comment or processing instruction ("<!DOCTYPE html>", "<!--[if
        # mso]>") is markup too: read as text, it would be a line above the mail's first.
        if tok.startswith("<") and (name or tok.startswith(("<!", "<?"))):
            if skip:
                skip = "" if m.group(1) and name == skip else skip
            elif name in _SKIPPED and not m.group(1) and not tok.endswith("/>"):
                skip = name
            elif name in _BLOCKS:
                out.append("\n")
                length += 1
            continue
        if skip:
            continue
        # Line breaks in HTML source are spaces; lines are what block tags make.
        chunk = html.unescape(tok).replace("\r", " ").replace("\n", " ")
        text_at.append(length)
        raw_at.append(m.start())
        out.append(chunk)
        length += len(chunk)
    return "".join(out), text_at, raw_at


def _maybe_quoted(lower: str) -> bool:
    return _MARKER_WORDS.search(lower) is not None


def _markup_words(head: str) -> str:
    """The markup's text, lowercased, for the marker test: tags and style sheets (often most
    of the bytes) hold no marker that the text view could find, and every word test scans it
    whole."""
    text = _TAG_OR_STYLE.sub(" ", head)
    return (html.unescape(text) if "&" in text else text).lower()


def _container(head: str, lower: str) -> int:
    """Start of the first mail client's quote container tag, or -1."""
    first = -1
    for token in _CONTAINERS:
        at = lower.find(token)
        for _ in range(50):  # a token that is no tag's attribute: look a little further
            if at < 0 or 0 <= first < at:
                break
            lo = head.rfind("<", max(0, at - 600), at)
            if lo >= 0 and ">" not in head[lo:at] and _CONTAINER_TAG.match(head, lo):
                first = lo
                break
            at = lower.find(token, at + 1)
    return first


def _cut_html(markup: str, budget: int) -> tuple[str, bool]:
    head = markup[:budget]
    lower = head.lower()
    container = _container(head, lower)
    if container < 0 and not _maybe_quoted(_markup_words(head)):
        return markup, False  # no marker at all: the common case costs two scans
    text, text_at, raw_at = _text_view(head)
    if not text_at:
        return markup, False
    in_text = quote_start(text)
    raw_cut, text_cut = -1, -1
    if in_text >= 0:
        # Lines start only after a block tag, so the marker's line starts a text chunk.
        i = max(0, bisect_right(text_at, in_text) - 1)
        raw_cut, text_cut = raw_at[i], in_text
    if container >= 0 and (raw_cut < 0 or container < raw_cut):
        raw_cut = container
        # Text chunks end before a tag: the text above the container is every chunk that
        # starts before it (and the line breaks after the last of them).
        i = bisect_right(raw_at, raw_cut)
        text_cut = text_at[i] if i < len(text_at) else len(text)
    if raw_cut <= 0 or not _has_new_content(text[:text_cut]):
        return markup, False
    return markup[:raw_cut], True


def strip_quotes(plain: Iterable[str], html_parts: Iterable[str], subject: str) -> Unquoted:
    """The parts with a quoted old mail cut away when new content sits above it."""
    reply = is_reply_subject(subject)
    plain_out: list[str] = []
    html_out: list[str] = []
    cut = False
    for part in plain:
        text, did = _cut_plain(part, reply)
        plain_out.append(text)
        cut = cut or did
    budget = _MAX_HTML  # one budget for all HTML parts, as the renderer has
    for part in html_parts:
        if budget > 0:
            markup, did = _cut_html(part, budget)
            budget -= min(len(part), budget)
        else:
            markup, did = part, False
        html_out.append(markup)
        cut = cut or did
    return Unquoted(
        plain=tuple(plain_out),
        html=tuple(html_out),
        subject="" if cut and reply else subject,
        cut=cut,
    )
