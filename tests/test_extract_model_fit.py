"""The committed fitted weight tables (extract/codes/fitted.json, extract/links/fitted.json:
the weights the extractor runs on) and the confidence calibration (extract/calibration.json)
are what tests/bench/fit_weights.py produces: refit on the train split of the rendered corpus
plus the goldens, with the prior strengths the committed fit chose, and compare every weight
within 0.01 and every calibration parameter within 0.05 (slow: it renders the corpus
first)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from otpbridge.extract import calibration
from otpbridge.extract.codes import features
from otpbridge.extract.links import features as link_features

REPO = Path(__file__).resolve().parents[1]
FITTED = REPO / "extract" / "codes" / "fitted.json"
LINKS_FITTED = REPO / "extract" / "links" / "fitted.json"
CALIBRATION = REPO / "extract" / "calibration.json"
TOLERANCE = 0.01
CALIBRATION_TOLERANCE = 0.05


def test_fitted_table_names_only_known_features() -> None:
    weights = json.loads(FITTED.read_text(encoding="utf-8"))["weights"]
    assert set(weights) <= set(features.FEATURES)
    assert len(weights) >= 30


def test_the_extractor_runs_on_the_fitted_table() -> None:
    """The weights in use are the fit's, for every feature the fit can set (a feature added
    since the last refit would run on its prior: refit in the same commit)."""
    fitted = json.loads(FITTED.read_text(encoding="utf-8"))["weights"]
    fittable = {n for n in features.FEATURES if n != "origin_bound"}
    assert fittable == set(fitted)
    for name in fittable:
        assert features.FEATURES[name].weight == fitted[name], name
    links = json.loads(LINKS_FITTED.read_text(encoding="utf-8"))["weights"]
    fittable = {n for n, f in link_features.FEATURES.items() if f.kind in ("for", "claim")}
    assert fittable == set(links)
    for name in fittable:
        assert link_features.FEATURES[name].weight == links[name], name


def test_every_feature_has_a_doc_and_a_kind() -> None:
    for f in features.FEATURES.values():
        assert f.doc.strip(), f.name
        assert f.kind in ("for", "claim", "veto")


def test_confidence_is_calibrated_and_monotone() -> None:
    for kind, (a, b) in calibration.PLATT.items():
        assert a >= 0.1, kind  # more evidence never means less confidence
        assert -10 < b < 10, kind
    low, high = calibration.code_confidence(0.5), calibration.code_confidence(1.2)
    assert 0.0 < low <= high < 1.0
    assert calibration.link_confidence(0.5) <= calibration.link_confidence(0.9)


def _template_sources() -> list[str]:
    """Arguments that let generate.py find every fitted project's pinned templates offline
    (the cache, or bare mirrors), or skip: project text is never committed (tests/corpus/
    SOURCES.md), and a refit on fewer projects would not reproduce the table."""
    sys.path.insert(0, str(REPO / "tests" / "corpus"))
    try:
        import generate  # noqa: PLC0415 - the corpus generator lives beside the tests
    finally:
        sys.path.pop(0)
    mirror = Path(os.environ.get("OTPBRIDGE_CORPUS_MIRROR", "/work/.mirror"))
    cache = Path.home() / ".cache" / "otpbridge-corpus"
    projects = generate.load_projects()
    missing = []
    for name in json.loads(FITTED.read_text(encoding="utf-8"))["projects"]:
        mod = projects[name]
        for src in (mod.SOURCE, *getattr(mod, "EXTRA_SOURCES", ())):
            cached = cache / src.project / src.commit[:12]
            in_cache = all((cached / f).exists() for f in src.files)
            in_mirror = (mirror / src.repo.replace("/", "+") / "repo").is_dir()
            if not (in_cache or in_mirror):
                missing.append(name)
    if missing:
        names = ", ".join(sorted(set(missing)))
        pytest.skip(f"pinned templates not available offline for: {names}")
    return ["--mirror-root", str(mirror)] if mirror.is_dir() else []


@pytest.mark.slow
def test_refit_matches_the_committed_table(tmp_path: Path) -> None:
    sources = _template_sources()
    corpus, out, calib = tmp_path / "corpus", tmp_path / "fitted.json", tmp_path / "calib.json"
    links_out = tmp_path / "links-fitted.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "tests/corpus/generate.py"),
            str(corpus),
            *sources,
            "--only",
            *json.loads(FITTED.read_text(encoding="utf-8"))["projects"],
        ],
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
            # The prior strengths the committed fit chose by cross-validation (its "cv").
            "--l2",
            str(json.loads(FITTED.read_text(encoding="utf-8"))["l2"]),
            "--links-l2",
            str(json.loads(LINKS_FITTED.read_text(encoding="utf-8"))["l2"]),
            "--out",
            str(out),
            "--links-out",
            str(links_out),
            "--calibration",
            str(calib),
        ],
        check=True,
        capture_output=True,
        timeout=900,
    )
    for committed, refitted in ((FITTED, out), (LINKS_FITTED, links_out)):
        want = json.loads(committed.read_text(encoding="utf-8"))["weights"]
        got = json.loads(refitted.read_text(encoding="utf-8"))["weights"]
        assert want.keys() == got.keys()
        off = {k: (want[k], got[k]) for k in want if abs(want[k] - got[k]) > TOLERANCE}
        assert off == {}, committed
    want_cal = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    got_cal = json.loads(calib.read_text(encoding="utf-8"))
    for kind in ("code", "link"):
        for key in ("a", "b"):
            assert abs(want_cal[kind][key] - got_cal[kind][key]) <= CALIBRATION_TOLERANCE
