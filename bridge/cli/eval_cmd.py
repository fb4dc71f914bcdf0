"""``otpbridge eval DIR``: score the extractor on a corpus (DESIGN.md §7).

``DIR`` holds ``truth.jsonl`` (with the mails beside it or in ``emails/``), or golden pairs:
``NAME.eml`` beside ``NAME.json`` with the expected ``kind``/``code``/``link`` (``tests/golden``).

Prints a per-kind and a per-language table, the misses, and as the very last line
``code_acc=… link_acc=… false_pos=… n=…`` (machine-readable; CI greps it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from otpbridge.extract import extract_message
from otpbridge.extract.scoring import Score, score_row

__all__ = ["register"]


def register(sub: Any) -> None:
    p = sub.add_parser("eval", help="score the extractor on a corpus dir (emails/ + truth.jsonl)")
    p.add_argument("dir", type=Path, metavar="DIR")
    p.add_argument("--quiet", action="store_true", help="only the tables and the last line")
    p.set_defaults(func=run)


@dataclass(slots=True)
class _Tally:
    n: int = 0
    code_ok: int = 0
    code_n: int = 0
    link_ok: int = 0
    link_n: int = 0
    fp: int = 0
    none_n: int = 0

    def add(self, s: Score) -> None:
        self.n += 1
        if s.code_ok is not None:
            self.code_n += 1
            self.code_ok += s.code_ok
        if s.link_ok is not None:
            self.link_n += 1
            self.link_ok += s.link_ok
        if s.false_positive is not None:
            self.none_n += 1
            self.fp += s.false_positive


def _ratio(ok: int, n: int) -> str:
    return f"{ok / n:.3f}" if n else "-"


def _table(title: str, groups: dict[str, _Tally]) -> None:
    print(f"{title:<14}{'n':>5}{'code':>8}{'link':>8}{'false+':>8}")
    for name in sorted(groups):
        t = groups[name]
        print(
            f"{name:<14}{t.n:>5}{_ratio(t.code_ok, t.code_n):>8}"
            f"{_ratio(t.link_ok, t.link_n):>8}{_ratio(t.fp, t.none_n):>8}"
        )
    print()


def _load_truth(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or "file" not in row:
            raise ValueError(f"{path}:{number}: a truth row needs a 'file'")
        rows.append(row)
    return rows


def _load_pairs(root: Path) -> list[dict[str, Any]]:
    """Truth rows from golden pairs (``x.eml`` + ``x.json``)."""
    rows = []
    for expected in sorted(root.glob("*.json")):
        mail = expected.with_suffix(".eml")
        if not mail.exists():
            continue
        try:
            row = json.loads(expected.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{expected}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise ValueError(f"{expected}: expected a JSON object")
        rows.append({**row, "file": mail.name})
    if not rows:
        raise ValueError(f"{root}: no truth.jsonl and no NAME.eml + NAME.json pairs")
    return rows


def run(args: argparse.Namespace) -> int:
    root: Path = args.dir
    try:
        truth = root / "truth.jsonl"
        rows = _load_truth(truth) if truth.exists() else _load_pairs(root)
    except (OSError, ValueError) as exc:
        print(f"otpbridge eval: {exc}", file=sys.stderr)
        return 2
    total = _Tally()
    by_kind: dict[str, _Tally] = defaultdict(_Tally)
    by_lang: dict[str, _Tally] = defaultdict(_Tally)
    misses: list[str] = []
    for row in rows:
        path = root / row["file"]
        if not path.exists():
            path = root / "emails" / row["file"]
        try:
            raw = path.read_bytes()
        except OSError as exc:
            print(f"otpbridge eval: {path}: {exc.strerror}", file=sys.stderr)
            return 2
        result = extract_message(raw).to_dict()
        score = score_row(result, row)
        for tally in (total, by_kind[str(row.get("kind"))], by_lang[str(row.get("language"))]):
            tally.add(score)
        if score.code_ok is False or score.link_ok is False or score.false_positive:
            misses.append(
                f"MISS {row['file']} kind={row.get('kind')} got kind={result['kind']}"
                f" code_ok={score.code_ok} link_ok={score.link_ok} fp={score.false_positive}"
            )
    _table("kind", by_kind)
    _table("language", by_lang)
    if not args.quiet:
        for line in misses:
            print(line)
    print(
        f"code_acc={_ratio(total.code_ok, total.code_n)} "
        f"link_acc={_ratio(total.link_ok, total.link_n)} "
        f"false_pos={_ratio(total.fp, total.none_n)} n={total.n}"
    )
    return 0
