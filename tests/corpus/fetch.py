"""Bring each project's pinned template files into a cache dir outside the repository.

Nothing a project wrote is committed here (see SOURCES.md): the generator reads the
templates from ``CACHE/<project>/<path>``. A file comes from a local mirror
(``MIRROR_ROOT/<owner>+<name>/repo``, a bare git dir, read with ``git show COMMIT:PATH``)
when one is given, else from ``raw.githubusercontent.com`` at the pinned commit.
"""

from __future__ import annotations

import subprocess
import urllib.request
from pathlib import Path

from model import Source

__all__ = ["FetchError", "materialise"]

_RAW = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"


class FetchError(RuntimeError):
    """A pinned template file could not be had from the mirror nor from GitHub."""


def _from_mirror(mirror_root: Path, src: Source, path: str) -> bytes | None:
    git_dir = mirror_root / src.repo.replace("/", "+") / "repo"
    if not git_dir.is_dir():
        return None
    proc = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{src.commit}:{path}"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    return proc.stdout if proc.returncode == 0 else None


def _from_github(src: Source, path: str) -> bytes:
    url = _RAW.format(repo=src.repo, commit=src.commit, path=path)
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            data: bytes = resp.read()
            return data
    except OSError as exc:
        raise FetchError(f"{src.project}: cannot fetch {path} at {src.commit[:10]}: {exc}") from exc


def materialise(src: Source, cache_root: Path, mirror_root: Path | None) -> Path:
    """Make sure every file of ``src`` is in the cache; return the project's cache dir."""
    root = cache_root / src.project / src.commit[:12]
    for path in src.files:
        target = root / path
        if target.exists():
            continue
        data = _from_mirror(mirror_root, src, path) if mirror_root else None
        if data is None:
            data = _from_github(src, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root
