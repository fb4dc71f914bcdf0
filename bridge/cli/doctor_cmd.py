"""``otpbridge doctor [--config F] [--send-test [--smtp HOST:PORT]] [--json]``: checks the
configured mailbox(es), Redis and the workers, and says how to fix what is wrong.

``otpbridge doctor --agent [--json]`` checks only what an agent needs, from the agent's side
(``OTPBRIDGE_REDIS_URL`` and nothing of the bridge's): Redis, a fresh bridge heartbeat, the
address template."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from otpbridge.bridge.diagnose.imap_checks import check_mailbox
from otpbridge.bridge.diagnose.redis_checks import check_agent, check_redis
from otpbridge.bridge.diagnose.result import Check, fail
from otpbridge.bridge.errors import ConfigError
from otpbridge.bridge.settings import load_settings
from otpbridge.worker.errors import WorkerConfigError
from otpbridge.worker.settings import WorkerSettings

__all__ = ["diagnose", "register"]

_MARK = {"ok": "[green]✓[/]", "warn": "[yellow]![/]", "fail": "[red]✗[/]", "skip": "[dim]-[/]"}


def register(sub: Any) -> None:
    p = sub.add_parser("doctor", help="check IMAP, plus-addressing, Redis and workers; say the fix")
    p.add_argument("--config", type=Path, help="the TOML file `otpbridge bridge` uses, if any")
    p.add_argument(
        "--send-test",
        action="store_true",
        help="send a test mail to a random plus-address and look for it in the mailbox",
    )
    p.add_argument(
        "--smtp",
        metavar="HOST:PORT",
        default=os.environ.get("OTPBRIDGE_DOCTOR_SMTP") or None,
        help="SMTP server for --send-test (env OTPBRIDGE_DOCTOR_SMTP)",
    )
    p.add_argument("--json", action="store_true", help="JSON Lines, one check per line")
    p.add_argument(
        "--agent",
        action="store_true",
        help="only what an agent needs: Redis, a fresh bridge heartbeat, the address template",
    )
    p.set_defaults(func=run)


def diagnose_agent() -> list[Check]:
    """The agent-side checks; needs only OTPBRIDGE_REDIS_URL (or its _FILE, or Sentinel)."""
    try:
        settings = WorkerSettings.from_env()
    except WorkerConfigError as exc:
        return [fail("settings", str(exc), "set OTPBRIDGE_REDIS_URL as the agent has it")]
    configured = os.environ.get("OTPBRIDGE_ADDRESS", "").strip() or None
    found = check_agent(
        settings.redis_url, settings.redis_url_redacted, settings.prefix, configured
    )
    return [c.scoped("agent") for c in found]


def diagnose(config: Path | None, *, send_test: bool, smtp: str | None) -> list[Check]:
    try:
        settings = load_settings(config=config)
    except ConfigError as exc:
        return [fail("settings", str(exc), "see the README's table of OTPBRIDGE_* variables")]
    checks: list[Check] = []
    for mb in settings.mailboxes:
        scope = f"{mb.name} ({mb.host}:{mb.port})"
        found = check_mailbox(settings, mb, smtp=smtp, send_test=send_test)
        checks.extend(c.scoped(scope) for c in found)
    checks.extend(
        c.scoped("redis")
        for c in check_redis(settings.redis_url.reveal(), settings.redis_url_redacted)
    )
    return checks


def _render(checks: list[Check], console: Console) -> None:
    table = Table(show_lines=False)
    for col in ("", "scope", "check", "result", "fix"):
        table.add_column(col, overflow="fold")
    for c in checks:
        table.add_row(_MARK[c.status], c.scope, c.name, c.detail, c.fix)
    console.print(table)
    failed = sum(c.status == "fail" for c in checks)
    warned = sum(c.status == "warn" for c in checks)
    if failed:
        console.print(f"[bold red]{failed} problem(s)[/], {warned} warning(s)")
    else:
        console.print(f"[bold green]all good[/] ({warned} warning(s))")


def run(args: argparse.Namespace) -> int:
    if args.agent:
        checks = diagnose_agent()
    else:
        checks = diagnose(args.config, send_test=args.send_test, smtp=args.smtp)
    if args.json:
        for c in checks:
            print(json.dumps(c.to_dict(), sort_keys=True))
    else:
        _render(checks, Console(highlight=False))
    return 1 if any(c.status == "fail" for c in checks) else 0
