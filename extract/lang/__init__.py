"""The extractor's words, one data file per language: ``extract/lang/<code>.toml``.

Every file may hold any of these tables (a missing table is an empty one); the logic modules
never spell a word, they read the merged, compiled tables from here. All languages are matched
at once, because templates mix languages (a German mail quotes an English code line).

``[detect]``
    ``stopwords``: frequent short words that tell Latin-script languages apart.
``[code]``
    ``strong``: phrases that alone make a token a one-time code ("verification code", "验证码");
    ``weak``: a bare code word or a verb that introduces one ("code", "enter");
    ``nouns``: the bare nouns among the weak words ("code", "pin");
    ``claims``: words that claim a number for something else ("order", "tracking", "promo");
    ``specific``: words that make a code phrase name a one-time code by themselves, so a word
    before it is a brand ("Garage verification code"), unlike before a bare "code";
    ``type_the_letters``: "including the letters" — a letter prefix is part of the code;
    ``booking_code`` / ``access_code``: whole code phrases that, in a reservation's or a stay's
    mail, name the booking's or the door's code ("confirmation code", "access code");
    ``copula``, ``possessive``: "482913 *is your* code" (a copula also ends the sentence a
    code word opens: "Kode verifikasi … adalah 3da46d"); an entry of ``weak`` or ``nouns``
    starting with ``*`` ends a compound ("*kode": "godkendelseskode", whole word only);
    ``use_verbs``, ``purpose_to``, ``verify_verbs``: "*Use* 582014 *to verify*" (the
    sentence shapes stay in :mod:`otpbridge.extract.codes.scorer`, the words come from here);
    ``salutation`` ("Dear Customer, …"), ``first_person`` ("my code is"), ``no_longer``
    ("… no longer works", "never arrives") with ``no_longer_skip`` (words that may not come
    between), ``number_label`` and ``claim_copula`` ("order number is X": what may stand
    between a claim word and the token it claims); ``below``: words pointing down at the code
    ("below", "following", "unten"): a code noun followed by one in its clause is a strong
    code word ("the code you will find below"); ``acronyms`` (``mul``): letters that read as a
    word although no vowel says so ("HTML", "SMTP"), never a generator's letters;
    ``account_names``: an account noun whose token right after it is the account's name
    ("your PyPI account 'checos58'"); ``speaker``: a person's own "I" ("ich", "j'"; a
    one-letter entry is read in capitals only): a code in such a sentence is talked about.
``[context]``
    ``shopping``: words after a code that make it a shop's or a trip's ("% off", "flight");
    ``sign_in``: what one does with a one-time code ("enter it", "sign in").
``[mail]``
    whole-mail cues: ``card_auth``, ``receipt``, ``reservation``, ``gift_card``, ``event``,
    ``meeting`` (a conference call's passcode opens a meeting, not an account).
``[link]``
    what a link's label or sentence asks for, by purpose (``magic``, ``confirm``, ``reset``,
    (an entry starting with ``*`` may end a compound: "*bestätigung" in
    "Registrierungsbestätigung"),
    ``unsubscribe``, ``alert``, … — :data:`otpbridge.extract.links.cues.Purpose`; ``delete``:
    deleting or removing, which with an account word in a label confirms an account's deletion),
    ``shared_content`` ("shared a document with you"), ``bare_label`` (a whole label that
    only moves on: "Next", "Weiter", "続ける") and ``id_label`` (what labels an identifier
    the mail prints: "Account ID:", "Benutzername:"; a URL whose only secret it is hides none).
``[url]``
    localised route words of auth URLs, as ASCII path words: ``confirm``, ``reset``, ``magic``;
    ``invite`` ("einladung"): an invitation route, a confirm link only when the words around
    the link say it is the account's invitation (polls and documents are shared so too).

``[quote]``
    replies and forwards (``extract.parse.quotes``): subject ``prefix`` ("Re", "AW", "回复"), the
    verb of an attribution line ``wrote`` ("wrote", "schrieb", "a écrit"), the words of a
    ``separator`` line ("Original Message", "Forwarded message"), and a quoted header block's
    ``from``, other ``fields`` and ``subject`` ("From:", then "Sent:", "To:" and "Subject:");
    ``hand_over``: words in the new text that hand the quoted mail's code or link over ("type
    this in for me"), so the quote is kept; ``activity``: a notification's opening line that
    introduces a person's own words ("mira commented on this issue."), which are not handed over;
    ``not_activity``: longer phrases holding an ``activity`` entry that ask the reader to act
    ("dengan membalas email ini": by replying to this e-mail), so no one's words follow.

``[expiry]``
    a duration counts as the code's lifetime only beside one of these: ``valid`` ("valid",
    "expires", "gültig", "有效") or, weaker, ``within`` ("within", "innerhalb", "以内"). The
    duration's words are ``word=number`` entries: ``units`` (a unit and its length in seconds,
    "minutes=60", "分钟=60"; a trailing ``*`` marks a stem, "минут*=60"), ``numbers`` ("five=5"),
    ``fused`` (a count and a unit in one word, "half an hour=1800", "ساعتين=7200") and
    ``bare_units`` (a unit word meaning one of it right after a cue, "часа=3600").

``mul.toml`` holds stems shared by several languages (or not yet sorted into one).
Adding a language is adding its file (and goldens): see the README.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

__all__ = ["LANGUAGES", "TABLES", "by_language", "words"]

#: The section → table names a language file may hold (anything else is a typo).
TABLES: Mapping[str, frozenset[str]] = MappingProxyType({
    "detect": frozenset({"stopwords"}),
    "code": frozenset({
        "strong", "weak", "nouns", "claims", "specific", "type_the_letters", "booking_code",
        "access_code", "copula", "possessive", "use_verbs", "purpose_to", "verify_verbs",
        "salutation", "first_person", "no_longer", "no_longer_skip", "number_label",
        "claim_copula", "below", "acronyms", "account_names", "speaker",
    }),
    "context": frozenset({"shopping", "sign_in"}),
    "mail": frozenset({"card_auth", "receipt", "reservation", "gift_card", "event", "meeting"}),
    "link": frozenset({
        "magic", "confirm", "reset", "password", "unsubscribe", "decline", "utility", "alert",
        "generic", "commerce", "invite", "join", "done", "changed", "browse", "account",
        "pointer", "feature", "affirm", "restore", "shared_content", "bare_label", "id_label",
        "delete",
    }),
    "url": frozenset({"confirm", "reset", "magic", "invite"}),
    "expiry": frozenset({"valid", "within", "units", "numbers", "fused", "bare_units"}),
    "quote": frozenset({"prefix", "wrote", "separator", "from", "fields", "subject", "hand_over",
                        "activity", "not_activity"}),
})  # fmt: skip


class LanguageFileError(ValueError):
    """A language file names a table the extractor does not read (a typo would be lost)."""


def _load() -> dict[str, dict[str, dict[str, tuple[str, ...]]]]:
    out: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}
    files = sorted(
        (f for f in resources.files(__name__).iterdir() if f.name.endswith(".toml")),
        key=lambda f: f.name,
    )
    for f in files:
        lang = f.name.removesuffix(".toml")
        data = tomllib.loads(f.read_text(encoding="utf-8"))
        sections: dict[str, dict[str, tuple[str, ...]]] = {}
        for section, tables in data.items():
            known = TABLES.get(section)
            if known is None or not isinstance(tables, dict) or not set(tables) <= known:
                raise LanguageFileError(f"{f.name}: unknown table in [{section}]")
            sections[section] = {k: tuple(str(w) for w in v) for k, v in tables.items()}
        out[lang] = sections
    return out


_DATA = _load()
#: Every language with a file, in file-name order.
LANGUAGES: tuple[str, ...] = tuple(_DATA)


def by_language(section: str, table: str) -> dict[str, tuple[str, ...]]:
    """``{language: entries}`` of one table, for the languages that have it."""
    return {
        lang: entries
        for lang, sections in _DATA.items()
        if (entries := sections.get(section, {}).get(table))
    }


def words(section: str, table: str) -> tuple[str, ...]:
    """One table's entries of every language, in file order (duplicates kept once)."""
    seen: dict[str, None] = {}
    for entries in by_language(section, table).values():
        seen.update(dict.fromkeys(entries))
    return tuple(seen)
