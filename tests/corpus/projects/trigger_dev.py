"""Trigger.dev (Apache-2.0): magic-link, invitation and MFA-changed mails from its
react-email components (``internal-packages/emails/emails``), turned into HTML by a small JSX
reading here (text nodes, links, ``{expressions}``); subjects from ``src/index.tsx``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from kit import esc, text_of
from model import Mail, Source
from values import Values

_E = "internal-packages/emails/emails/"
# file -> (kind, class, subject)
_MAILS = {
    "magic-link": ("magic_link", "magic_link", "Magic sign-in link for Trigger.dev"),
    "invite": (
        "confirm_link",
        "invite_accept",
        "You've been invited to join {orgName} on Trigger.dev",
    ),
    "mfa-enabled": (
        "none",
        "security_notice",
        "Multi-factor authentication enabled on your Trigger.dev account",
    ),
    "mfa-disabled": (
        "none",
        "security_notice",
        "Multi-factor authentication disabled on your Trigger.dev account",
    ),
}
SOURCE = Source(
    project="trigger-dev",
    repo="triggerdotdev/trigger.dev",
    commit="b082e44389337dc6505d590737a6df70867cc8f4",
    licence="Apache-2.0",
    files=tuple(f"{_E}{n}.tsx" for n in _MAILS),
)
_TAGS = {
    "Text": "p",
    "Link": "a",
    "Preview": "div",
    "Heading": "h1",
    "Section": "div",
    "Container": "div",
    "Body": "body",
    "Html": "html",
    "Row": "div",
    "Column": "div",
}


def _drop_props(src: str, name: str) -> str:
    """Remove ``name={…}`` props (balanced braces)."""
    out, i = [], 0
    while (j := src.find(f"{name}={{", i)) >= 0:
        out.append(src[i:j])
        depth, k = 0, j + len(name) + 1
        while k < len(src):
            depth += {"{": 1, "}": -1}.get(src[k], 0)
            k += 1
            if depth == 0:
                break
        i = k
    return "".join(out) + src[i:]


def _jsx(src: str, vals: dict[str, str]) -> str:
    body = src[src.index("return (", src.index("export default function")) + 8 :]
    body = body[: body.rindex(");")]
    body = _drop_props(body, "style")
    body = re.sub(r"<(Head|Image|Hr)\b[^>]*/>|<Head\s*/>", "", body)
    body = body.replace("<Footer />", "<p>Trigger.dev</p>")
    body = re.sub(
        r"\{`([^`]*)`\}",
        lambda m: re.sub(r"\$\{(\w+)\}", lambda n: vals[n.group(1)], m.group(1)),
        body,
    )
    body = re.sub(r'\{"([^"]*)"\}', r"\1", body)
    body = re.sub(r"\{(\w+)(?:\s*\?\?\s*\w+)?\}", lambda m: esc(vals[m.group(1)]), body)
    body = re.sub(r"href=\"([^\"]+)\"", lambda m: f'href="{m.group(1)}"', body)
    for comp, tag in _TAGS.items():
        attrs = ' style="display:none"' if comp == "Preview" else ""
        body = re.sub(
            rf"<{comp}\b([^>]*)>", lambda m, t=tag, a=attrs: f"<{t}{a}{_href(m.group(1))}>", body
        )
        body = body.replace(f"</{comp}>", f"</{tag}>")
    return "<!DOCTYPE html>" + body.replace("&apos;", "'")


def _href(attrs: str) -> str:
    m = re.search(r'href="([^"]+)"', attrs)
    return f' href="{m.group(1)}"' if m else ""


def _render(root: Path, name: str, v: Values) -> Mail:
    kind, cls, subject = _MAILS[name]
    base = "https://cloud.trigger.dev"
    link = {
        "magic-link": f"{base}/magic?token={v.token(64, 'abcdef0123456789')}",
        "invite": f"{base}/invites?token={v.b58(24)}",
    }.get(name)
    vals = {
        "magicLink": link or "",
        "inviteLink": link or "",
        "orgName": v.brand,
        "inviterName": v.other_name(),
        "inviterEmail": f"lead@{v.domain}",
        "userEmail": v.email,
        "name": v.first,
    }
    src = (root / f"{_E}{name}.tsx").read_text(encoding="utf-8")
    src = re.sub(r"href=\{(\w+)\}", lambda m: f'href="{esc(vals[m.group(1)])}"', src)
    html = _jsx(src, vals)
    html = re.sub(
        r'href="(https://cloud\.trigger\.dev|https://trigger\.dev)?(/[^"]*)?"',
        lambda m: m.group(0),
        html,
    )
    subject = re.sub(r"\{(\w+)\}", lambda m: vals[m.group(1)], subject)
    return Mail(
        template=name,
        language="en",
        kind=kind,
        cls=cls,
        subject=subject,
        sender="Trigger.dev <hello@email.trigger.dev>",
        html=html,
        text=text_of(html),
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name, (kind, _, _) in _MAILS.items():
        for i in range(3 if kind != "none" else 2):
            yield f"{name}-{i}", "en", partial(_render, root, name)
