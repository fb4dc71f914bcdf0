"""Hostile mail on one core: ``python tests/bench/hostile_bench.py [--quick] [--mutations N]``.

Runs the bombs of tests/hostile_mail.py at full size and N seeded byte/structure mutations of
every golden mail through ``parse_document`` + ``extract_document``, timing each in CPU
seconds of this process (one core; other load on the machine does not count), then extracts
the goldens themselves for the normal rate in the same run. Prints a table and, as the last
line, one JSON object: max and p99 seconds per hostile mail, the slowest mails, the goldens'
rate and how many times slower the worst hostile mail is than a normal one.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: hostile_mail

import hostile_mail as hm

from otpbridge.extract import MimeError, extract_document, parse_document


def _cpu_seconds(raw: bytes) -> tuple[float, str | None]:
    started = time.process_time()
    try:
        extract_document(parse_document(raw))
    except MimeError:  # no header section at all: a verdict, not a failure
        return time.process_time() - started, None
    except Exception as exc:
        return time.process_time() - started, type(exc).__name__
    return time.process_time() - started, None


def _corpus(mutations: int, quick: bool) -> list[tuple[str, bytes]]:
    mails = [(f"bomb:{name}", build()) for name, build in sorted(hm.BOMBS.items())]
    goldens = hm.goldens()[::10] if quick else hm.goldens()
    for name, raw in goldens:
        for i in range(mutations):
            rng = random.Random(f"bench:{name}:{i}")
            if i % 2:
                mails.append((f"bytes:{name}:{i}", hm.mutate_bytes(raw, rng)))
            else:
                mails.append((f"structure:{name}:{i}", hm.mutate_structure(raw, rng)))
    return mails


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the goldens")
    parser.add_argument("--mutations", type=int, default=10, help="per golden mail")
    args = parser.parse_args()
    mutations = 2 if args.quick else args.mutations
    mails = _corpus(mutations, args.quick)
    extract_document(parse_document(hm.goldens()[0][1]))  # warm-up: imports, regexes
    timed = []
    errors = []
    for name, raw in mails:
        took, error = _cpu_seconds(raw)
        timed.append((took, name))
        if error:
            errors.append(f"{name}: {error}")
    timed.sort(reverse=True)
    seconds = sorted(t for t, _ in timed)
    p99 = seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))]
    goldens = hm.goldens()
    rounds = 1 if args.quick else 3
    started = time.process_time()
    for _ in range(rounds):
        for _, raw in goldens:
            extract_document(parse_document(raw))
    normal = (time.process_time() - started) / (rounds * len(goldens))
    print(f"hostile mails   {len(mails)} ({len(hm.BOMBS)} bombs, {mutations} mutations/golden)")
    print(f"max             {timed[0][0]:.3f} s CPU ({timed[0][1]}; goal 1 s)")
    print(f"p99             {p99:.4f} s CPU   median {statistics.median(seconds) * 1000:.2f} ms")
    print(f"normal rate     {1 / normal:.0f} msg/s over {len(goldens)} goldens (goal 500)")
    print(f"worst/normal    {timed[0][0] / normal:.0f}x")
    for took, name in timed[:8]:
        print(f"  {took:7.3f} s  {name}")
    for line in errors:
        print(f"ERROR {line}")
    summary = {
        "bench": "hostile",
        "mails": len(mails),
        "errors": len(errors),
        "max_s": round(timed[0][0], 4),
        "max_mail": timed[0][1],
        "p99_s": round(p99, 5),
        "median_ms": round(statistics.median(seconds) * 1000, 3),
        "slowest": {name: round(took, 4) for took, name in timed[:8]},
        "golden_msg_per_s": round(1 / normal, 1),
        "worst_over_normal": round(timed[0][0] / normal, 1),
    }
    print(json.dumps(summary))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
