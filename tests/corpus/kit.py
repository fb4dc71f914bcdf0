"""Helpers project adapters share: read translation files, fill placeholders, lay out HTML.

The HTML layouts here are written for this corpus (a plain transactional shape: heading,
paragraphs, a button or a code box, footer); a project whose own template file is fetched
renders that file instead.
"""

from __future__ import annotations

import configparser
import html
import json
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "Layout",
    "esc",
    "fill",
    "flatten",
    "lang_of",
    "load_ini",
    "load_json",
    "load_php_array",
    "load_php_tree",
    "load_po",
    "load_yaml",
    "render_simple",
    "text_of",
]

_PLACEHOLDER = {
    "mustache": re.compile(r"\{\{\s*\.?([A-Za-z_][\w.]*)\s*\}\}"),
    "underscore": re.compile(r"__([A-Za-z]\w*?)__"),
    "percent": re.compile(r"%\{(\w+)\}"),
    "brace": re.compile(r"\{(\w+)\}"),
}


def fill(template: str, values: Mapping[str, str], style: str = "mustache") -> str:
    """Replace placeholders of one syntax; an unknown name is an error (a silent gap would
    make a mail whose truth is not in it)."""

    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key not in values:
            raise KeyError(key)
        return values[key]

    if style == "colon":  # Laravel's own rule: plain replacement of ":key", longest key first
        for key in sorted(values, key=len, reverse=True):
            template = template.replace(f":{key}", values[key])
        return template
    return _PLACEHOLDER[style].sub(sub, template)


def esc(s: str) -> str:
    return html.escape(s, quote=True)


@lru_cache(maxsize=256)
def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8-sig"))


@lru_cache(maxsize=256)
def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, name + "."))
        elif isinstance(value, str):
            out[name] = value
    return out


@lru_cache(maxsize=256)
def load_ini(path: Path) -> dict[str, dict[str, str]]:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string("[_top]\n" + path.read_text(encoding="utf-8-sig"))
    return {
        s: {k: v.strip().strip('"').replace("\\n", "\n") for k, v in parser[s].items()}
        for s in parser.sections()
    }


@lru_cache(maxsize=256)
def load_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a gettext catalogue (no plurals, no fuzzy entries)."""
    out: dict[str, str] = {}
    entry: dict[str, list[str]] = {}
    current = ""
    fuzzy = False

    def close() -> None:
        mid, mstr = "".join(entry.get("msgid", [])), "".join(entry.get("msgstr", []))
        if mid and mstr and not fuzzy:
            out[mid] = mstr

    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            close()
            entry, current, fuzzy = {}, "", False
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgstr ", "msgctxt ")):
            current, _, rest = line.partition(" ")
            entry[current] = [json.loads(rest)]
        elif line.startswith('"') and current:
            entry[current].append(json.loads(line))
    return out


def lang_of(locale: str) -> str:
    """The primary language subtag the eval tables group by (``pt-BR`` -> ``pt``)."""
    return re.split(r"[-_]", locale)[0].lower()


def text_of(html_body: str) -> str:
    """A plain rendering of a layout for the text part (what mailers' html2text give)."""
    s = re.sub(r"<a [^>]*href=\"([^\"]+)\"[^>]*>(.*?)</a>", r"\2 ( \1 )", html_body, flags=re.S)
    s = re.sub(r"<(br|/p|/h\d|/tr|/div)\s*/?>", "\n", s)
    s = re.sub(r"<[^>]+>", "", s)
    s = html.unescape(s)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(x.strip() for x in s.splitlines())).strip() + "\n"


class Layout:
    """A transactional HTML mail: call the parts in order, then ``html()``."""

    def __init__(self, brand: str, accent: str = "#3b5bdb") -> None:
        self.brand, self.accent, self.parts = brand, accent, []  # type: ignore[var-annotated]

    def heading(self, s: str) -> Layout:
        self.parts.append(f'<h1 style="font-size:20px;margin:0 0 16px">{s}</h1>')
        return self

    def p(self, s: str) -> Layout:
        self.parts.append(
            f'<p style="margin:0 0 14px;line-height:1.5">{s}</p>'.replace("\n", "<br>")
        )
        return self

    def button(self, label: str, url: str) -> Layout:
        self.parts.append(
            f'<table role="presentation" cellpadding="0" cellspacing="0"><tr><td style="background:'
            f'{self.accent};border-radius:6px"><a href="{esc(url)}" style="display:inline-block;'
            f'padding:12px 22px;color:#fff;text-decoration:none;font-weight:600">{label}</a>'
            "</td></tr></table>"
        )
        return self

    def link(self, url: str) -> Layout:
        self.parts.append(
            f'<p style="word-break:break-all"><a href="{esc(url)}">{esc(url)}</a></p>'
        )
        return self

    def code(self, code: str) -> Layout:
        self.parts.append(
            '<div style="font-size:28px;font-weight:700;letter-spacing:6px;background:#f1f3f5;'
            f'padding:14px 20px;border-radius:6px;display:inline-block">{esc(code)}</div>'
        )
        return self

    def raw(self, s: str) -> Layout:
        self.parts.append(s)
        return self

    def html(self, footer: str = "") -> str:
        body = "\n".join(self.parts)
        foot = f'<p style="color:#868e96;font-size:12px">{footer}</p>' if footer else ""
        return (
            '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="font-family:'
            'Helvetica,Arial,sans-serif;background:#f8f9fa;padding:24px">'
            '<table role="presentation" '
            'width="100%" style="max-width:560px;margin:auto;background:#fff;padding:28px;'
            f'border-radius:8px"><tr><td><div style="font-weight:700;color:{self.accent};'
            f'margin-bottom:20px">{esc(self.brand)}</div>\n{body}\n{foot}</td></tr></table>'
            "</body></html>"
        )


Maker = Callable[..., Any]


_PHP_PAIR = re.compile(r"""(['"])((?:(?!\1).)+)\1\s*=>\s*(['"])((?:\\.|(?!\3).)*)\3""", re.S)


@lru_cache(maxsize=256)
def load_php_array(path: Path) -> dict[str, str]:
    """Flat ``'key' => 'value'`` pairs of a PHP language file (nested arrays flattened by key)."""
    out = {}
    for _, key, quote, value in _PHP_PAIR.findall(path.read_text(encoding="utf-8")):
        out[key] = value.replace("\\" + quote, quote).replace("\\\\", "\\")
    return out


_GO_IF = re.compile(
    r"\{\{-?\s*if\s+\.?(\w+)\s*-?\}\}(.*?)(?:\{\{-?\s*else\s*-?\}\}(.*?))?\{\{-?\s*end\s*-?\}\}",
    re.S,
)
_ANY_VAR = re.compile(r"\{\{\{?-?\s*\.?([A-Za-z_]\w*)\s*-?\}?\}\}")


def render_simple(template: str, values: Mapping[str, str]) -> str:
    """Fill a one-language template: Go ``{{ if .X }}…{{ else }}…{{ end }}`` (not nested) and
    ``{{ .X }}`` / ``{{X}}`` / ``{{{X}}}`` placeholders; an unknown name is an error."""
    s = re.sub(r"\{\{-?\s*/\*.*?\*/\s*-?\}\}\s*", "", template, flags=re.S)  # licence comments
    s = _GO_IF.sub(lambda m: m.group(2) if values.get(m.group(1)) else (m.group(3) or ""), s)
    return _ANY_VAR.sub(lambda m: values[m.group(1)], s)


_PHP_TOKEN = re.compile(
    r"""'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)"|(=>)|(\[)|(\])|(//[^\n]*|/\*.*?\*/)""", re.S
)


@lru_cache(maxsize=256)
def load_php_tree(path: Path) -> dict[str, str]:
    """A PHP ``return [...]`` language file as dotted keys (``emails.orders.created.subject``)."""
    out: dict[str, str] = {}
    stack: list[str] = []
    pending: str | None = None
    arrow = False
    for m in _PHP_TOKEN.finditer(path.read_text(encoding="utf-8")):
        single, double, is_arrow, opening, closing, _comment = m.groups()
        text = single if single is not None else double
        if text is not None:
            text = text.replace("\\'", "'").replace('\\"', '"')
            if arrow and pending is not None:
                out[".".join([*stack, pending])] = text
                pending, arrow = None, False
            else:
                pending = text
        elif is_arrow:
            arrow = True
        elif opening:
            if arrow and pending is not None:
                stack.append(pending)
            else:
                stack.append("")
            pending, arrow = None, False
        elif closing and stack:
            stack.pop()
    return {k.lstrip("."): x for k, x in out.items()}
