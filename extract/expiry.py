"""How long a code or link stays valid, read from the mail text: ``expires_in_s``.

A duration ("10 minutes", "1 Stunde", "15分钟", "유효시간 5분", "ساعة واحدة") counts only when
an expiry cue sits in the same sentence: a validity word ("valid", "expires", "gültig",
"有效", "유효", "صالح", "בתוקף", ...) or a "within" word ("within", "innerhalb", "以内",
"خلال", "תוך", ...). Validity words win over "within" words; among equals the first
duration in the text wins (the code's own expiry comes before footers such as "we reply
within 24 hours"). The cue tables of all languages are matched at once, as in
:mod:`extract.links.cues`, because templates mix languages.
"""

from __future__ import annotations

import re

from otpbridge.extract.lang.patterns import alternation

__all__ = ["find_expiry"]

_MAX_SECONDS = 31 * 86400
_BEFORE_WINDOW = 90
_AFTER_WINDOW = 30
# The validity sentence sits next to the code or button, near the top; long newsletters
# and pasted logs further down would only cost time and invite unrelated durations.
_MAX_TEXT = 20_000

_UNITS: tuple[tuple[int, str], ...] = (
    (
        1,
        r"seconds?|secs?|sekunden?|secondes?|segundos?|second[oi]|seconden|sekund\w*|"
        r"секунд\w*|saniye|ثوان\w*|ثانية|ثانیه|שניות|שנייה|秒钟|秒|초|giây|सेकंड|সেকেন্ড",
    ),
    (
        60,
        r"minutes?|mins?\.?|minuten?|minutos?|minut[oi]|minuut|minut\w*|минут\w*|хвилин\w*|"
        r"dakika|dəqiqə|дақиқа|munud|წუთ\w*|րոպե\w*|хвілін\w*|मिनेट|මිනිත්තු\w*|នាទី|"
        r"دقائق|دقيقة|دقیقه|דקות|דקה|分钟|分鐘|分間|分|분|phút|मिनट|মিনিট",
    ),
    (
        3600,
        r"hours?|hrs?|h|stunden?|std\.?|heures?|horas?|or[ae]|uur|godzin\w*|час\w*|"
        r"годин\w*|saat|ساعات|ساعة|ساعت|שעות|שעה|个小时|個小時|小时|小時|時間|시간|giờ|"
        r"घंटे|घंटा|ঘণ্টা|orë|ordu\w*|сағат\w*|цаг\w*|sati|awr|ժամ\w*|საათ\w*|гадзін\w*|घण्टा|"
        r"පැය|ម៉ោង",
    ),
    (
        86400,
        r"days?|tagen?|tage|tag|jours?|días?|dias?|giorn[oi]|dagen|dag|dni|dzień|дн[еяий]\w*|"
        r"день|дні\w*|gün|أيام|يوم|روز|ימים|יום|天|日間|일|ngày|दिन|দিন|ditë|egun\w*|күн\w*|"
        r"өдөр|dana|dae|diwrnod|օր\w*|დღე\w*|дзён|дзень|දින|ថ្ងៃ",
    ),
    (
        604800,
        r"weeks?|wochen?|semaines?|semanas?|settiman[ae]|weken|week|tygodni\w*|"
        r"tydzień|недел\w*|тижн\w*|тиждень|hafta|أسابيع|أسبوع|هفته|שבועות|שבוע|週間|周|"
        r"주|tuần|सप्ताह",
    ),
)
# Words that stand for a count and a unit at once (Arabic and Hebrew duals, "half an hour").
# fmt: off
_FUSED: dict[str, int] = {
    "دقيقتين": 120, "دقيقتان": 120, "ساعتين": 7200, "ساعتان": 7200, "يومين": 172800,
    "שעתיים": 7200, "יומיים": 172800, "שבועיים": 1209600, "half an hour": 1800,
    "half hour": 1800, "halben stunde": 1800, "halbe stunde": 1800, "demi-heure": 1800,
    "media hora": 1800, "meia hora": 1800, "mezz'ora": 1800, "half uur": 1800,
    "полчаса": 1800, "пол часа": 1800, "半小时": 1800, "半小時": 1800,
}
# fmt: on
# fmt: off
_NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "five": 5, "ten": 10, "fifteen": 15,
    "twenty": 20, "thirty": 30, "sixty": 60, "twelve": 12, "twenty-four": 24,
    "forty-eight": 48, "ein": 1, "eine": 1, "einer": 1, "einem": 1, "einen": 1, "zwei": 2,
    "drei": 3, "fünf": 5, "zehn": 10, "fünfzehn": 15, "zwanzig": 20, "dreißig": 30,
    "vierundzwanzig": 24, "un": 1, "une": 1, "deux": 2, "trois": 3, "cinq": 5, "dix": 10,
    "quinze": 15, "trente": 30, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cinco": 5,
    "diez": 10, "quince": 15, "treinta": 30, "um": 1, "uma": 1, "dois": 2, "duas": 2,
    "due": 2, "tre": 3, "cinque": 5, "dieci": 10, "quindici": 15, "trenta": 30, "een": 1,
    "één": 1, "twee": 2, "tien": 10, "один": 1, "одна": 1, "одну": 1, "одного": 1,
    "два": 2, "две": 2, "пять": 5, "десять": 10, "jedna": 1, "jedną": 1, "jednej": 1,
    "dwie": 2, "dwa": 2, "bir": 1, "iki": 2,
}
# fmt: on
# The cue words: the ``[expiry]`` tables of the language files (substrings, as stems).
_STRONG = re.compile(alternation("expiry", "valid"), re.IGNORECASE)
_WEAK = re.compile(alternation("expiry", "within"), re.IGNORECASE)
_UNIT_ALT = "|".join(f"(?P<u{seconds}>{pattern})" for seconds, pattern in _UNITS)
_WORD_ALT = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
# A count must not continue a date, time or decimal ("10:15", "2025年6月1日", "1.5.2025").
_DURATION = re.compile(
    r"(?:(?<![A-Za-zÀ-ÿА-яЁё\d_:/.,年月時点點])(?<!\d-)(?P<num>\d{1,4})|(?<!\w)(?P<word>"
    + _WORD_ALT
    + r")(?=[\s-]))"
    r"\s*-?\s*(?:" + _UNIT_ALT + r")(?![a-zà-ÿа-яё\d])",
    re.IGNORECASE,
)
_FUSED_RE = re.compile(
    "|".join(sorted((re.escape(w) for w in _FUSED), key=len, reverse=True)), re.IGNORECASE
)
# A unit word with no count right after a cue means one of it ("в течение часа",
# "صالحة لمدة ساعة واحدة", "valid for one hour" is covered by the number words).
# fmt: off
_BARE_UNITS: dict[str, int] = {
    "hour": 3600, "heure": 3600, "hora": 3600, "stunde": 3600, "часа": 3600, "час": 3600,
    "години": 3600, "годину": 3600, "ساعة": 3600, "שעה": 3600, "day": 86400, "jour": 86400,
    "día": 86400, "tag": 86400, "дня": 86400, "день": 86400, "доби": 86400, "يوم": 86400,
    "יום": 86400, "دقيقة": 60, "דקה": 60, "week": 604800, "semaine": 604800, "woche": 604800,
}
# fmt: on
_BARE_UNIT = re.compile(
    r"(?<!\w)(?:"
    + "|".join(sorted((re.escape(w) for w in _BARE_UNITS), key=len, reverse=True))
    + r")(?!\w)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?。！？\n](?:\s|$)|[。！？\n]")
_CONNECTOR = re.compile(r"^\s*(?:,|and|und|et|y|e|en|i|и|ve|و|ו)?\s*$", re.IGNORECASE)
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def find_expiry(text: str, language: str | None = None) -> int | None:
    """Seconds until the code/link expires as the mail states it, or None if it doesn't.

    ``language`` is accepted for callers that know it; the cue tables of all languages are
    matched regardless (templates mix languages), so it does not change the result.
    """
    del language
    if not text:
        return None
    text = text[:_MAX_TEXT].translate(_ARABIC_DIGITS)
    found: list[tuple[int, int, int]] = []  # (cue rank, position, seconds)
    for start, end, seconds in _durations(text):
        rank = _cue_rank(text, start, end)
        if rank is not None and 0 < seconds <= _MAX_SECONDS:
            found.append((rank, start, seconds))
    if not found:
        return None
    return min(found)[2]


def _durations(text: str) -> list[tuple[int, int, int]]:
    spans: list[tuple[int, int, int]] = []
    for match in _DURATION.finditer(text):
        count = int(match.group("num")) if match.group("num") else _word_value(match)
        spans.append((match.start(), match.end(), count * _unit_seconds(match)))
    for match in _FUSED_RE.finditer(text):
        spans.append((match.start(), match.end(), _FUSED[match.group(0).lower()]))
    for match in _BARE_UNIT.finditer(text):
        before = text[max(0, match.start() - 16) : match.start()]
        if _WEAK.search(before) or _STRONG.search(before):
            spans.append((match.start(), match.end(), _BARE_UNITS[match.group(0).lower()]))
    spans = _drop_overlaps(sorted(spans))
    return _join_compounds(text, spans)


def _word_value(match: re.Match[str]) -> int:
    return _NUMBER_WORDS.get(match.group("word").lower(), 0)


def _unit_seconds(match: re.Match[str]) -> int:
    for seconds, _ in _UNITS:
        if match.group(f"u{seconds}"):
            return seconds
    return 0


def _drop_overlaps(spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    kept: list[tuple[int, int, int]] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            if span[1] - span[0] > kept[-1][1] - kept[-1][0]:
                kept[-1] = span
            continue
        kept.append(span)
    return kept


def _join_compounds(text: str, spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """'1 hour and 30 minutes' is one duration of 5400 s."""
    joined: list[tuple[int, int, int]] = []
    for span in spans:
        if joined:
            prev = joined[-1]
            gap = text[prev[1] : span[0]]
            if len(gap) <= 6 and _CONNECTOR.match(gap) and span[2] < prev[2]:
                joined[-1] = (prev[0], span[1], prev[2] + span[2])
                continue
        joined.append(span)
    return joined


def _cue_rank(text: str, start: int, end: int) -> int | None:
    """0 for a validity cue in the same sentence, 1 for a 'within' cue, None for neither."""
    before = text[max(0, start - _BEFORE_WINDOW) : start]
    ends = [m.end() for m in _SENTENCE_END.finditer(before)]
    if ends:
        before = before[ends[-1] :]
    after = text[end : end + _AFTER_WINDOW]
    stop = _SENTENCE_END.search(after)
    if stop is not None:
        after = after[: stop.start()]
    if _STRONG.search(before) or _STRONG.search(after):
        return 0
    if _WEAK.search(before) or _WEAK.search(after):
        return 1
    return None
