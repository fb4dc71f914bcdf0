"""``confidence``: the probability that a verdict is right, calibrated on held-out mail.

A verdict's logit is ``z = SCALE · (score − threshold)`` — the code's evidence against
:data:`~otpbridge.extract.codes.features.THRESHOLD`, or the link's score against
:data:`~otpbridge.extract.links.features.PRIMARY_MIN_SCORE` — and its confidence is Platt's
``σ(a·z + b)`` with ``(a, b)`` per artifact from ``calibration.json``, which
``tests/bench/fit_weights.py`` fits on the train split's verdicts (never the test split).
"""

from __future__ import annotations

import json
import math
from importlib import resources

from otpbridge.extract.codes.features import SCALE, THRESHOLD
from otpbridge.extract.links.features import PRIMARY_MIN_SCORE

__all__ = ["PLATT", "code_confidence", "link_confidence", "sigmoid"]


def _load() -> dict[str, tuple[float, float]]:
    data = json.loads(
        resources.files("otpbridge.extract").joinpath("calibration.json").read_text("utf-8")
    )
    return {k: (float(v["a"]), float(v["b"])) for k, v in data.items() if k in ("code", "link")}


#: ``{"code": (a, b), "link": (a, b)}``.
PLATT = _load()


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def code_confidence(evidence: float) -> float:
    """Confidence of a code verdict whose candidate has this evidence."""
    a, b = PLATT["code"]
    return sigmoid(a * SCALE * (evidence - THRESHOLD) + b)


def link_confidence(score: float) -> float:
    """Confidence of a link verdict whose candidate has this score."""
    a, b = PLATT["link"]
    return sigmoid(a * SCALE * (score - PRIMARY_MIN_SCORE) + b)
