"""Render a Laravel markdown mail view (``@component('mail::message')`` … ``@endcomponent``)
the way Laravel's mail theme lays it out: ``# heading``, paragraphs, a button component, a
panel component, ``**bold**`` and ``[text](url)``. Adapters pass what the view's expressions
evaluate to; an expression nobody supplied is an error (the mail would lose text)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from kit import Layout, esc

__all__ = ["render_blade"]

_LANG = re.compile(r"@lang\(\s*'((?:\\.|[^'\\])*)'\s*(?:,\s*\[[^\]]*\])?\s*\)")
_ECHO = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_BUTTON = re.compile(
    r"(?:@component\('mail::button',\s*\[\s*'url'\s*=>\s*(.*?)\]\)|"
    r"<x-mail::button\s+:url=\"(.*?)\"[^>]*>)\s*(.*?)\s*(?:@endcomponent|</x-mail::button>)",
    re.S,
)
_PANEL = re.compile(
    r"(?:@component\('mail::panel'\)|<x-mail::panel>)\s*(.*?)\s*"
    r"(?:@endcomponent|</x-mail::panel>)",
    re.S,
)
_OUTER = re.compile(r"@component\('mail::message'\)|<x-mail::message>|</x-mail::message>")


def _inline(s: str) -> str:
    s = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", s)
    return re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r'<a href="\2">\1</a>', s)


def render_blade(
    view: str,
    translate: Callable[[str], str],
    echoes: Mapping[str, str],
    lay: Layout,
) -> Layout:
    """Fill ``view`` into ``lay``: ``@lang('…')`` goes through ``translate`` (which also fills
    ``:name`` replacements), ``{{ expr }}`` is looked up in ``echoes`` by its source text."""

    def fill(s: str) -> str:
        s = _LANG.sub(lambda m: esc(translate(m.group(1).replace("\\'", "'"))), s)
        return _ECHO.sub(lambda m: echoes[m.group(1)], s)

    body = _OUTER.sub("", view)
    blocks: list[tuple[str, str]] = []
    pos = 0
    for m in sorted([*_BUTTON.finditer(body), *_PANEL.finditer(body)], key=lambda m: m.start()):
        blocks.append(("text", body[pos : m.start()]))
        if m.re is _BUTTON:
            blocks.append(("button", f"{m.group(1) or m.group(2)}\x00{m.group(3)}"))
        else:
            blocks.append(("panel", m.group(1)))
        pos = m.end()
    blocks.append(("text", body[pos:].replace("@endcomponent", "")))
    for kind, chunk in blocks:
        if kind == "button":
            expr, label = chunk.split("\x00", 1)
            lay.button(fill(label), echoes[expr.strip()])
        elif kind == "panel":
            lay.raw(
                '<table width="100%" style="border-left:4px solid #2d3748;margin:12px 0">'
                f'<tr><td style="padding:12px">{_inline(fill(chunk))}</td></tr></table>'
            )
        else:
            for raw in re.split(r"\n\s*\n", chunk):
                para = raw.strip()
                if not para or para == "----":
                    continue
                if para.startswith("# "):
                    lay.heading(_inline(fill(para[2:])))
                else:
                    lay.p(_inline(fill(para)).replace("\n", " ").replace("<br> ", "<br>"))
    return lay
