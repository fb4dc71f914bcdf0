"""The labelled-corpus generator (tests/corpus): deterministic, well-formed truth, disjoint splits.

The project templates are fetched at pinned commits (never committed); these tests need them
in the cache (``~/.cache/otpbridge-corpus``) or a local mirror (``OTPBRIDGE_CORPUS_MIRROR``,
default ``/work/.mirror``) and skip otherwise. They render a few small projects only.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
sys.path.insert(0, str(CORPUS))

import generate  # noqa: E402
from model import KINDS  # noqa: E402

SMALL = ("pocketbase", "ory-kratos", "authelia", "kutt", "flarum")
FIELDS = {
    "file",
    "source",
    "project",
    "split",
    "language",
    "kind",
    "class",
    "code",
    "code_display",
    "link",
    "notes",
}


def _mirror() -> Path | None:
    root = Path(os.environ.get("OTPBRIDGE_CORPUS_MIRROR", "/work/.mirror"))
    return root if root.is_dir() else None


def _cache() -> Path:
    return Path.home() / ".cache" / "otpbridge-corpus"


def _available(project: str) -> bool:
    src = generate.load_projects()[project].SOURCE
    cached = _cache() / src.project / src.commit[:12]
    mirror = _mirror()
    return all((cached / f).exists() for f in src.files) or bool(
        mirror and (mirror / src.repo.replace("/", "+") / "repo").is_dir()
    )


def _render(out: Path, seed: int = 7) -> None:
    projects = [p for p in SMALL if _available(p)]
    if not projects:
        pytest.skip("no pinned templates in the cache and no mirror")
    args = [str(out), "--seed", str(seed), "--cache", str(_cache()), "--only", *projects]
    if _mirror():
        args += ["--mirror-root", str(_mirror())]
    assert generate.main(args) == 0


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_splits_are_disjoint_and_cover_every_project() -> None:
    data = json.loads((CORPUS / "splits.json").read_text(encoding="utf-8"))
    train, test = set(data["train"]), set(data["test"])
    assert not train & test
    projects = set(generate.load_projects())
    assert projects <= train | test, projects - (train | test)
    assert 0.25 <= len(test & projects) / len(projects) <= 0.4


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    _render(tmp_path / "a")
    _render(tmp_path / "b")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    _render(tmp_path / "c", seed=8)
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_truth_lines_are_well_formed(tmp_path: Path) -> None:
    _render(tmp_path)
    splits = generate.load_splits()
    rows = [
        json.loads(x) for x in (tmp_path / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert rows
    for row in rows:
        assert set(row) == FIELDS, row["file"]
        assert row["kind"] in KINDS
        assert row["split"] == splits[row["project"]]
        assert (tmp_path / "emails" / row["file"]).is_file()
        if row["kind"] == "none":
            assert row["code"] is None
            assert row["link"] is None
        else:
            assert row["code"] or row["link"]
        if row["code"]:
            assert row["code_display"]
        if row["kind"] in ("otp", "otp+link"):
            assert row["code"]


def test_eval_accepts_the_extra_fields(tmp_path: Path) -> None:
    _render(tmp_path)
    cli = Path(sys.executable).parent / "otpbridge"
    if not cli.exists():
        pytest.skip("the otpbridge console script is not installed beside this interpreter")
    out = subprocess.run(
        [str(cli), "eval", str(tmp_path), "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1].startswith("code_acc=")


def test_sources_md_names_every_pinned_source() -> None:
    text = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    for mod in generate.load_projects().values():
        for src in (mod.SOURCE, *getattr(mod, "EXTRA_SOURCES", ())):
            assert f"[{src.repo}](https://github.com/{src.repo})" in text, src.repo
            assert f"`{src.commit[:12]}`" in text, src.repo
            assert src.licence in text, src.repo
