"""``otpbridge totp SECRET``: the current authenticator-app code for a secret or otpauth URI."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from otpbridge.bridge.errors import ConfigError
from otpbridge.bridge.totp import totp

__all__ = ["register"]


def register(sub: Any) -> None:
    p = sub.add_parser("totp", help="print the current TOTP code for a secret or otpauth:// URI")
    p.add_argument("secret", metavar="SECRET", help="base32 secret or otpauth://totp/... URI")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        print(totp(args.secret), flush=True)
    except ConfigError as exc:
        print(f"otpbridge totp: {exc}", file=sys.stderr)
        return 2
    return 0
