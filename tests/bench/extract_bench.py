"""Extractor throughput on one core: ``python tests/bench/extract_bench.py [CORPUS_DIR]``.

Reads every ``*.eml`` under the corpus dir (default ../shared/corpus relative to the repo),
extracts each one ``--rounds`` times in this single process, then times synthetic 1 MB and
10 MB HTML mails. Prints a short table and, as the last line, one JSON object with the figures.
Profile with ``.venv/bin/pyinstrument tests/bench/extract_bench.py`` (pip install -e '.[bench]').
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from otpbridge.extract import extract_message

_DEFAULT = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def _html_mail(size: int) -> bytes:
    """``size`` bytes of dense visible HTML (nothing to prune) with a code at the top."""
    para = (
        "<p>Weekly news: <b>releases</b>, events and "
        "<a href='https://n.example/a?i=2'>3 tips</a>.</p>"
    )
    body = "<p>Your verification code is <b>604213</b></p>" + para * (size // len(para))
    head = b"From: a@b.example\r\nSubject: News\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    return head + body.encode()


def _time_ms(raw: bytes) -> float:
    t0 = time.perf_counter()
    extract_message(raw)
    return (time.perf_counter() - t0) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", type=Path, default=_DEFAULT)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    mails = [(p.name, p.read_bytes()) for p in sorted(args.corpus.rglob("*.eml"))]
    if not mails:
        print(f"no .eml files under {args.corpus}", file=sys.stderr)
        return 2
    for _, raw in mails:  # warm-up: imports, regex compilation
        extract_message(raw)
    slowest = ("", 0.0)
    started = time.perf_counter()
    for _ in range(args.rounds):
        for name, raw in mails:
            t0 = time.perf_counter()
            extract_message(raw)
            took = time.perf_counter() - t0
            if took > slowest[1]:
                slowest = (name, took)
    elapsed = time.perf_counter() - started
    count = len(mails) * args.rounds
    big_ms = min(_time_ms(_html_mail(1_000_000)) for _ in range(3))
    huge_ms = _time_ms(_html_mail(10_000_000))
    rate = count / elapsed
    print(f"messages        {count} ({len(mails)} files x {args.rounds} rounds)")
    print(f"throughput      {rate:.0f} msg/s on one core (goal 500)")
    print(f"mean            {elapsed / count * 1000:.2f} ms")
    print(f"slowest         {slowest[0]} {slowest[1] * 1000:.1f} ms")
    print(f"1 MB HTML       {big_ms:.0f} ms (goal 200; best of 3)")
    print(f"10 MB HTML      {huge_ms:.0f} ms (bounded)")
    summary = {
        "messages": count,
        "msg_per_s": round(rate, 1),
        "mean_ms": round(elapsed / count * 1000, 3),
        "slowest_file": slowest[0],
        "slowest_ms": round(slowest[1] * 1000, 2),
        "html_1mb_ms": round(big_ms, 1),
        "html_10mb_ms": round(huge_ms, 1),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
