"""``otpbridge extract FILE.eml… [--json | --explain]``: offline extraction, JSON Lines in
argument order; ``--explain`` prints the evidence behind each verdict for people instead."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from otpbridge.extract import extract_message
from otpbridge.extract.explain import explain_message

__all__ = ["register"]


def register(sub: Any) -> None:
    p = sub.add_parser("extract", help="extract the code/link from .eml files (JSON Lines)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE.eml")
    p.add_argument("--json", action="store_true", help="JSON Lines (the default output)")
    p.add_argument(
        "--explain",
        action="store_true",
        help="print the verdict and every code and link candidate, also the rejected ones, "
        "with its score, features and text span (slower; for people, not for parsing)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    status = 0
    for path in args.files:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            print(f"otpbridge extract: {path}: {exc.strerror}", file=sys.stderr)
            status = 2
            continue
        if args.explain:
            print(f"== {path}\n{explain_message(raw)}", flush=True)
        else:
            print(extract_message(raw).to_json(file=str(path)), flush=True)
    return status
