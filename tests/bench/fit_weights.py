#!/usr/bin/env python3
"""Fit the code features' weights (extract/codes/features.py) by logistic regression.

    python tests/bench/fit_weights.py TRAIN_DIR [TRAIN_DIR…] [--golden] [--out FILE]
                                      [--eval DIR…]

TRAIN_DIR is a labelled corpus (DESIGN §7: ``emails/`` + ``truth.jsonl``), e.g. the train
split of ``tests/corpus/generate.py`` rendered into /tmp (rows whose ``split`` is ``test``
are skipped, always). ``--golden`` adds tests/golden. The unit of training is a candidate:
every code-shaped token the scorer reads (after the whole-mail judgements), labelled by
whether it is the mail's code. The fit is plain batch gradient descent with L2 (no numpy),
deterministic; weights are written on the evidence scale of features.py
(``weight = v / SCALE``, the intercept folded into the one-hot shape features, since every
token has exactly one). ``--eval`` scores hand-set and fitted tables side by side.

Then it calibrates ``confidence`` (extract/calibration.py): Platt scaling, one ``(a, b)`` for
code verdicts and one for link verdicts, fitted on the same train mails' verdicts (right or
not) with the weights in use, and writes ``extract/calibration.json`` (``--calibration``).
The slope is kept ≥ 0.1 so that more evidence never means less confidence.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from otpbridge.extract import extract_document, extract_message, parse_document
from otpbridge.extract.codes import features
from otpbridge.extract.codes.otp import rank_codes
from otpbridge.extract.links.features import PRIMARY_MIN_SCORE
from otpbridge.extract.scoring import score_row

__all__ = ["fit", "main", "rows"]

REPO = Path(__file__).resolve().parents[2]
#: Not fitted: the origin-bound line is a machine-readable statement, read before scoring.
FIXED = frozenset({"origin_bound"})
L2 = 0.001
STEPS = 3000
RATE = 2.0
CALIBRATION_STEPS = 3000
MIN_SLOPE = 0.1


def _norm(code: object) -> str:
    return "".join(str(code).replace("-", " ").split()).lower()


def _path(directory: Path, name: str) -> Path:
    inside = directory / "emails" / name
    return inside if inside.exists() else directory / name


def _mails(directory: Path) -> Iterator[tuple[bytes, dict[str, Any]]]:
    for line in (directory / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("split") == "test":
            continue  # the frozen test split is never read for fitting
        yield _path(directory, row["file"]).read_bytes(), row


def _golden() -> Iterator[tuple[bytes, dict[str, Any]]]:
    for eml in sorted((REPO / "tests" / "golden").glob("*.eml")):
        yield eml.read_bytes(), json.loads(eml.with_suffix(".json").read_text(encoding="utf-8"))


def rows(mails: Iterator[tuple[bytes, dict[str, Any]]]) -> list[tuple[dict[str, float], int]]:
    """(features, label) of every candidate of every mail."""
    out: list[tuple[dict[str, float], int]] = []
    for raw, truth in mails:
        # "otp" and "otp+link" rows name the code; every other kind has none.
        want = _norm(truth["code"]) if truth.get("code") else ""
        for s in rank_codes(parse_document(raw)):
            if FIXED & s.features.keys():
                continue
            label = int(bool(want) and _norm(s.display or s.value) in (want, _norm(s.value)))
            out.append((dict(s.features), label))
    return out


def fit(
    data: list[tuple[dict[str, float], int]], *, prior: bool = True, l2: float = L2
) -> dict[str, float]:
    """Logistic regression weights (logit scale) and ``__bias__``.

    With ``prior`` the L2 penalty pulls toward the hand-set table (on the logit scale: the
    hand-set evidence ``Σ w·x`` has logit ``SCALE · (Σ w·x − THRESHOLD)``), so a feature the
    train split barely shows keeps its hand-set weight instead of dropping to zero: a MAP fit
    whose prior is the hand-set table and whose strength ``l2`` is chosen by ``--cv``.
    Identical candidates are folded into one weighted row (the fit is exact, and fast).
    """
    names = sorted({n for f, _ in data for n in f} - FIXED)
    index = {k: i for i, k in enumerate(names)}
    scale = features.SCALE
    start = [scale * features.FEATURES[k].prior if prior else 0.0 for k in names]
    folded: dict[tuple[tuple[int, float], ...], list[int]] = {}
    for f, y in data:
        key = tuple(sorted((index[k], v) for k, v in f.items() if k in index))
        folded.setdefault(key, [0, 0])[y] += 1
    rows_ = [(key, neg + pos, pos) for key, (neg, pos) in folded.items()]
    w = list(start)
    # The intercept has its prior too: a free one would move the threshold, which the
    # hand-set table fixes at 0.5 (its weights and the threshold are one design).
    bias0 = bias = -scale * features.THRESHOLD if prior else 0.0
    n = len(data)
    for _ in range(STEPS):
        grad = [0.0] * len(names)
        gb = 0.0
        for key, count, pos in rows_:
            z = bias + sum(w[i] * v for i, v in key)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            err = count * p - pos
            gb += err
            for i, v in key:
                grad[i] += err * v
        # Proximal L2 steps: stable for any prior strength (a plain step diverges once
        # RATE·l2 > 2).
        for i in range(len(names)):
            w[i] = (w[i] - RATE * grad[i] / n + RATE * l2 * start[i]) / (1 + RATE * l2)
        bias = (bias - RATE * gb / n + RATE * l2 * bias0) / (1 + RATE * l2)
    out = dict(zip(names, w, strict=True))
    out["__bias__"] = bias
    return out


def to_table(logit: dict[str, float], *, prior: bool = True) -> dict[str, float]:
    """Logit-scale weights to evidence-scale weights of features.py (the threshold 0.5 at
    logit 0; the intercept folded into every shape feature). A feature the train rows never
    show keeps its hand-set weight (with ``prior``) or gets 0."""
    scale = features.SCALE
    bias = logit["__bias__"]
    table = {}
    for name in features.FEATURES:
        if name in FIXED:
            continue
        unseen = scale * features.FEATURES[name].prior if prior else 0.0
        v = logit.get(name, unseen) + (bias if name.startswith("shape_") else 0.0)
        table[name] = round(v / scale + (features.THRESHOLD if name.startswith("shape_") else 0), 4)
    return table


def verdicts(mails: list[tuple[bytes, dict[str, Any]]]) -> dict[str, list[tuple[float, int]]]:
    """(logit, right) of every code and link verdict of ``mails``."""
    out: dict[str, list[tuple[float, int]]] = {"code": [], "link": []}
    for raw, truth in mails:
        doc = parse_document(raw)
        result = extract_document(doc)
        if result.kind == "none":
            continue
        score = score_row(result.to_dict(), {"kind": truth.get("kind"), **truth})
        if result.kind == "otp":
            evidence = rank_codes(doc)[0].score
            z = features.SCALE * (evidence - features.THRESHOLD)
            out["code"].append((z, int(score.code_ok is True)))
        else:
            chosen = next(c for c in result.links if c.url == result.link)
            z = features.SCALE * (chosen.score - PRIMARY_MIN_SCORE)
            out["link"].append((z, int(score.link_ok is True)))
    return out


def platt(data: list[tuple[float, int]]) -> tuple[float, float]:
    """Platt scaling ``σ(a·z + b)`` by gradient descent; the slope kept ≥ ``MIN_SLOPE``."""
    a, b = 1.0, 0.0
    for _ in range(CALIBRATION_STEPS):
        ga = gb = 0.0
        for z, y in data:
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, a * z + b))))
            ga += (p - y) * z
            gb += p - y
        a = max(MIN_SLOPE, a - 0.5 * ga / len(data))
        b -= 0.5 * gb / len(data)
    return round(a, 4), round(b, 4)


def _evaluate(directory: Path) -> dict[str, float]:
    n = codes = codes_ok = false = 0
    for line in (directory / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        truth = json.loads(line)
        if truth.get("split") == "train":
            continue  # a rendered corpus is scored on its frozen test split only
        result = extract_message(_path(directory, truth["file"]).read_bytes()).to_dict()
        score = score_row(result, truth)
        n += 1
        if score.code_ok is not None:
            codes += 1
            codes_ok += score.code_ok
        wrong_code = bool(result.get("code")) and not truth.get("code")
        false += (
            bool(score.false_positive)
            or wrong_code
            or (score.code_ok is False and bool(result.get("code")))
        )
    return {"mails": n, "codes": codes, "codes_right": codes_ok / max(1, codes), "false": false / n}


def _use(table: dict[str, float]) -> None:
    for name, value in table.items():
        features.FEATURES[name] = replace(features.FEATURES[name], weight=value)


def _folds(mails: list[tuple[bytes, dict[str, Any]]], k: int) -> list[set[str]]:
    """Train projects dealt into ``k`` folds by name (deterministic)."""
    projects = sorted({str(t["project"]) for _, t in mails if t.get("project")})
    return [set(projects[i::k]) for i in range(k)]


def _code_errors(mails: list[tuple[bytes, dict[str, Any]]]) -> tuple[int, int, int]:
    """(codes, codes missed or wrong, false codes) of ``mails`` with the weights in use."""
    codes = wrong = false = 0
    for raw, truth in mails:
        got = extract_message(raw).code
        want = truth.get("code")
        if want:
            codes += 1
            wrong += got is None or _norm(got) != _norm(want)
        elif got is not None:
            false += 1
    return codes, wrong, false


def cross_validate(
    mails: list[tuple[bytes, dict[str, Any]]], strengths: list[float], k: int
) -> dict[float, tuple[int, int, int]]:
    """Leave-projects-out: for each L2 strength, fit on k−1 folds of projects (+ goldens),
    score the code verdicts of the held-out fold's mails; summed over the folds."""
    held_out = [m for m in mails if m[1].get("project")]
    always = [m for m in mails if not m[1].get("project")]  # goldens: train only
    before = {n: f.weight for n, f in features.FEATURES.items()}
    out: dict[float, tuple[int, int, int]] = {}
    for l2 in strengths:
        total = [0, 0, 0]
        for fold in _folds(held_out, k):
            train = always + [m for m in held_out if m[1]["project"] not in fold]
            _use(to_table(fit(rows(iter(train)), l2=l2)))
            scores = _code_errors([m for m in held_out if m[1]["project"] in fold])
            total = [a + b for a, b in zip(total, scores, strict=True)]
            _use(before)
        out[l2] = (total[0], total[1], total[2])
        print(f"l2 {l2}: codes {total[0]}, missed or wrong {total[1]}, false {total[2]}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("train", type=Path, nargs="*")
    ap.add_argument("--golden", action="store_true")
    ap.add_argument("--no-prior", action="store_true", help="L2 toward zero, not hand-set")
    ap.add_argument("--l2", type=float, default=L2, help=f"prior strength (default {L2})")
    ap.add_argument(
        "--cv",
        type=float,
        nargs="*",
        metavar="L2",
        help="choose the prior strength among these by leave-projects-out cross-validation",
    )
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--out", type=Path, default=REPO / "extract" / "codes" / "fitted.json")
    ap.add_argument("--eval", type=Path, nargs="*", default=[])
    ap.add_argument("--calibration", type=Path, default=REPO / "extract" / "calibration.json")
    args = ap.parse_args(argv)
    mails = [m for d in args.train for m in _mails(d)] + (list(_golden()) if args.golden else [])
    cv = cross_validate(mails, args.cv, args.folds) if args.cv else {}
    # Fewest code errors (missed, wrong or false) held out; a tie goes to the stronger prior.
    l2 = min(cv, key=lambda s: (cv[s][1] + cv[s][2], -s)) if cv else args.l2
    data = rows(iter(mails))
    table = to_table(fit(data, prior=not args.no_prior, l2=l2), prior=not args.no_prior)
    positives = sum(y for _, y in data)
    doc = {
        "_comment": "Written by tests/bench/fit_weights.py; evidence-scale weights of "
        "extract/codes/features.py.",
        "train": [str(d) for d in args.train] + (["tests/golden"] if args.golden else []),
        "mails": len(mails),
        # The corpus projects read (tests/corpus/generate.py --only …), to refit the same.
        "projects": sorted({str(t["project"]) for _, t in mails if t.get("project")}),
        "candidates": len(data),
        "positives": positives,
        "l2": l2,
        "cv": {
            str(s): dict(zip(("codes", "missed_or_wrong", "false"), v, strict=True))
            for s, v in cv.items()
        },
        "steps": STEPS,
        "weights": table,
    }
    args.out.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(mails)} mails, {len(data)} candidates ({positives} codes) -> {args.out}")
    in_use = {n: f.weight for n, f in features.FEATURES.items()}
    _use(table)  # calibrate the verdicts of the table just fitted
    found = verdicts(mails)
    calibration = {
        kind: dict(
            zip(("a", "b"), platt(data), strict=True),
            verdicts=len(data),
            right=sum(y for _, y in data),
        )
        for kind, data in found.items()
    }
    args.calibration.write_text(json.dumps(calibration, indent=1, sort_keys=True) + "\n")
    print(f"calibration {calibration} -> {args.calibration}")
    hand = {n: f.prior for n, f in features.FEATURES.items() if n not in FIXED}
    for d in args.eval:
        _use(hand)
        before = _evaluate(d)
        _use(table)
        after = _evaluate(d)
        _use(in_use)
        print(f"{d}: hand-set {before}  fitted {after}")
    _use(in_use)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
