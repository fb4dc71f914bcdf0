"""Words that say what a link is for, in the languages otpbridge reads.

The ``[link]`` tables of the language files (:mod:`otpbridge.extract.lang`) map a purpose
(what a link requests, or what says it requests nothing) to stems.
Latin and Cyrillic stems match at a word start (so "verif" finds "verify", "verifizieren",
"vérifier" is listed separately); stems in other scripts match anywhere, because
Chinese/Japanese have no spaces and Arabic/Hebrew glue articles and prepositions to the
word. The tables are matched all at once rather than per language: mail mixes languages
(English buttons in a German template) and the language guess of a short mail is
unreliable.
"""

from __future__ import annotations

import functools
import re
from typing import Literal, get_args

from otpbridge.extract.lang import words
from otpbridge.extract.lang.patterns import outside, table_pattern
from otpbridge.extract.parse.normalize import normalize_text

__all__ = ["Purpose", "bare_label", "purposes_in", "without_credentials"]


Purpose = Literal[
    "magic", "confirm", "reset", "password", "unsubscribe", "decline", "utility", "alert",
    "generic", "commerce", "invite", "join", "done", "changed", "browse", "account", "pointer",
    "feature", "affirm", "restore", "delete",
]  # fmt: skip

_CUES: dict[Purpose, tuple[str, ...]] = {
    p: cues for p in get_args(Purpose) if (cues := words("link", p))
}

# A whole label that only moves the reader on ("Go", "Next", "Weiter", "続ける"): as a
# substring these words are everywhere ("go" in "Google", "next" in "next steps"), so only
# the entire label counts.
_BARE_LABEL = table_pattern("link", "bare_label")
_LABEL_TRIM = " \t.!?:>→»›➜▶✓-–—()[]"

_LATIN_OR_CYRILLIC = re.compile(r"^[\s\-'a-zà-ɏЀ-ӿ]+$")


def _compile(stems: tuple[str, ...]) -> re.Pattern[str]:
    # The text read is NFKC-normalised (Thai "คำ" becomes "คํา"): the stems must be too.
    stems = tuple(normalize_text(s) for s in stems)
    # "*bestätigung": a stem that may end a compound ("Registrierungsbestätigung") matches
    # inside a word too.
    tails = [re.escape(s[1:]) for s in stems if s.startswith("*")]
    stems = tuple(s for s in stems if not s.startswith("*"))
    anchored = [re.escape(s) for s in stems if _LATIN_OR_CYRILLIC.match(s)]
    loose = [re.escape(s) for s in stems if not _LATIN_OR_CYRILLIC.match(s)] + tails
    parts = []
    if anchored:
        parts.append(r"(?<!\w)(?:" + "|".join(sorted(anchored, key=len, reverse=True)) + ")")
    if loose:
        parts.append("(?:" + "|".join(sorted(loose, key=len, reverse=True)) + ")")
    return re.compile("|".join(parts))


_PATTERNS: dict[Purpose, re.Pattern[str]] = {p: _compile(s) for p, s in _CUES.items()}

# "Password: Xy12kLm9", "Folder Password: hvbqtrew": a password handed over in a field, with
# a value that is no word (a digit, a capital inside, a symbol, or four consonants in a
# row). It names what the mail gives, not a password to reset; not "Reset your password:
# https://…" nor "New password: click below".
_CREDENTIAL = re.compile(
    rf"(?i:{_PATTERNS['password'].pattern})(?:(?!https?:)[^\s:：]){{0,12}}[ \t]*[:：][ \t]*"
    r"(?!https?://|//)(?=\S*\d|\S*[a-z]\S*[A-Z]|\S*[!#$%&*+=?@^_~]|\S*[bcdfghjklmnpqrstvwxz]{4})"
    r"\S{4,64}",
)


def without_credentials(text: str) -> str:
    """``text`` without the password fields it shows (their words name no purpose)."""
    return _CREDENTIAL.sub(" ", text) if ":" in text or "：" in text else text


# A mail asks about the same few strings many times (subject, a label that is also the end
# of its context, the same footer on every link); the answer depends on the text alone.
# Only short texts are remembered: a hostile mail's megabyte label must not stay in memory.
_CACHED_LENGTH = 1000


def purposes_in(text: str) -> frozenset[Purpose]:
    """Which purposes the (visible) ``text`` speaks of."""
    if not text:
        return frozenset()
    return _cached_purposes(text) if len(text) <= _CACHED_LENGTH else _purposes(text)


@functools.lru_cache(maxsize=4096)
def _cached_purposes(text: str) -> frozenset[Purpose]:
    return _purposes(text)


def _purposes(text: str) -> frozenset[Purpose]:
    lowered = text.lower() + " "  # stems ending in a space ("изменен ") end a word
    found = {p for p, pattern in _PATTERNS.items() if pattern.search(lowered)}
    # "cancel your account" asks to confirm the account's cancellation; "cancel" alone refuses.
    if (
        "decline" in found
        and "confirm" in found
        and not outside(_PATTERNS["decline"], _PATTERNS["confirm"], lowered)
    ):
        found.discard("decline")
    return frozenset(found)


def bare_label(label: str) -> bool:
    """The whole ``label`` is a word that moves on without naming what it opens."""
    return _BARE_LABEL.fullmatch(label.strip(_LABEL_TRIM).lower()) is not None
