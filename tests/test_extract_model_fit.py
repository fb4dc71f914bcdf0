"""The committed fitted weight table (extract/codes/fitted.json) is what
tests/bench/fit_weights.py produces: refit on the train split of the rendered corpus plus the
goldens and compare every weight within 0.01 (slow: it renders the corpus first)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from otpbridge.extract.codes import features

REPO = Path(__file__).resolve().parents[1]
FITTED = REPO / "extract" / "codes" / "fitted.json"
TOLERANCE = 0.01


def test_fitted_table_names_only_known_features() -> None:
    weights = json.loads(FITTED.read_text(encoding="utf-8"))["weights"]
    assert set(weights) <= set(features.FEATURES)
    assert len(weights) >= 30


def test_every_feature_has_a_doc_and_a_kind() -> None:
    for f in features.FEATURES.values():
        assert f.doc.strip(), f.name
        assert f.kind in ("for", "claim", "veto")
    assert features.confidence(features.THRESHOLD) == pytest.approx(0.5)


@pytest.mark.slow
def test_refit_matches_the_committed_table(tmp_path: Path) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "fitted.json"
    subprocess.run(
        [sys.executable, str(REPO / "tests/corpus/generate.py"), str(corpus)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    subprocess.run(
        [
            sys.executable,
            str(REPO / "tests/bench/fit_weights.py"),
            str(corpus),
            "--golden",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=900,
    )
    want = json.loads(FITTED.read_text(encoding="utf-8"))["weights"]
    got = json.loads(out.read_text(encoding="utf-8"))["weights"]
    assert want.keys() == got.keys()
    off = {k: (want[k], got[k]) for k in want if abs(want[k] - got[k]) > TOLERANCE}
    assert off == {}
