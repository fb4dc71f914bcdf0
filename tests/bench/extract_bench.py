"""Extractor throughput on one core: ``python tests/bench/extract_bench.py [CORPUS_DIR]``.

Reads every ``*.eml`` under the corpus dir (default ../shared/corpus relative to the repo),
extracts each one ``--rounds`` times in this single process, then times synthetic 1 MB and
10 MB HTML mails. The baseline, measured in the same run over the same mails, is the floor any
extractor on the design card's stack pays: the standard library's MIME parser plus html2text
alone on every HTML part, nothing else (this machine's speed moves 2-3x from day to day, so the
ratio is the comparable figure). Prints a short table and, as the last line, one JSON object.
Profile with ``.venv/bin/pyinstrument tests/bench/extract_bench.py`` (pip install -e '.[bench]').
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import html2text

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


def _render_only(raw: bytes) -> None:
    """The baseline: parse the MIME tree and let html2text render each HTML part."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            content = part.get_content()
            if isinstance(content, str):
                html2text.HTML2Text(bodywidth=0).handle(content)


def _cpu_rate(mails: list[bytes], rounds: int, run: object) -> float:
    assert callable(run)
    started = time.process_time()
    for _ in range(rounds):
        for raw in mails:
            run(raw)
    return len(mails) * rounds / max(time.process_time() - started, 1e-9)


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
    raws = [raw for _, raw in mails]
    _cpu_rate(raws, 1, _render_only)  # warm-up
    baseline = _cpu_rate(raws, args.rounds, _render_only)
    ours_cpu = _cpu_rate(raws, args.rounds, extract_message)
    big_ms = min(_time_ms(_html_mail(1_000_000)) for _ in range(3))
    huge_ms = _time_ms(_html_mail(10_000_000))
    rate = count / elapsed
    print(f"messages        {count} ({len(mails)} files x {args.rounds} rounds)")
    print(f"throughput      {rate:.0f} msg/s on one core (goal 500)")
    print(f"mean            {elapsed / count * 1000:.2f} ms")
    print(
        f"baseline        {baseline:.0f} msg/s CPU: stdlib MIME + html2text alone; "
        f"extract {ours_cpu:.0f} msg/s CPU = {ours_cpu / baseline:.2f}x the baseline's rate"
    )
    print(f"slowest         {slowest[0]} {slowest[1] * 1000:.1f} ms")
    print(f"1 MB HTML       {big_ms:.0f} ms (goal 200; best of 3)")
    print(f"10 MB HTML      {huge_ms:.0f} ms (bounded)")
    summary = {
        "messages": count,
        "msg_per_s": round(rate, 1),
        "mean_ms": round(elapsed / count * 1000, 3),
        "baseline_msg_per_s_cpu": round(baseline, 1),
        "msg_per_s_cpu": round(ours_cpu, 1),
        "ratio_to_baseline": round(ours_cpu / baseline, 3),
        "slowest_file": slowest[0],
        "slowest_ms": round(slowest[1] * 1000, 2),
        "html_1mb_ms": round(big_ms, 1),
        "html_10mb_ms": round(huge_ms, 1),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
