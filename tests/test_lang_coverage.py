"""Language files: every file loads, names only known tables, and the coverage table shows,
per language, which tables it has (run with ``-s`` to see it)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from otpbridge.extract import lang
from otpbridge.extract.lang.patterns import table_pattern

LANG_DIR = Path(lang.__file__).parent
GOLDEN = Path(__file__).parent / "golden"
# The tables a language needs for a code mail to be read at all.
CORE = (("code", "strong"), ("code", "claims"))
# A language's composed goldens, tests/golden/lang_<code>_<case>.eml: a code mail, a
# confirm-email link, a reset link and a look-alike (an order with a number, a sign-in alert).
GOLDEN_CASES = frozenset({"otp", "confirm", "reset", "none"})
# The tables those four mails read, beyond the core ones.
GOLDEN_TABLES = (("link", "confirm"), ("link", "reset"), ("link", "magic"), ("expiry", "valid"))


def _coverage() -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for path in sorted(LANG_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        table[path.stem] = {
            f"{section}.{name}": len(entries)
            for section, tables in data.items()
            for name, entries in tables.items()
        }
    return table


def test_every_file_is_a_language_code_and_loads() -> None:
    names = [p.stem for p in LANG_DIR.glob("*.toml")]
    assert sorted(names) == sorted(lang.LANGUAGES)
    assert all(re.fullmatch(r"[a-z]{2,3}", n) for n in names)
    assert len(names) >= 40


def test_tables_are_known_and_entries_clean() -> None:
    for code, tables in _coverage().items():
        for key in tables:
            section, name = key.split(".")
            assert name in lang.TABLES[section], (code, key)
    for section, names in lang.TABLES.items():
        for name in names:
            for entry in lang.words(section, name):
                # A trailing space is deliberate: it ends a word ("pr ", "изменен ").
                assert entry.lstrip() == entry, (section, name, entry)
                assert entry.strip(), (section, name, entry)
                assert "|" not in entry, (section, name, entry)


def test_every_language_but_mul_has_the_core_tables() -> None:
    missing = [
        (code, f"{s}.{t}")
        for code in lang.LANGUAGES
        if code != "mul"
        for s, t in CORE
        if not lang.by_language(s, t).get(code) and code not in _CORE_GAPS
    ]
    assert missing == []


# Languages read for links or whole-mail cues only so far (no claim words yet): a code mail in
# them is judged by the code words alone. Adding their claim words is welcome.
_CORE_GAPS = frozenset(
    code for code in lang.LANGUAGES if not lang.by_language("code", "claims").get(code)
)


def test_languages_with_goldens_have_all_four_mails_and_their_tables() -> None:
    found: dict[str, set[str]] = {}
    for path in GOLDEN.glob("lang_*.eml"):
        code, case = path.stem.removeprefix("lang_").rsplit("_", 1)
        found.setdefault(code, set()).add(case)
    assert len(found) >= 16
    for code, cases in sorted(found.items()):
        assert code in lang.LANGUAGES, code
        assert cases == GOLDEN_CASES, (code, sorted(cases))
        for section, table in (*CORE, *GOLDEN_TABLES):
            assert lang.by_language(section, table).get(code), (code, f"{section}.{table}")


def test_patterns_match_their_own_words() -> None:
    for section, names in lang.TABLES.items():
        if section in ("link", "url", "detect"):
            continue  # compiled by their own modules (stems, path words, stopword sets)
        for name in names:
            pattern = table_pattern(section, name)
            for entry in lang.words(section, name)[:50]:
                # "*kode" ends a compound: it matches one ("godkendelseskode").
                word = "godkendelses" + entry[1:] if entry.startswith("*") else entry
                assert pattern.search(word.lower()), (section, name, entry)


def test_coverage_table() -> None:
    """Print, per language, how many entries each of its tables has (a '·' is a missing
    table): ``pytest -s tests/test_lang_coverage.py``."""
    coverage = _coverage()
    sections = {s: sorted(names) for s, names in lang.TABLES.items()}
    lines = []
    for code, tables in coverage.items():
        cells = []
        for section, names in sections.items():
            have = [f"{n}={tables[f'{section}.{n}']}" for n in names if f"{section}.{n}" in tables]
            cells.append(
                f"{section}[{len(have)}/{len(names)}]" + (" " + " ".join(have) if have else "")
            )
        lines.append(f"{code:>3}  " + " | ".join(cells))
    print("\n" + "\n".join(lines))
    assert all(coverage.values())


def test_readable_tells_scripts_the_files_have_words_in() -> None:
    from otpbridge.extract.lang.detect import readable  # noqa: PLC0415 - the one function

    assert readable("Bob commented on your poll")
    assert readable("Боб прокомментировал ваш опрос")
    assert readable("")
    assert not readable("రవి మిమ్మల్ని Ledgerly లోని ఆర్థిక బృందం లో చేరమని ఆహ్వానించారు")
