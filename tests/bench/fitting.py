"""The pieces of tests/bench/fit_weights.py: candidate rows, the MAP logistic fit, the tables.

Two tables are fitted the same way. A *code* row is a code-shaped token (``rank_codes``),
labelled by whether it is the mail's code; a *link* row is a link candidate that has a kind
(the others are capped or gated by rules, so their weights decide nothing), labelled by
whether it is the mail's link. The fit is logistic regression on the logit scale
``z = SCALE · (Σ w·x − THRESHOLD)`` whose L2 penalty pulls every weight toward its prior (the
hand-set number in features.py): a MAP fit, deterministic, no numpy. For codes the intercept
is fitted too (with its prior) and folded into the one-hot shape features, which every token
has exactly one of; for links the ``base`` feature, which every candidate has, is the
intercept.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from otpbridge.extract import extract_document, parse_document
from otpbridge.extract.codes import features as code_features
from otpbridge.extract.codes.otp import rank_codes
from otpbridge.extract.links import features as link_features
from otpbridge.extract.scoring import score_row

__all__ = [
    "FIXED",
    "Mail",
    "Rows",
    "code_rows",
    "code_table",
    "in_use",
    "link_rows",
    "link_table",
    "norm_code",
    "platt",
    "priors",
    "use",
    "verdicts",
]

Mail = tuple[bytes, dict[str, Any]]
Rows = list[tuple[dict[str, float], int]]

#: Not fitted: the origin-bound line is a machine-readable statement, read before scoring.
FIXED = frozenset({"origin_bound"})
SCALE = code_features.SCALE
STEPS = 3000
RATE = 2.0
CALIBRATION_STEPS = 3000
MIN_SLOPE = 0.1


def norm_code(code: object) -> str:
    return "".join(str(code).replace("-", " ").split()).lower()


def code_rows(mails: Iterable[Mail]) -> Rows:
    """(features, label) of every code candidate of every mail."""
    out: Rows = []
    for raw, truth in mails:
        # "otp" and "otp+link" rows name the code; every other kind has none.
        want = norm_code(truth["code"]) if truth.get("code") else ""
        for s in rank_codes(parse_document(raw)):
            if FIXED & s.features.keys():
                continue
            label = int(
                bool(want) and norm_code(s.display or s.value) in (want, norm_code(s.value))
            )
            out.append((dict(s.features), label))
    return out


def link_rows(mails: Iterable[Mail]) -> Rows:
    """(features, label) of every link candidate with a kind of every mail."""
    out: Rows = []
    for raw, truth in mails:
        want = truth.get("link")
        for c in extract_document(parse_document(raw)).links:
            if c.features:
                ok = bool(want) and score_row({"link": c.url}, truth).link_ok is True
                out.append((dict(c.features), int(ok)))
    return out


def _logistic(
    data: Rows, start: dict[str, float], bias0: float, *, fit_bias: bool, l2: float
) -> dict[str, float]:
    """MAP logistic regression: weights pulled toward ``start``, the intercept toward
    ``bias0`` (or held there). Identical rows are folded into one weighted row (exact, fast);
    proximal L2 steps keep it stable at any strength."""
    names = sorted({n for f, _ in data for n in f} & start.keys())
    index = {k: i for i, k in enumerate(names)}
    prior = [start[k] for k in names]
    folded: dict[tuple[tuple[int, float], ...], list[int]] = {}
    for f, y in data:
        key = tuple(sorted((index[k], v) for k, v in f.items() if k in index))
        folded.setdefault(key, [0, 0])[y] += 1
    rows = [(key, neg + pos, pos) for key, (neg, pos) in folded.items()]
    w, bias, n = list(prior), bias0, max(1, len(data))
    shrink = 1 + RATE * l2
    for _ in range(STEPS):
        grad = [0.0] * len(names)
        gb = 0.0
        for key, count, pos in rows:
            z = bias + sum(w[i] * v for i, v in key)
            err = count / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) - pos
            gb += err
            for i, v in key:
                grad[i] += err * v
        for i in range(len(names)):
            w[i] = (w[i] - RATE * grad[i] / n + RATE * l2 * prior[i]) / shrink
        if fit_bias:
            bias = (bias - RATE * gb / n + RATE * l2 * bias0) / shrink
    out = dict(zip(names, w, strict=True))
    out["__bias__"] = bias
    return out


def priors(table: str) -> dict[str, float]:
    """The fittable features of ``table`` ("code" or "link") and their priors."""
    if table == "code":
        return {n: f.prior for n, f in code_features.FEATURES.items() if n not in FIXED}
    kinds = link_features.FITTED_KINDS
    return {n: f.prior for n, f in link_features.FEATURES.items() if f.kind in kinds}


def code_table(data: Rows, l2: float) -> dict[str, float]:
    """Evidence-scale code weights: the threshold at logit 0, the intercept folded into every
    shape feature; a feature the rows never show keeps its prior."""
    start = {n: SCALE * p for n, p in priors("code").items()}
    logit = _logistic(data, start, -SCALE * code_features.THRESHOLD, fit_bias=True, l2=l2)
    bias = logit["__bias__"] + SCALE * code_features.THRESHOLD
    return {
        n: round((logit.get(n, start[n]) + (bias if n.startswith("shape_") else 0.0)) / SCALE, 4)
        for n in start
    }


def link_table(data: Rows, l2: float) -> dict[str, float]:
    """Evidence-scale link weights (``base`` is the intercept; the threshold is
    ``PRIMARY_MIN_SCORE``); a feature the rows never show keeps its prior."""
    start = {n: SCALE * p for n, p in priors("link").items()}
    bias0 = -SCALE * link_features.PRIMARY_MIN_SCORE
    logit = _logistic(data, start, bias0, fit_bias=False, l2=l2)
    return {n: round(logit.get(n, start[n]) / SCALE, 4) for n in start}


def in_use() -> tuple[dict[str, float], dict[str, float]]:
    """The code and link weights the extractor runs on now."""
    return (
        {n: f.weight for n, f in code_features.FEATURES.items()},
        {n: f.weight for n, f in link_features.FEATURES.items()},
    )


def use(codes: dict[str, float], links: dict[str, float]) -> None:
    """Run the extractor on these weights (this process only)."""
    for name, value in codes.items():
        code_features.FEATURES[name] = replace(code_features.FEATURES[name], weight=value)
    for name, value in links.items():
        link_features.FEATURES[name] = replace(link_features.FEATURES[name], weight=value)


def verdicts(mails: Iterable[Mail]) -> dict[str, list[tuple[float, int]]]:
    """(logit, right) of every code and link verdict of ``mails``, with the weights in use."""
    out: dict[str, list[tuple[float, int]]] = {"code": [], "link": []}
    for raw, truth in mails:
        doc = parse_document(raw)
        result = extract_document(doc)
        if result.kind == "none":
            continue
        score = score_row(result.to_dict(), {"kind": truth.get("kind"), **truth})
        if result.kind == "otp":
            evidence = rank_codes(doc)[0].score
            z = SCALE * (evidence - code_features.THRESHOLD)
            out["code"].append((z, int(score.code_ok is True)))
        else:
            chosen = next(c for c in result.links if c.url == result.link)
            z = SCALE * (chosen.score - link_features.PRIMARY_MIN_SCORE)
            out["link"].append((z, int(score.link_ok is True)))
    return out


def platt(data: list[tuple[float, int]]) -> tuple[float, float]:
    """Platt scaling ``σ(a·z + b)`` by gradient descent; the slope kept ≥ ``MIN_SLOPE`` so
    that more evidence never means less confidence."""
    a, b = 1.0, 0.0
    for _ in range(CALIBRATION_STEPS):
        ga = gb = 0.0
        for z, y in data:
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, a * z + b))))
            ga += (p - y) * z
            gb += p - y
        a = max(MIN_SLOPE, a - 0.5 * ga / max(1, len(data)))
        b -= 0.5 * gb / max(1, len(data))
    return round(a, 4), round(b, 4)
