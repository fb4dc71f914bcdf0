"""Code words that mention a code without handing one out.

A reply quotes the code its correspondent pasted ("> The code 483920 isn't working"), a chat
digest quotes a member ("my code is 902114") or a topic ("Code 448120 not arriving?"), a
resend mail names the code it replaces ("so 940701 no longer works"): the number is somebody's
old code, and the mail gives the reader nothing to enter. A forward, by contrast, exists to
pass its quoted code on. And some words near a code label something else: the reader ("Dear
Customer, 482913 is…"), a bracketed reference ("482913 (Ref: KQ2X)"). A year-shaped number
is a code when a code word hands it over directly ("Your login PIN is 2024.").
"""

from __future__ import annotations

import re

from otpbridge.extract.codes.features import CODE_WORD_NEAR
from otpbridge.extract.lang import words
from otpbridge.extract.lang.patterns import alternation

__all__ = [
    "first_person",
    "forward_subject",
    "greeting",
    "hands_over",
    "labels_aside",
    "names_number",
    "not_handed_over",
    "quotation_start",
    "quoted_reply_line",
    "reply_subject",
    "spoken_by_someone",
    "untagged_subject",
    "written_once",
]

# "Re:", "AW:", "SV:", "Antw:", "Odp:", "Ynt:", "回复:"… one or more, at the subject's start.
_REPLY_SUBJECT = re.compile(
    r"^\s*(?:\[[^\]]{1,40}\]\s*)?(?:re|aw|sv|vs|antw|odp|ynt|res|rif|r|ответ|回复|答复|回覆)"
    r"(?:\[\d+\])?\s*[:：]",
    re.IGNORECASE,
)
_FORWARD_SUBJECT = re.compile(
    r"^\s*(?:\[[^\]]{1,40}\]\s*)?(?:fwd?|wg|tr|rv|enc|i|doorst|pd|ynlt|пересл)\s*[:：]",
    re.IGNORECASE,
)
# "On Fri, Nov 27, Alex wrote:", "Am 28.11.2026 schrieb Weber:", "Le … a écrit :": the
# attribution line of a quoted message; everything after it is the old message.
_ATTRIBUTION = re.compile(
    r"^(?:on|am|le|el|em|il|op|w dniu|den|på)\b[^\n]{4,160}"
    r"(?:wrote|schrieb|a écrit|escribió|escreveu|ha scritto|schreef|napisał|skrev)\s*:[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# Outlook's separators above a quoted message.
_SEPARATOR = re.compile(
    r"^-{3,} ?(?:original message|ursprüngliche nachricht|message d'origine|mensaje original|"
    r"mensagem original|messaggio originale|oorspronkelijk bericht|wiadomość oryginalna) ?-{3,}"
    # …or, without one, the quoted message's own "From: … ⏎ Sent: …" header lines.
    r"|^(?:from|von|de|da|van|od|från|fra|от)[ \t]*:[^\n]{1,200}\n(?:sent|gesendet|envoyé|enviado|"
    r"inviato|verzonden|wysłano|skickat|sendt|отправлено)[ \t]*:",
    re.IGNORECASE | re.MULTILINE,
)
# "Dear Customer, 482913 is…": a salutation's noun names the reader.
_SALUTATION = re.compile(
    rf"(?:^|\W){alternation('code', 'salutation')}[ \t]+$",
    re.IGNORECASE,
)
# The rest of the token's sentence, when it is a question ("Code 448120 not arriving?").
# A bracket or a dash opens an aside ("482913 (not you? ignore this)"), not the question.
_QUESTION_AFTER = re.compile(r"[^.!?。\n(（\[—–;]{0,40}[?？]")
# "…so 940701 no longer works", "(772915) ist nicht mehr gültig", "983645 was used to sign
# in": an old code, replaced or spent, or one somebody complains about.
_SUPERSEDED = re.compile(
    # (a few words may come between: "the code 493021 from your screenshot no longer works";
    # not a conjunction or another code: "482913 and your old code has expired" hands one over)
    rf"[ \t]*(?:[),][ \t]*|(?:(?!{alternation('code', 'no_longer_skip')}\b)[^\s.,;:!?()]+[ \t]+)"
    r"{0,4}?)(?:(?:has|have|is|was)[ \t]+)?" + alternation("code", "no_longer"),
    # …replaced, spent, or complained about: "482913 never arrives", "Code 771203 geht nicht".
    re.IGNORECASE,
)
# "482913 (Ref: KQ2X)": a bracketed label with a value of its own.
_ASIDE_LABEL = re.compile(r"[ \t]*[:=：.]?[ \t]*[A-Za-z0-9]")
# The speaker's own code ("my code is", "mein Code", "mon code"): a service says "your".
_FIRST_PERSON = re.compile(
    rf"(?:^|[^\w]){alternation('code', 'first_person')}[ \t]+$",
    re.IGNORECASE,
)
# A person speaking ("I could reproduce it with code 553 018", "Ich habe Code 4821 probiert"):
# an issue note, a forum post; a service hands codes over as "we" and "your". A one-letter
# entry ("I") is read in capitals only: Italian, Catalan and Polish "i" is "the" or "and".
_SPEAKERS = words("code", "speaker")
_SPEAKER = re.compile(
    r"(?<!\w)(?:"
    + "|".join(
        (re.escape(w) if len(w) == 1 else f"(?i:{re.escape(w)})")
        + ("" if w.endswith(("'", "’")) else r"(?!\w)")  # "j'ai"
        for w in sorted(_SPEAKERS, key=len, reverse=True)
    )
    + ")"
    if _SPEAKERS
    else r"(?!x)x"
)
_SENTENCE_START = re.compile(r".*(?:\n|[.!?。！？]\s)", re.DOTALL)
#: How far back a sentence is read for its speaker.
_SPEAKER_REACH = 160
# What may follow a code that a code word hands over: the end of the sentence or line.
_SENTENCE_END = re.compile(r"[ \t]*(?:[.!。](?:\s|$)|\n|$)")


# "[Webshop 0018985]: Login page times out", "Re: [Bug 4471] …": a tracker's or a list's tag
# in a subject labels the thread; the number beside its name is an issue's, not a code.
_SUBJECT_TAG = re.compile(r"\[([^\[\]\n]{1,80})\]")
_TAG_NAME = re.compile(r"[^\W\d_]{2,}")


def untagged_subject(subject: str) -> str:
    """``subject`` with every bracketed tag that pairs a name with a number blanked out
    (offsets kept); "[482913]" alone, or "[Acme]", stays."""

    def blank(m: re.Match[str]) -> str:
        inner = m.group(1)
        tagged = _TAG_NAME.search(inner) is not None and any(c.isdigit() for c in inner)
        return " " * len(m.group(0)) if tagged else m.group(0)

    return _SUBJECT_TAG.sub(blank, subject[:1000])


def reply_subject(subject: str) -> bool:
    """The mail answers another one."""
    return _REPLY_SUBJECT.match(subject) is not None


def forward_subject(subject: str) -> bool:
    """The mail passes another one on: its quoted part is the point of it."""
    return _FORWARD_SUBJECT.match(subject) is not None


def greeting(text: str, word_start: int, word_end: int, token_start: int) -> bool:
    """The word at [word_start, word_end) addresses the reader ("Dear Customer,") and a
    comma parts it from the token."""
    if text[word_end:token_start].strip() != ",":
        return False
    return _SALUTATION.search(text, max(0, word_start - 16), word_start) is not None


def not_handed_over(text: str, end: int) -> str:
    """Why the words after the token show it is talked about rather than handed over, or
    "": its sentence goes on into a question ("Code 448120 not arriving?"), or says it no
    longer works (replaced, used, or complained about)."""
    if _QUESTION_AFTER.match(text, end) is not None:
        return "asked about in a question"
    if _SUPERSEDED.match(text, end, end + 60) is not None:
        return "said to work no longer"
    return ""


def quotation_start(text: str) -> int:
    """Where the quoted old message of a reply starts (its "On …, X wrote:" line, Outlook's
    separator or header block), or the end of the text."""
    starts = [m.start() for m in (_ATTRIBUTION.search(text), _SEPARATOR.search(text)) if m]
    return min(starts, default=len(text))


def quoted_reply_line(text: str, start: int, quotation: int) -> bool:
    """The token at ``start`` sits in quoted material: on a line opened by ">", or after
    the quotation start (``len(text)`` for a mail that is no reply)."""
    if start >= quotation:
        return True
    lo = text.rfind("\n", 0, start) + 1
    return text[lo:start].lstrip().startswith(">")


def first_person(text: str, keyword_start: int) -> bool:
    """The code word before ``keyword_start`` is the speaker's own ("my code is")."""
    return _FIRST_PERSON.search(text, max(0, keyword_start - 12), keyword_start) is not None


def spoken_by_someone(text: str, start: int) -> bool:
    """The token's sentence, up to the token, has a speaker of its own: "I", "ich", "j'"."""
    lo = max(0, start - _SPEAKER_REACH)
    head = _SENTENCE_START.match(text, lo, start)
    return _SPEAKER.search(text, head.end() if head else lo, start) is not None


def hands_over(text: str, start: int, end: int, keyword_distance: int) -> bool:
    """A code word right before the token ("PIN is 2024", "code: 2024"), the token ends its
    sentence and the mail writes that number nowhere else (a year recurs: "© 2026"): a
    number so named is the code even when it looks like a year."""
    if keyword_distance > 4 or _SENTENCE_END.match(text, end) is None:
        return False
    return written_once(text, start, end)


def names_number(
    text: str, start: int, end: int, distance: int, *, before: bool, alone: bool
) -> bool:
    """A code word names the number so that it is the code even when it reads like a year:
    right before it, the number ending its sentence ("PIN is 2024"), or close to it shown
    alone on its line ("1980⏎Questo codice scadrà tra 24 ore": a year is never shown so)."""
    if before and hands_over(text, start, end, distance):
        return True
    return alone and distance <= CODE_WORD_NEAR and written_once(text, start, end)


def written_once(text: str, start: int, end: int) -> bool:
    """The mail writes the token at ``start`` nowhere else (a year recurs: "© 2026")."""
    token = text[start:end]
    return text.find(token) == start and text.find(token, end) < 0


def labels_aside(text: str, end: int, label_end: int) -> bool:
    """The word after the token (up to ``end + label_end``) opens a bracketed aside and
    labels the value that follows it ("482913 (Ref: KQ2X)"), not the token."""
    return "(" in text[end : end + label_end] and bool(_ASIDE_LABEL.match(text, end + label_end))
