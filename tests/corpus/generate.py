#!/usr/bin/env python3
"""Render the labelled corpus (DESIGN.md §7) from open-source projects' mail templates.

    python tests/corpus/generate.py OUT [--seed 7] [--cache ~/.cache/otpbridge-corpus]
                                        [--mirror-root DIR] [--only PROJECT ...]

Writes ``OUT/emails/*.eml`` and ``OUT/truth.jsonl``. Each project adapter in ``projects/``
names its pinned source and yields render jobs; every job gets its own ``random.Random``
seeded from (seed, project, job id), so output is byte-identical for the same seed and
independent of which other projects are rendered. ``splits.json`` puts each project in
``train`` or the frozen ``test`` split.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import pkgutil
import random
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fetch import materialise  # noqa: E402
from kit import lang_of  # noqa: E402
from mime import to_bytes  # noqa: E402
from model import KINDS, Mail, Source  # noqa: E402
from quoting import quote_variants  # noqa: E402
from values import Values  # noqa: E402

__all__ = ["Job", "load_projects", "main", "render_all"]

_MARKER = re.compile(r"\{\{-?\s*[.\w$/]|%\{\w+\}|<%|__[a-z]\w*__")
Job = tuple[str, str, Callable[[Values], Mail | None]]  # (job id, locale, render)


def load_projects() -> dict[str, ModuleType]:
    out = {}
    for info in pkgutil.iter_modules([str(HERE / "projects")]):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"projects.{info.name}")
        src: Source = mod.SOURCE
        out[src.project] = mod
    return dict(sorted(out.items()))


def load_splits() -> dict[str, str]:
    data = json.loads((HERE / "splits.json").read_text(encoding="utf-8"))
    return {p: split for split in ("train", "test") for p in data[split]}


def _rng(seed: int, *parts: str) -> random.Random:
    h = hashlib.sha256("\x00".join((str(seed), *parts)).encode()).digest()
    return random.Random(int.from_bytes(h[:8], "big"))


def _check(mail: Mail, where: str) -> None:
    """The truth must be in the mail, else the template (or a translation) lost a placeholder."""
    if mail.kind not in KINDS:
        raise ValueError(f"{where}: unknown kind {mail.kind!r}")
    body = (mail.text or "") + (mail.html or "")
    if mail.code and (mail.code_display or mail.code) not in body:
        raise ValueError(f"{where}: code not in body")
    if mail.link and mail.link not in body and mail.link.replace("&", "&amp;") not in body:
        raise ValueError(f"{where}: link not in body")
    left = _MARKER.search(body + mail.subject)
    if left:
        raise ValueError(f"{where}: unrendered template marker {left.group(0)!r}")
    if mail.link and any(c.isspace() or c in '"<>' for c in mail.link):
        raise ValueError(f"{where}: the truth link is not a valid URL")
    if mail.kind == "none" and (mail.code or mail.link):
        raise ValueError(f"{where}: a none mail carries a code or link")
    if mail.kind != "none" and not (mail.code or mail.link):
        raise ValueError(f"{where}: a {mail.kind} mail has no code and no link")


def render_all(
    projects: dict[str, ModuleType], cache: Path, mirror: Path | None, seed: int
) -> Iterator[tuple[str, bytes, dict[str, object]]]:
    """Yield (file name, mail bytes, truth row) for every job of every project."""
    splits = load_splits()
    for name, mod in projects.items():
        if name not in splits:
            raise ValueError(f"{name}: not in splits.json (add it before rendering it)")
        root = materialise(mod.SOURCE, cache, mirror)
        extra = [materialise(x, cache, mirror) for x in getattr(mod, "EXTRA_SOURCES", ())]
        jobs: Iterable[Job] = mod.jobs(root, *extra)
        for job_id, locale, render in jobs:
            v = Values(_rng(seed, name, job_id))
            try:
                mail = render(v)
            except (KeyError, TypeError, AttributeError) as exc:
                # a translation lacks a string or placeholder the mail needs: skip that one
                print(f"skip {name}/{job_id}: {type(exc).__name__} {exc}", file=sys.stderr)
                continue
            if mail is None:
                continue
            mail.language = mail.language or lang_of(locale)
            for variant, vmail in quote_variants(mail, v, _rng(seed, name, job_id, "q")):
                where = f"{name}/{job_id}{variant}"
                _check(vmail, where)
                stem = f"{name}__{job_id}{variant}".replace("/", "_").replace(" ", "_")
                row = {
                    "file": f"{stem}.eml",
                    "source": f"{name}/{vmail.template}",
                    "project": name,
                    "split": splits[name],
                    "language": vmail.language,
                    "kind": vmail.kind,
                    "class": vmail.cls,
                    "code": vmail.code,
                    "code_display": vmail.code_display,
                    "link": vmail.link,
                    "notes": vmail.notes,
                }
                yield row["file"], to_bytes(vmail, v, where), row  # type: ignore[misc]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "otpbridge-corpus")
    ap.add_argument(
        "--mirror-root",
        type=Path,
        default=None,
        help="dir of bare git mirrors named OWNER+NAME/repo (else GitHub raw)",
    )
    ap.add_argument("--only", nargs="*", default=None, help="render only these projects")
    ap.add_argument("--split", choices=("train", "test"), default=None)
    args = ap.parse_args(argv)
    projects = load_projects()
    if args.only:
        projects = {k: v for k, v in projects.items() if k in set(args.only)}
    splits = load_splits()
    if args.split:
        projects = {k: v for k, v in projects.items() if splits.get(k) == args.split}
    emails = args.out / "emails"
    emails.mkdir(parents=True, exist_ok=True)
    n = 0
    with (args.out / "truth.jsonl").open("w", encoding="utf-8") as truth:
        for file, raw, row in render_all(projects, args.cache, args.mirror_root, args.seed):
            (emails / file).write_bytes(raw)
            truth.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    print(f"wrote {n} mails from {len(projects)} projects to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
