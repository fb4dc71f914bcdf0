"""Flagsmith (BSD-3-Clause): the organisation invitation, e-mail-changed, API-usage and
webhook-failure mails from its Django plain-text templates, with the subjects its code sets
(``app/settings/common.py``, ``users/tasks.py``, ``organisations/task_helpers.py``,
``webhooks/webhooks.py``) copied at the pinned commit."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path

from model import Mail, Source
from values import Values

_A = "api/"
# template -> (kind, class, subject)
_MAILS = {
    "users/templates/users/invite_to_org.txt": (
        "confirm_link",
        "invite_accept",
        "%s has invited you to join the organisation '%s' on Flagsmith",
    ),
    "users/templates/users/email_updated.txt": (
        "none",
        "email_changed",
        "Your Flagsmith email address has been changed",
    ),
    "organisations/templates/organisations/api_usage_notification.txt": (
        "none",
        "notification",
        "Flagsmith API use has reached {matched_threshold}%",
    ),
    "features/templates/features/webhook_failure.txt": (
        "none",
        "notification",
        "Flagsmith Webhook Failure",
    ),
}
SOURCE = Source(
    project="flagsmith",
    repo="Flagsmith/flagsmith",
    commit="1ad8487ba7aabedd3cdfbcf3e7d772784d3e1aae",
    licence="BSD-3-Clause",
    files=tuple(_A + t for t in _MAILS),
)
_NO_IF = r"((?:(?!\{%\s*if ).)*?)"  # innermost block first: a body holding no further if
_IF = re.compile(
    rf"\{{%\s*if ([\w.]+)\s*%\}}{_NO_IF}(?:\{{%\s*else\s*%\}}{_NO_IF})?\{{%\s*endif\s*%\}}",
    re.S,
)
_VAR = re.compile(r"\{\{\s*([\w.]+)\s*(?:\|[^}]*)?\}\}")


def _django(src: str, ctx: Mapping[str, str]) -> str:
    while True:
        new = _IF.sub(lambda m: m.group(2) if ctx.get(m.group(1)) else (m.group(3) or ""), src)
        if new == src:
            break
        src = new
    return _VAR.sub(lambda m: ctx[m.group(1)], src)


def _render(root: Path, tpl: str, v: Values) -> Mail:
    kind, cls, subject = _MAILS[tpl]
    base = f"https://flags.{v.domain}"
    org = f"{v.brand} Engineering"
    link = f"{base}/invite/{v.hex(32)}" if kind != "none" else None
    threshold = v.rng.choice(("75", "90", "100"))
    data = {
        "event_type": "FLAG_UPDATED",
        "data": {
            "changed_by": v.email,
            "new_state": {"enabled": True, "feature": {"id": v.rng.randrange(100, 9999)}},
        },
    }
    ctx = {
        "org_name": org,
        "invite_url": link or "",
        "first_name": v.first,
        "organisation.name": org,
        "organisation.id": str(v.rng.randrange(1000, 99999)),
        "organisation.is_paid": "1" if v.rng.random() < 0.5 else "",
        "matched_threshold": threshold,
        "grace_period": "1",
        "usage_url": f"{base}/organisation/{v.digits(5)}/usage",
        "environment_name": v.rng.choice(("Production", "Staging")),
        "project_name": v.rng.choice(("Mobile App", "Checkout")),
        "status_code": v.rng.choice(("500", "502", "404")),
        "webhook_url": f"https://hooks.{v.domain}/flagsmith",
        "data": json.dumps(data, indent=4),
    }
    if "%s" in subject:
        subject = subject.replace("%s", v.other_name(), 1).replace("%s", org, 1)
    subject = subject.replace("{matched_threshold}", threshold)
    body = _django((root / (_A + tpl)).read_text(encoding="utf-8"), ctx)
    return Mail(
        template=tpl.rsplit("/", 1)[-1],
        language="en",
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"Flagsmith <noreply@{v.domain}>",
        text=body.strip() + "\n",
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for n, tpl in enumerate(_MAILS):
        for i in range(4):
            yield f"{n}-{i}", "en", partial(_render, root, tpl)
