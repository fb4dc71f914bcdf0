"""The benchmarks in tests/bench/ still run: each one in its tiny ``--quick`` mode.

They are not timed here (figures come from full runs, see the README's Performance section);
this only proves each command works end to end and ends with its one JSON line. The three run
side by side, each with its own private Redis and Dovecot, to keep the suite fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent / "bench"
TIMEOUT_S = 90


def _last_json(stdout: str) -> dict[str, Any]:
    lines = [line for line in stdout.splitlines() if line.strip()]
    assert lines, "the benchmark printed nothing"
    result: dict[str, Any] = json.loads(lines[-1])
    return result


@pytest.mark.slow
def test_benchmarks_run_in_quick_mode() -> None:
    scripts = ("latency_bench.py", "throughput_bench.py", "memory_bench.py")
    procs = {
        name: subprocess.Popen(
            [sys.executable, str(BENCH / name), "--quick"],
            cwd=BENCH,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in scripts
    }
    results: dict[str, dict[str, Any]] = {}
    try:
        for name, proc in procs.items():
            out, err = proc.communicate(timeout=TIMEOUT_S)
            assert proc.returncode == 0, f"{name} failed:\n{out[-2000:]}\n{err[-3000:]}"
            results[name] = _last_json(out)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.communicate()

    latency = results["latency_bench.py"]
    assert latency["bench"] == "latency"
    modes = {(r["mode"], r["agents"]) for r in latency["results"]}
    assert modes == {(m, n) for m in ("fast_check", "idle_only", "poll_1s") for n in (1, 3)}
    for row in latency["results"]:
        assert row["lost"] == 0, row
        assert row["wrong_code"] == 0, row
        assert row["latency_ms"]["p50"] is not None

    throughput = results["throughput_bench.py"]
    assert throughput["bench"] == "throughput"
    assert throughput["delivered"] > 0
    assert throughput["lost"] == 0, throughput

    memory = results["memory_bench.py"]
    assert memory["bench"] == "memory"
    assert 0 < memory["redis_bytes_per_idle_inbox"] < 100_000
