"""CLI start-up time: ``python tests/bench/cli_start_bench.py [--runs N] [--quick]``.

Times, as wall-clock of a whole process, ``otpbridge wait --help`` and ``otpbridge --version``
(the console script of this interpreter's environment) against a bare ``python -c pass`` of the
same interpreter, in one run. The commands take turns, round after round, so that a busy
machine slows them all alike. Goal (issue 11): ``otpbridge wait --help`` under 150 ms.
Prints a table and, as the last line, one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from harness import percentiles, print_json, print_table

GOAL_MS = 150.0
_CLI = Path(sys.executable).parent / "otpbridge"
CASES: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "otpbridge wait --help": [str(_CLI), "wait", "--help"],
    "otpbridge --version": [str(_CLI), "--version"],
}


def _once(argv: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, check=False)
    took = (time.perf_counter() - t0) * 1000
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr[-500:]!r}")
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30, help="timed rounds (default 30)")
    parser.add_argument("--quick", action="store_true", help="3 rounds: a smoke test")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    if not _CLI.exists():
        print(f"no console script at {_CLI}: pip install -e . first", file=sys.stderr)
        return 2
    for argv in CASES.values():  # warm-up: page cache, .pyc files
        _once(argv)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(runs):
        for name, argv in CASES.items():
            times[name].append(_once(argv))
    stats = {name: percentiles(values, (50, 90)) for name, values in times.items()}
    base = stats["python -c pass"]["p50"]
    rows = [
        (name, s["p50"], s["p90"], min(times[name]), s["p50"] - base)
        for name, s in stats.items()
    ]
    print_table(
        f"start-up, ms ({runs} rounds, python {sys.version.split()[0]})",
        ("command", "p50", "p90", "min", "p50 over python"),
        rows,
    )
    wait_p50 = stats["otpbridge wait --help"]["p50"]
    print(f"\notpbridge wait --help p50 {wait_p50:.0f} ms (goal < {GOAL_MS:.0f} ms)")
    print_json(
        {
            "bench": "cli_start",
            "runs": runs,
            "python": sys.version.split()[0],
            "goal_ms": GOAL_MS,
            "wait_help_within_goal": wait_p50 < GOAL_MS,
            "results": [
                {
                    "command": name,
                    "p50_ms": p50,
                    "p90_ms": p90,
                    "min_ms": low,
                    "over_python_p50_ms": over,
                }
                for name, p50, p90, low, over in rows
            ],
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
