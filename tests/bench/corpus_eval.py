#!/usr/bin/env python3
"""Score the extractor on a rendered corpus (tests/corpus/generate.py) per language and per class.

    python tests/bench/corpus_eval.py DIR [--misses]

Prints Markdown tables: codes right, links right, false code/link (share of all mail: a
returned code or link that is not the truth, or any code/link on a ``none`` mail) and the
``none`` mails' false-positive share, per split, language, class and kind. ``otpbridge eval``
gives the headline; this adds the per-class view RESULTS.md reports.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from otpbridge.extract import extract_message
from otpbridge.extract.scoring import score_row

__all__ = ["main"]


@dataclass(slots=True)
class Tally:
    n: int = 0
    code_ok: int = 0
    code_n: int = 0
    link_ok: int = 0
    link_n: int = 0
    wrong: int = 0  # a returned code/link that is not the truth
    none_n: int = 0
    none_fp: int = 0

    def add(self, got: dict[str, Any], row: dict[str, Any]) -> None:
        s = score_row(got, row)
        self.n += 1
        if s.code_ok is not None:
            self.code_n += 1
            self.code_ok += s.code_ok
            self.wrong += bool(got.get("code")) and not s.code_ok
        if s.link_ok is not None:
            self.link_n += 1
            self.link_ok += s.link_ok
            self.wrong += bool(got.get("link")) and not s.link_ok
        if s.false_positive is not None:
            self.none_n += 1
            self.none_fp += s.false_positive
            self.wrong += s.false_positive


def _r(ok: int, n: int) -> str:
    return f"{ok / n:.3f}" if n else "–"


def _table(title: str, groups: dict[str, Tally]) -> str:
    lines = [
        f"| {title} | n | codes right | links right | false code/link (all mail) | none: false+ |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in sorted(groups):
        t = groups[name]
        lines.append(
            f"| {name} | {t.n} | {_r(t.code_ok, t.code_n)} | {_r(t.link_ok, t.link_n)} | "
            f"{100 * t.wrong / t.n:.1f} % | {_r(t.none_fp, t.none_n)} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--misses", action="store_true", help="list misses grouped by class")
    args = ap.parse_args(argv)
    rows = [
        json.loads(x)
        for x in (args.dir / "truth.jsonl").read_text(encoding="utf-8").splitlines()
        if x
    ]
    views: dict[str, dict[str, Tally]] = {
        k: defaultdict(Tally) for k in ("split", "language", "class", "kind")
    }
    total = Tally()
    misses: Counter[str] = Counter()
    for row in rows:
        got = extract_message((args.dir / "emails" / row["file"]).read_bytes()).to_dict()
        total.add(got, row)
        for view, groups in views.items():
            groups[str(row.get(view))].add(got, row)
        s = score_row(got, row)
        if s.code_ok is False or s.link_ok is False or s.false_positive:
            misses[f"{row['class']}: want {row['kind']}, got {got['kind']}"] += 1
    print(_table("all", {"all": total}))
    for view, groups in views.items():
        print(_table(view, groups))
    if args.misses:
        for line, n in misses.most_common():
            print(f"- {n} × {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
