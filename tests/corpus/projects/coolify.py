"""Coolify (Apache-2.0): transactional and server-notification mails, Blade views with
Markdown bodies (``resources/views/emails``); subjects from ``app/Notifications``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from kit import Layout, esc, text_of
from model import Mail, Source
from values import Values

_V = "resources/views/emails/"
Build = Callable[[Values, str], tuple[dict[str, str], str, str | None, str | None]]


def _base(v: Values) -> str:
    return f"https://coolify.{v.domain}"


def _code(v: Values, _: str) -> tuple[dict[str, str], str, str | None, str | None]:
    code = v.digits(6)
    vals = {
        "newEmail": f"{v.first.lower()}@work.example.com",
        "verificationCode": code,
        "expiryMinutes": "10",
    }
    return vals, "Coolify: Verify Your New Email Address", code, None


def _verify(v: Values, _: str) -> tuple[dict[str, str], str, str | None, str | None]:
    link = (
        f"{_base(v)}/email/verify/{v.rng.randrange(1, 900)}/{v.hex(64)}"
        f"?expires={v.rng.randrange(1_770_000_000, 1_790_000_000)}&signature={v.hex(64)}"
    )
    return {"url": link}, "Coolify: Verify your email.", None, link


def _reset(v: Values, _: str) -> tuple[dict[str, str], str, str | None, str | None]:
    link = f"{_base(v)}/reset-password/{v.hex(64)}?email={v.email}"
    return {"url": link, "count": "60"}, "Coolify: Reset Password", None, link


def _invite(v: Values, _: str) -> tuple[dict[str, str], str, str | None, str | None]:
    link = f"{_base(v)}/invitations/{v.uuid()}"
    team = f"{v.brand} Platform"
    return {"team": team, "invitation_link": link}, f"Coolify: Invitation for {team}", None, link


def _server(v: Values, name: str) -> tuple[dict[str, str], str, str | None, str | None]:
    server = v.rng.choice(("prod-eu-1", "build-02", "db-primary"))
    vals = {
        "name": server,
        "disk_usage": str(v.rng.randrange(81, 99)),
        "threshold": "80",
        "tokenName": "ci-deploy",
        "expiresAt": v.when("%Y-%m-%d %H:%M"),
        "manageUrl": f"{_base(v)}/security/api-tokens",
        "text": "Freed 3.2 GB",
        "output": "exit code 137 (OOM)",
        "task->name": "nightly-export",
        "url": f"{_base(v)}/project/{v.b58(24).lower()}/tasks",
    }
    subject = {
        "server-lost-connection": f"Coolify: Your server ({server}) is unreachable.",
        "high-disk-usage": f"Coolify: Server ({server}) high disk usage detected!",
        "api-token-expiring": "Coolify: API token 'ci-deploy' expires in 24 hours",
        "docker-cleanup-success": f"Coolify: Docker cleanup job succeeded on {server}",
        "scheduled-task-failed": (
            "Coolify: [ACTION REQUIRED] Scheduled task (nightly-export) failed."
        ),
        "test": "Coolify: Test Email",
    }[name]
    return vals, subject, None, None


_MAILS: dict[str, tuple[str, str, Build]] = {  # view -> (kind, class, builder)
    "email-change-verification": ("otp", "otp_confirm_email", _code),
    "email-verification": ("confirm_link", "confirm_email", _verify),
    "reset-password": ("reset_link", "reset_password", _reset),
    "invitation-link": ("confirm_link", "invite_accept", _invite),
    "server-lost-connection": ("none", "notification", _server),
    "high-disk-usage": ("none", "notification", _server),
    "api-token-expiring": ("none", "security_notice", _server),
    "docker-cleanup-success": ("none", "notification", _server),
    "scheduled-task-failed": ("none", "notification", _server),
    "test": ("none", "smtp_test", _server),
}
SOURCE = Source(
    project="coolify",
    repo="coollabsio/coolify",
    commit="379abb252621f34b318190bd49b614aed9818716",
    licence="Apache-2.0",
    files=tuple(f"{_V}{n}.blade.php" for n in _MAILS),
)
_BLADE = re.compile(r"\{\{\s*(?:\$([\w>-]+)|config\('app\.name'\))\s*\}\}")
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def _render(root: Path, name: str, v: Values) -> Mail:
    kind, cls, build = _MAILS[name]
    vals, subject, code, link = build(v, name)
    src = (root / f"{_V}{name}.blade.php").read_text(encoding="utf-8")
    src = re.sub(r"</?x-emails\.layout>", "", src)
    body = _BLADE.sub(lambda m: esc(vals[m.group(1)]) if m.group(1) else "Coolify", src)
    body = _MD_LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', body)
    lay = Layout("Coolify", "#6b16ed")
    for para in body.strip().split("\n\n"):
        lay.p(para.strip())
    html = lay.html("Thank you,<br>Coolify")
    return Mail(
        template=name,
        language="en",
        kind=kind,
        cls=cls,
        subject=subject,
        sender=f"Coolify <hi@{_base(v)[8:]}>",
        html=html,
        text=text_of(html),
        code=code,
        code_display=code,
        link=link,
    )


def jobs(root: Path) -> Iterator[tuple[str, str, object]]:
    for name, (kind, _, _) in _MAILS.items():
        for i in range(3 if kind != "none" else 2):
            yield f"{name}-{i}", "en", partial(_render, root, name)
