"""The machine's process table from /proc: who is whose child (Linux only)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["ProcEntry", "process_table"]


@dataclass(frozen=True, slots=True)
class ProcEntry:
    pid: int
    ppid: int
    comm: str


def process_table() -> list[ProcEntry]:
    """Every live process; ones that vanish while being read are skipped."""
    entries = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...", and comm may contain spaces and parentheses.
        close = stat.rindex(")")
        comm = stat[stat.index("(") + 1 : close]
        ppid = int(stat[close + 2 :].split()[1])
        entries.append(ProcEntry(int(entry.name), ppid, comm))
    return entries
