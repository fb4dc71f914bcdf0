"""The benchmarks in tests/bench/ still run: each one in its tiny ``--quick`` mode.

They are not timed here (figures come from full runs, see the README's Performance section);
this only proves each command works end to end and ends with its one JSON line. They run side
by side, each with its own private Redis and Dovecot, to keep the suite fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent / "bench"
#: All six share one deadline: side by side on two cores each takes up to a few times its ~30 s
#: alone, and this machine's speed moves 2-3x from day to day.
DEADLINE_S = 240


def _last_json(stdout: str) -> dict[str, Any]:
    lines = [line for line in stdout.splitlines() if line.strip()]
    assert lines, "the benchmark printed nothing"
    result: dict[str, Any] = json.loads(lines[-1])
    return result


@pytest.mark.slow
@pytest.mark.timeout(DEADLINE_S + 60)
def test_benchmarks_run_in_quick_mode(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from harness import otp_mail  # noqa: PLC0415 - lives next to the benchmarks
    finally:
        sys.path.remove(str(BENCH))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(3):
        (corpus / f"m{n}.eml").write_bytes(otp_mail(f"a{n}@corp.test", f"{482910 + n}"))
    commands = {
        "latency_bench.py": ["--quick"],
        "throughput_bench.py": ["--quick"],
        "memory_bench.py": ["--quick"],
        "extract_bench.py": [str(corpus), "--rounds", "1"],
        "cli_start_bench.py": ["--quick"],
        "waits_bench.py": ["--quick"],
    }
    procs = {
        name: subprocess.Popen(
            [sys.executable, str(BENCH / name), *args],
            cwd=BENCH,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, args in commands.items()
    }
    results: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + DEADLINE_S
    try:
        for name, proc in procs.items():
            out, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
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
    assert modes == {(m, n) for m in ("fast_check_10ms", "idle_only", "poll_1s") for n in (1, 3)}
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

    assert results["extract_bench.py"]["messages"] == 3

    cli_start = results["cli_start_bench.py"]
    assert cli_start["bench"] == "cli_start"
    assert {r["command"] for r in cli_start["results"]} == {
        "python -c pass",
        "otpbridge wait --help",
        "otpbridge --version",
    }
    assert all(r["p50_ms"] > 0 for r in cli_start["results"])

    waits = results["waits_bench.py"]
    assert waits["bench"] == "waits"
    assert {(r["mode"], r["waits"]) for r in waits["results"]} == {
        (m, n) for m in ("threads", "asyncio") for n in (1, 100)
    }
    for row in waits["results"]:
        assert row["lost"] == 0, row
        assert row["wrong_code"] == 0, row
        assert 0 < row["max_connections"] <= 16, row
    assert set(waits["scenario"]) == {"threads", "asyncio"}
