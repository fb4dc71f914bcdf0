"""The steps an SDK operation asks its driver to take: the one source of both clients.

Every operation of the SDK (create an inbox, wait for a code, …) is written once, as a
generator that yields these steps and receives their results (:data:`Op`). The synchronous
client runs it with blocking calls and threads, :class:`~bridge.sdk.aio.AsyncClient` with
``await`` and tasks; neither holds any logic of its own. An exception a step raises (a lost
connection, say) is thrown back into the operation, which decides whether to retry.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

__all__ = ["Batch", "Call", "Defer", "Health", "Op", "Receive", "Sleep", "Step", "Subscribe"]

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Call:
    """One Redis command: ``getattr(client, name)(*args, **kwargs)``."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Batch:
    """Several commands in one round trip (a pipeline); results in order."""

    calls: tuple[Call, ...]
    transaction: bool = False


@dataclass(frozen=True, slots=True)
class Subscribe:
    """From now on, deliver entries of ``stream`` after ``position`` to this operation (the
    client's shared reader; see :mod:`bridge.sdk.mux`), and keep an eye on ``inbox_id`` (see
    :mod:`bridge.sdk.health`). Ends with the operation."""

    stream: str
    position: str
    inbox_id: str


@dataclass(frozen=True, slots=True)
class Health:
    """The client reader's last :class:`~bridge.sdk.health.HealthReport` (no I/O)."""


@dataclass(frozen=True, slots=True)
class Receive:
    """The entries delivered since the last ``Receive`` (``[(id, fields), …]``), waiting up to
    ``timeout`` seconds for the first; an empty list when none came."""

    timeout: float


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class Defer:
    """Run ``call`` when the operation ends, however it ends (errors of it are ignored)."""

    call: Call


Step = Call | Batch | Subscribe | Health | Receive | Sleep | Defer
#: An SDK operation returning ``_T``.
Op = Generator[Step, Any, _T]
