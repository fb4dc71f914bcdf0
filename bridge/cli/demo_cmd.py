"""``otpbridge demo [--once] [--imap auto|dovecot|pymap]``: the README's first command."""

from __future__ import annotations

import argparse
import os
import signal
from typing import Any

from rich.console import Console
from rich.markup import escape

# Loaded with the command (lazily, by bridge.cli): a missing demo extra is reported at once.
from otpbridge.bridge.demo.session import run_sample, show_sample, watch_inbox
from otpbridge.bridge.demo.stack import start_stack
from otpbridge.bridge.errors import BridgeError
from otpbridge.bridge.sdk import Client

__all__ = ["register"]


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="embedded Redis + IMAP + SMTP + bridge + worker; shows an agent receiving a code",
    )
    p.add_argument("--once", action="store_true", help="exit after the sample mail")
    p.add_argument(
        "--imap",
        choices=("auto", "dovecot", "pymap"),
        default=os.environ.get("OTPBRIDGE_DEMO_IMAP", "auto"),
        help="IMAP server: Dovecot when installed, else pymap (env OTPBRIDGE_DEMO_IMAP)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False)
    # SIGTERM stops the demo exactly like Ctrl-C does.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    stack = None
    try:
        with console.status("starting the demo mail stack…"):
            stack = start_stack(
                args.imap, on_step=lambda msg: console.print(f"  [green]✓[/] {msg}")
            )
        client = Client.from_url(stack.redis_url, address=stack.address)
        try:
            result = run_sample(stack, client, console)
            show_sample(result, console)
            if args.once or not result.ok:
                return 0 if result.ok else 1
            watch_inbox(stack, result.inbox_id, result.inbox_email, console)
        finally:
            client.close()
    except KeyboardInterrupt:
        console.print("\nstopping…")
        return 0
    except (BridgeError, ModuleNotFoundError) as exc:
        # escape(): a hint such as pip install 'otpbridge[demo]' is not rich markup.
        console.print(f"[bold red]otpbridge demo:[/] {escape(str(exc))}")
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
        if stack is not None:
            # A second Ctrl-C must not leave servers behind half-stopped.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                stack.stop()
            finally:
                signal.signal(signal.SIGINT, signal.default_int_handler)
            console.print("demo stopped; every process it started is gone.")
    return 0
