#!/usr/bin/env python3
"""Fit the code and link features' weights (extract/codes/fitted.json, extract/links/fitted.json).

    python tests/bench/fit_weights.py TRAIN_DIR [TRAIN_DIR…] [--golden] [--cv L2…]
                                      [--l2 X] [--links-l2 X] [--eval DIR…]

TRAIN_DIR is a labelled corpus (DESIGN §7: ``emails/`` + ``truth.jsonl``), e.g. the train
split of ``tests/corpus/generate.py`` rendered into /tmp (rows whose ``split`` is ``test``
are skipped, always). ``--golden`` adds tests/golden. The unit of training is a candidate, a
code-shaped token or a link with a kind, labelled by whether it is the mail's code or link
(tests/bench/fitting.py). Each table is a logistic regression pulled toward its priors, the
hand-set numbers of features.py; ``--cv`` chooses the pull's strength per table by
leave-projects-out cross-validation on the train corpora (five folds of projects, the
goldens always in training): fewest held-out errors (missed, wrong or false), a tie going to
the stronger prior. ``--eval`` scores priors and fitted tables side by side.

Then it calibrates ``confidence`` (extract/calibration.py): Platt scaling, one ``(a, b)`` for
code verdicts and one for link verdicts, fitted on the same train mails' verdicts with the new
weights, and writes ``extract/calibration.json`` (``--calibration``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fitting

from otpbridge.extract import extract_message
from otpbridge.extract.scoring import score_row

__all__ = ["cross_validate", "main"]

REPO = Path(__file__).resolve().parents[2]
L2 = 1.0
Mail = fitting.Mail


def _path(directory: Path, name: str) -> Path:
    inside = directory / "emails" / name
    return inside if inside.exists() else directory / name


def _mails(directory: Path) -> Iterator[Mail]:
    for line in (directory / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("split") == "test":
            continue  # the frozen test split is never read for fitting
        yield _path(directory, row["file"]).read_bytes(), row


def _golden() -> Iterator[Mail]:
    for eml in sorted((REPO / "tests" / "golden").glob("*.eml")):
        yield eml.read_bytes(), json.loads(eml.with_suffix(".json").read_text(encoding="utf-8"))


def _errors(mails: list[Mail]) -> dict[str, list[int]]:
    """Per table: [truths, missed or wrong, false] over ``mails`` with the weights in use."""
    out = {"code": [0, 0, 0], "link": [0, 0, 0]}
    for raw, truth in mails:
        got = extract_message(raw)
        score = score_row(got.to_dict(), truth)
        for table, want, have, ok in (
            ("code", truth.get("code"), got.code, score.code_ok),
            ("link", truth.get("link"), got.link, score.link_ok),
        ):
            if want:
                out[table][0] += 1
                out[table][1] += ok is not True
            elif have:
                out[table][2] += 1
    return out


def _folds(mails: list[Mail], k: int) -> list[set[str]]:
    """Train projects dealt into ``k`` folds by name (deterministic)."""
    projects = sorted({str(t["project"]) for _, t in mails if t.get("project")})
    return [set(projects[i::k]) for i in range(k)]


def cross_validate(
    mails: list[Mail], strengths: list[float], k: int
) -> dict[str, dict[float, list[int]]]:
    """Leave-projects-out: for each L2 strength, fit both tables on k−1 folds of projects
    (+ goldens) and count the held-out fold's errors; summed over the folds."""
    held_out = [m for m in mails if m[1].get("project")]
    always = [m for m in mails if not m[1].get("project")]  # goldens: train only
    before = fitting.in_use()
    out: dict[str, dict[float, list[int]]] = {"code": {}, "link": {}}
    for l2 in strengths:
        total = {"code": [0, 0, 0], "link": [0, 0, 0]}
        for fold in _folds(held_out, k):
            train = always + [m for m in held_out if m[1]["project"] not in fold]
            codes = fitting.code_table(fitting.code_rows(train), l2)
            links = fitting.link_table(fitting.link_rows(train), l2)
            fitting.use(codes, links)
            for table, counts in _errors([m for m in held_out if m[1]["project"] in fold]).items():
                total[table] = [a + b for a, b in zip(total[table], counts, strict=True)]
            fitting.use(*before)
        for table, by_strength in out.items():
            by_strength[l2] = total[table]
            n, wrong, false = total[table]
            print(f"{table}s, l2 {l2}: {n} held out, missed or wrong {wrong}, false {false}")
    return out


def _choose(cv: dict[float, list[int]], default: float) -> float:
    return min(cv, key=lambda s: (cv[s][1] + cv[s][2], -s)) if cv else default


def _evaluate(directory: Path) -> dict[str, float]:
    """Codes and links right, and false code/link as a share of all mail, of a corpus's
    frozen test split (a corpus with no split field: all of it)."""
    n = codes = codes_ok = links = links_ok = false = 0
    for line in (directory / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        truth = json.loads(line)
        if truth.get("split") == "train":
            continue
        result = extract_message(_path(directory, truth["file"]).read_bytes()).to_dict()
        score = score_row(result, truth)
        n += 1
        codes += score.code_ok is not None
        codes_ok += score.code_ok is True
        links += score.link_ok is not None
        links_ok += score.link_ok is True
        wrong_code = bool(result.get("code")) and not truth.get("code")
        false += (
            bool(score.false_positive)
            or wrong_code
            or (score.code_ok is False and bool(result.get("code")))
        )
    return {
        "mails": n,
        "codes_right": round(codes_ok / max(1, codes), 4),
        "links_right": round(links_ok / max(1, links), 4),
        "false": round(false / max(1, n), 4),
    }


def _write(
    path: Path,
    what: str,
    l2: float,
    cv: dict[float, list[int]],
    extra: dict[str, Any],
    table: dict[str, float],
) -> None:
    doc = {
        "_comment": f"Written by tests/bench/fit_weights.py; evidence-scale weights of {what}.",
        **extra,
        "l2": l2,
        "cv": {
            str(s): dict(zip(("held_out", "missed_or_wrong", "false"), v, strict=True))
            for s, v in cv.items()
        },
        "steps": fitting.STEPS,
        "weights": table,
    }
    path.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("train", type=Path, nargs="*")
    ap.add_argument("--golden", action="store_true")
    ap.add_argument("--l2", type=float, default=L2, help=f"codes' prior strength ({L2})")
    ap.add_argument("--links-l2", type=float, default=L2, help=f"links' prior strength ({L2})")
    ap.add_argument(
        "--cv",
        type=float,
        nargs="*",
        metavar="L2",
        help="choose each table's prior strength among these by cross-validation",
    )
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--out", type=Path, default=REPO / "extract" / "codes" / "fitted.json")
    ap.add_argument("--links-out", type=Path, default=REPO / "extract" / "links" / "fitted.json")
    ap.add_argument("--calibration", type=Path, default=REPO / "extract" / "calibration.json")
    ap.add_argument("--eval", type=Path, nargs="*", default=[])
    args = ap.parse_args(argv)
    mails = [m for d in args.train for m in _mails(d)] + (list(_golden()) if args.golden else [])
    cv = cross_validate(mails, args.cv, args.folds) if args.cv else {"code": {}, "link": {}}
    l2, links_l2 = _choose(cv["code"], args.l2), _choose(cv["link"], args.links_l2)
    code_data, link_data = fitting.code_rows(mails), fitting.link_rows(mails)
    codes, links = fitting.code_table(code_data, l2), fitting.link_table(link_data, links_l2)
    about = {
        "train": [str(d) for d in args.train] + (["tests/golden"] if args.golden else []),
        "mails": len(mails),
        # The corpus projects read (tests/corpus/generate.py --only …), to refit the same.
        "projects": sorted({str(t["project"]) for _, t in mails if t.get("project")}),
    }
    for path, what, strength, table, data, rows in (
        (args.out, "extract/codes/features.py", l2, "code", codes, code_data),
        (args.links_out, "extract/links/features.py", links_l2, "link", links, link_data),
    ):
        extra = {**about, "candidates": len(rows), "positives": sum(y for _, y in rows)}
        _write(path, what, strength, cv[table], extra, data)
        print(f"{table}s: l2 {strength}, {len(rows)} candidates -> {path}")
    before = fitting.in_use()
    fitting.use(codes, links)  # calibrate the verdicts of the tables just fitted
    calibration = {
        kind: dict(
            zip(("a", "b"), fitting.platt(data), strict=True),
            verdicts=len(data),
            right=sum(y for _, y in data),
        )
        for kind, data in fitting.verdicts(mails).items()
    }
    args.calibration.write_text(json.dumps(calibration, indent=1, sort_keys=True) + "\n")
    print(f"calibration {calibration} -> {args.calibration}")
    for d in args.eval:
        fitting.use(fitting.priors("code"), fitting.priors("link"))
        prior = _evaluate(d)
        fitting.use(codes, links)
        print(f"{d}: priors {prior}  fitted {_evaluate(d)}")
    fitting.use(*before)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
