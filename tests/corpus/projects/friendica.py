"""Friendica (AGPL-3.0; fetched, never committed): the password-reset mail of
``mod/lostpass.php`` (English msgids read from that file) in the translations of
``view/lang/*/strings.php``, inside the plain-text system-mail template
``view/templates/email/system/text.tpl`` (Friendica sends account mails as text)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache, partial
from pathlib import Path

from kit import lang_of
from model import Mail, Source
from values import Values

LOCALES = [
    "en-us",
    "ar",
    "bg",
    "ca",
    "cs",
    "da-dk",
    "de",
    "en-gb",
    "eo",
    "es",
    "et",
    "fi-fi",
    "fr",
    "gd",
    "hu",
    "is",
    "it",
    "ja",
    "nb-no",
    "nl",
    "pl",
    "pt-br",
    "ro",
    "ru",
    "sv",
    "zh-cn",
]
_TPL = "view/templates/email/system/text.tpl"
SOURCE = Source(
    project="friendica",
    repo="friendica/friendica",
    commit="a0a8aeb30488ee66717dc5ed3f98b71906037725",
    licence="AGPL-3.0-or-later",
    files=("mod/lostpass.php", _TPL, *(f"view/lang/{lc}/strings.php" for lc in LOCALES)),
)
_STR = re.compile(r"\$a->strings\['((?:\\.|[^'\\])*)'\]\s*=\s*'((?:\\.|[^'\\])*)';", re.S)
_CALL = re.compile(r"t\('((?:\\.|[^'\\])*)'", re.S)
_POS = re.compile(r"%(?:(\d+)\$)?s")


def _unq(s: str) -> str:
    return s.replace("\\'", "'").replace("\\\\", "\\")


@lru_cache(maxsize=64)
def _strings(path: Path) -> dict[str, str]:
    return {_unq(k): _unq(x) for k, x in _STR.findall(path.read_text(encoding="utf-8"))}


def _deindent(text: str) -> str:
    """``Strings::deindent``: drop the smallest common run of leading tabs/spaces."""
    lines = text.split("\n")
    widths = [len(x) - len(x.lstrip("\t ")) for x in lines if x.strip()]
    cut = min(widths, default=0)
    return "\n".join(x[cut:] for x in lines)


def _sprintf(fmt: str, args: Sequence[str]) -> str:
    it = iter(args)
    return _POS.sub(lambda m: args[int(m.group(1)) - 1] if m.group(1) else next(it), fmt)


def _render(root: Path, locale: str, v: Values) -> Mail | None:
    calls = [_unq(x) for x in _CALL.findall((root / "mod/lostpass.php").read_text("utf-8"))]
    pre_id = next(x for x in calls if "A request was recently received" in x)
    body_id = next(x for x in calls if "Follow this link soon" in x)
    subj_id = "Password reset requested at %s"
    tr = _strings(root / f"view/lang/{locale}/strings.php")
    if locale not in ("en-us", "en-gb") and body_id not in tr:
        return None

    def t(msgid: str, *args: str) -> str:
        return _sprintf(tr.get(msgid) or msgid, args)

    site = f"{v.brand} Social"
    base = f"https://social.{v.domain}"
    nick = v.username.split(".")[0]
    link = f"{base}/lostpass/{v.hex(32)}"
    vals = {
        "preamble": _deindent(t(pre_id, v.name, site)),
        "textversion": _deindent(t(body_id, link, base, nick)),
        "thanks": t("thanks"),
        "site_admin": t("%s Administrator", site),
    }
    tpl = re.sub(r"\{\{\*.*?\*\}\}\s*", "", (root / _TPL).read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"\{\{\$(\w+)(?: nofilter)?\}\}", lambda m: vals[m.group(1)], tpl)
    return Mail(
        template="lostpass",
        language=lang_of(locale),
        kind="reset_link",
        cls="reset_password",
        subject=t(subj_id, site),
        sender=f"{site} <noreply@{v.domain}>",
        text=text.strip() + "\n",
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for locale in LOCALES:
        yield f"lostpass-{locale}", locale, partial(_render, root, locale)
