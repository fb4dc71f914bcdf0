"""Shared job builder for projects whose mails are one-language template files with fixed
subjects (the subject strings are the project's, copied from its mailer code at the pinned
commit and named per spec)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from kit import render_simple, text_of
from model import Mail
from values import Values

__all__ = ["Spec", "simple_jobs"]

# values(v) -> (template values, code, link)
Builder = Callable[[Values], tuple[dict[str, str], str | None, str | None]]


@dataclass(frozen=True)
class Spec:
    path: str
    subject: str
    kind: str
    cls: str
    build: Builder
    html: bool = True
    repeat: int = 3


def _render(root: Path, spec: Spec, sender: Callable[[Values], str], v: Values) -> Mail:
    vals, code, link = spec.build(v)
    body = render_simple((root / spec.path).read_text(encoding="utf-8"), vals)
    subject = render_simple(spec.subject, vals)
    return Mail(
        template=spec.path.rsplit("/", 1)[-1],
        language="en",
        kind=spec.kind,
        cls=spec.cls,
        subject=subject,
        sender=sender(v),
        html=body if spec.html else None,
        text=text_of(body) if spec.html else body,
        code=code,
        code_display=code,
        link=link,
    )


def simple_jobs(
    root: Path, specs: tuple[Spec, ...], sender: Callable[[Values], str]
) -> Iterator[tuple[str, str, object]]:
    for n, spec in enumerate(specs):
        for i in range(spec.repeat):
            yield (
                f"{n}-{spec.path.rsplit('/', 1)[-1]}-{i}",
                "en",
                partial(_render, root, spec, sender),
            )
