"""Wiki.js (AGPL-3.0; fetched, never committed): its mails as ``WIKI.mail.send({…})`` composes
them (``server/models/users.js``: password reset, account verification;
``server/graph/resolvers/mail.js``: the test mail): the ``subject``, ``text`` and ``data``
fields (JS string and template literals) are read at render time and filled into the
lodash templates ``server/templates/*.html``; ``core/mail.js`` appends the wiki title to the
subject."""

from __future__ import annotations

import html as html_mod
import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from model import Mail, Source
from values import Values

SOURCE = Source(
    project="wikijs",
    repo="Requarks/wiki",
    commit="3174fdd76ba7044849b080bbe5d17778560daf79",
    licence="AGPL-3.0-only",
    files=(
        "server/models/users.js",
        "server/graph/resolvers/mail.js",
        "server/templates/account-reset-pwd.html",
        "server/templates/account-verify.html",
        "server/templates/test.html",
    ),
)
_MAILS = {  # template key -> (JS file, template file, kind, class)
    "accountResetPwd": (
        "server/models/users.js",
        "account-reset-pwd.html",
        "reset_link",
        "reset_password",
    ),
    "accountVerify": (
        "server/models/users.js",
        "account-verify.html",
        "confirm_link",
        "confirm_email",
    ),
    "test": ("server/graph/resolvers/mail.js", "test.html", "none", "smtp_test"),
}
_FIELD = re.compile(r"(\w+):\s*(`(?:\\.|[^`\\])*`|'(?:\\.|[^'\\])*')")
_INTERP = re.compile(r"\$\{([^}]+)\}")
_LODASH = re.compile(r"<%=\s*(\w+)\s*%>")


def _call(src: str, key: str) -> dict[str, str]:
    """The string fields of the ``WIKI.mail.send({ template: 'key', … })`` object."""
    start = src.index(f"template: '{key}'")
    end = src.index("})", start)
    return {k: x for k, x in _FIELD.findall(src[start:end])}


def _render(root: Path, key: str, v: Values) -> Mail:
    js, tpl, kind, cls = _MAILS[key]
    host = f"https://wiki.{v.domain}"
    title = f"{v.brand} Wiki"
    token = v.token(40, "abcdefghijklmnopqrstuvwxyz0123456789")
    env = {
        "WIKI.config.title": title,
        "WIKI.config.host": host,
        "resetToken": token,
        "verificationToken": token,
    }

    def js_string(lit: str) -> str:
        return _INTERP.sub(lambda m: env[m.group(1).strip()], lit[1:-1].replace("\\'", "'"))

    fields = {
        k: js_string(x) for k, x in _call((root / js).read_text(encoding="utf-8"), key).items()
    }
    data = {
        "logo": f"{host}/_assets/svg/logo-wikijs.svg",
        "siteTitle": title,
        "copyright": "Powered by Wiki.js",
        **{
            k: fields[k]
            for k in ("preheadertext", "title", "content", "buttonLink", "buttonText")
            if k in fields
        },
    }
    body = _LODASH.sub(
        lambda m: (
            html_mod.escape(data[m.group(1)], quote=False)
            if m.group(1) != "buttonLink"
            else data[m.group(1)]
        ),
        (root / f"server/templates/{tpl}").read_text(encoding="utf-8"),
    )
    return Mail(
        template=key,
        language="en",
        kind=kind,
        cls=cls,
        subject=f"{fields['subject']} - {title}",
        sender=f'"{title}" <wiki@{v.domain}>',
        text=fields["text"] + "\n",
        html=body,
        link=data.get("buttonLink") if kind != "none" else None,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for key, (_, _, kind, _) in _MAILS.items():
        for i in range(5 if kind != "none" else 3):
            yield f"{key}-{i}", "en", partial(_render, root, key)
