"""The ``otpbridge`` command line: one module per command, each with ``register(subparsers)``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["main"]

#: Command modules under ``bridge.cli``; each defines ``register(subparsers) -> None`` and sets
#: ``func`` (``(argparse.Namespace) -> int``) on its parser. Imported lazily by name so that a
#: command's heavy imports only load when it runs... but every module must import cleanly.
_COMMANDS: tuple[str, ...] = (
    "extract_cmd",
    "eval_cmd",
    "bridge_cmd",
    "demo_cmd",
    "status_cmd",
    "doctor_cmd",
    "worker_cmd",
    "inbox_cmd",
    "wait_cmd",
    "totp_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="otpbridge",
        description="Email 2FA for AI agents: inboxes on your mailbox, codes pushed over Redis.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in _COMMANDS:
        module = importlib.import_module(f"bridge.cli.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
