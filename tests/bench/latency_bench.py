"""Mail-to-agent latency (issue 6 §1): otpbridge vs the server floor vs 1 s polling.

    .venv/bin/python tests/bench/latency_bench.py            # full run (~9 min)
    .venv/bin/python tests/bench/latency_bench.py --quick    # seconds; what CI runs

One clock: every latency starts when the LMTP delivery call returns (the mail is in the
mailbox) and ends when the agent holds the code. For N agents waiting at once, each on its own
inbox, the mails are delivered one after another (Poisson arrivals ``--gap-ms`` apart on
average, and no sooner than ``--lead-ms`` + a random ``--jitter-ms`` after that agent started
waiting, as a real SaaS mails a moment after the form is submitted). Measured in one run, on the
same Dovecot + Redis:

* otpbridge, fast check on (``OTPBRIDGE_FAST_CHECK_MS``, each value of ``--fast-check-ms``)
  and IDLE only (``=0``):
  ``wait_for_otp`` returns; plus where the time goes (bridge saw the mail, routed it, the
  worker published ``extracted``) from the event timestamps;
* the server floor: a bare imapclient IDLE on the same mailbox, delivery → EXISTS (Dovecot
  holds IDLE notifications for 500 ms); otpbridge's overhead = its latency − the floor for the
  same mail;
* the baseline users write without otpbridge: each agent polls the mailbox every 1 s over its
  own IMAP connection (NOOP, SEARCH TO <its address>, FETCH BODY.PEEK[], extract).
"""

from __future__ import annotations

import argparse
import queue
import random
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from harness import (
    ADDRESS_TEMPLATE,
    Deliverer,
    Stack,
    cpu_seconds,
    otp_mail,
    percentiles,
    print_json,
    print_table,
)
from imapclient import IMAPClient

from otpbridge.bridge.embedded import DovecotServer
from otpbridge.extract import extract_message
from otpbridge.worker.events import decode_fields

#: Each agent waits (or polls) at most this long for one mail before it counts as lost.
WAIT_TIMEOUT_S = 60.0
POLL_INTERVAL_S = 1.0


# -- the server floor ---------------------------------------------------------------------------
class Floor:
    """A bare IDLE client on the mailbox; stamps when EXISTS announces each delivery."""

    def __init__(self, dovecot: DovecotServer) -> None:
        self._client = IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False, timeout=30)
        self._client.login(dovecot.user, dovecot.password)
        info = self._client.select_folder("INBOX", readonly=True)
        self._base = int(info[b"EXISTS"])
        self._sent: list[float] = []
        self._seen: dict[int, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="floor", daemon=True)
        self._client.idle()
        self._thread.start()

    def mark_sent(self, t0: float) -> int:
        """Call right after each delivery returns; deliveries must be sequential."""
        with self._lock:
            self._sent.append(t0)
            return len(self._sent) - 1

    def latency_ms(self, k: int) -> float | None:
        with self._lock:
            seen = self._seen.get(k)
            return None if seen is None else (seen - self._sent[k]) * 1000

    def _run(self) -> None:
        while not self._stop.is_set():
            responses = self._client.idle_check(timeout=0.5)
            now = time.perf_counter()
            for resp in responses:
                if len(resp) >= 2 and resp[1] == b"EXISTS" and isinstance(resp[0], int):
                    # Dovecot coalesces: EXISTS n covers every delivery up to message n.
                    with self._lock:
                        for k in range(min(resp[0] - self._base, len(self._sent))):
                            self._seen.setdefault(k, now)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        try:
            self._client.idle_done()
            self._client.logout()
        except Exception:
            pass


# -- one trial: N agents, each receiving `rounds` mails ----------------------------------------
@dataclass
class Sample:
    idx: int
    rnd: int
    code: str
    t0: float
    wall0: float
    floor_k: int
    t1: float | None = None
    wall1: float | None = None
    got_code: str | None = None


@dataclass
class Trial:
    addresses: list[str]
    rounds: int
    lead_s: float
    gap_s: float
    jitter_s: float
    samples: dict[tuple[int, int], Sample] = field(default_factory=dict)
    _ready: queue.Queue[tuple[int, float]] = field(default_factory=queue.Queue)
    _done: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _codes: set[str] = field(default_factory=set)

    # agent side
    def ready(self, idx: int) -> None:
        self._ready.put((idx, time.perf_counter()))

    def received(self, idx: int, rnd: int, code: str | None) -> None:
        t1, wall1 = time.perf_counter(), time.time()
        with self._lock:
            sample = self.samples.get((idx, rnd))
            if sample is not None and sample.t1 is None:
                sample.t1, sample.wall1, sample.got_code = t1, wall1, code
        self._done.release()

    def lost(self) -> None:
        self._done.release()

    # deliverer side
    def _new_code(self) -> str:
        while True:
            code = f"{secrets.randbelow(900000) + 100000}"
            if code not in self._codes:
                self._codes.add(code)
                return code

    def drive(self, deliverer: Deliverer, floor: Floor) -> None:
        """Deliver every mail, then wait until each agent has its mail (or timed out)."""
        total = len(self.addresses) * self.rounds
        sent_to = [0] * len(self.addresses)
        last = 0.0
        for _ in range(total):
            try:
                idx, t_ready = self._ready.get(timeout=WAIT_TIMEOUT_S * 2)
            except queue.Empty:
                break  # every remaining agent gave up (counted as lost)
            now = time.perf_counter()
            # The jitter puts each mail at a random phase of the pollers' 1 s loop and of the
            # bridge's fast-check interval, as real mail would be.
            # Poisson arrivals (exponential gaps): a fixed gap would lock into step with the
            # fast-check interval.
            lead = self.lead_s + random.uniform(0, self.jitter_s)
            gap = random.expovariate(1 / self.gap_s) if self.gap_s > 0 else 0.0
            pause = max(t_ready + lead - now, last + gap - now)
            if pause > 0:
                time.sleep(pause)
            code = self._new_code()
            data = otp_mail(self.addresses[idx], code)
            rnd = sent_to[idx]
            with self._lock:  # the agent may return before we stamp t0 (fast check)
                deliverer.deliver(self.addresses[idx], data)
                t0, wall0 = time.perf_counter(), time.time()
                self.samples[(idx, rnd)] = Sample(idx, rnd, code, t0, wall0, floor.mark_sent(t0))
            sent_to[idx] += 1
            last = t0
        for _ in range(total):
            if not self._done.acquire(timeout=WAIT_TIMEOUT_S + 5):
                break
        time.sleep(0.6)  # let the floor's EXISTS for the last mail arrive


def run_agents(trial: Trial, agent: Callable[[int, Trial], None]) -> None:
    threads = [
        threading.Thread(target=agent, args=(i, trial), name=f"agent{i}", daemon=True)
        for i in range(len(trial.addresses))
    ]
    for t in threads:
        t.start()


# -- agents -------------------------------------------------------------------------------------
def sdk_agent(stack: Stack, inbox_ids: list[str]) -> Callable[[int, Trial], None]:
    def agent(idx: int, trial: Trial) -> None:
        client = stack.sdk()
        for rnd in range(trial.rounds):
            trial.ready(idx)
            otp = client.messages.wait_for_otp(inbox_id=inbox_ids[idx], timeout=WAIT_TIMEOUT_S)
            if otp is None:
                trial.lost()
                return
            trial.received(idx, rnd, otp.code)

    return agent


def polling_agent(dovecot: DovecotServer, opened: list[int]) -> Callable[[int, Trial], None]:
    """What a user writes without otpbridge: one IMAP connection per agent, poll every 1 s."""

    def agent(idx: int, trial: Trial) -> None:
        address = trial.addresses[idx]
        client = IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False, timeout=30)
        client.login(dovecot.user, dovecot.password)
        client.select_folder("INBOX", readonly=True)
        opened.append(1)
        seen = set(client.search(["TO", address]))
        next_poll = time.monotonic() + random.uniform(0, POLL_INTERVAL_S)  # agents not in step
        try:
            for rnd in range(trial.rounds):
                trial.ready(idx)
                deadline = time.monotonic() + WAIT_TIMEOUT_S
                code: str | None = None
                found = False
                while not found and time.monotonic() < deadline:
                    time.sleep(max(0.0, next_poll - time.monotonic()))
                    next_poll += POLL_INTERVAL_S
                    client.noop()  # a careful poller syncs first, so SEARCH sees new mail
                    new = [u for u in client.search(["TO", address]) if u not in seen]
                    if not new:
                        continue
                    fetched = client.fetch(new, ["BODY.PEEK[]"])
                    seen.update(new)
                    for data in fetched.values():
                        code = extract_message(data[b"BODY[]"]).code
                    found = True
                if found:
                    trial.received(idx, rnd, code)
                else:
                    trial.lost()
                    return
        finally:
            client.logout()

    return agent


# -- reporting ----------------------------------------------------------------------------------
#: Stages of one mail, from the event timestamps (wall clock, ms; one machine).
STAGES = ("notice", "route", "extract", "hand_over", "pipeline")


def event_breakdown(stack: Stack, inbox_ids: list[str], trial: Trial) -> dict[str, list[float]]:
    """Per mail, ms spent in each stage: ``notice`` delivery → the bridge noticed new mail
    (EXISTS, or the fast-check NOOP); ``route`` → stored, ``received`` + job committed;
    ``extract`` → the worker published ``extracted``; ``hand_over`` → ``wait_for_otp``
    returned; ``pipeline`` = noticed → returned (otpbridge's own overhead)."""
    out: dict[str, list[float]] = {name: [] for name in STAGES}
    by_code = {s.code: s for s in trial.samples.values()}
    for inbox_id in inbox_ids:
        received: dict[str, dict[str, str]] = {}
        entries = cast(
            "list[tuple[bytes, dict[bytes, bytes]]]",
            stack.redis.xrange(stack.keys.events(inbox_id)),
        )
        for _, raw in entries:
            ev = decode_fields(raw)
            if ev.get("type") == "received":
                received[ev.get("message_key", "")] = ev
                continue
            sample = by_code.get(ev.get("code", ""))
            rec = received.get(ev.get("message_key", ""), {})
            if ev.get("type") != "extracted" or sample is None or sample.wall1 is None:
                continue
            try:
                seen, routed = float(rec["seen_at"]), float(rec["routed_at"])
                extracted = float(ev["extracted_at"])
            except (KeyError, ValueError):
                continue
            # A mail found by a catch-up that started before it arrived carries that earlier
            # wake-up as seen_at: count it as noticed on arrival.
            delivered = sample.wall0 * 1000
            seen = max(seen, delivered)
            returned = sample.wall1 * 1000
            out["notice"].append(seen - delivered)
            out["route"].append(routed - seen)
            out["extract"].append(extracted - routed)
            out["hand_over"].append(returned - extracted)
            out["pipeline"].append(returned - seen)
    return out


def summarize(
    mode: str, trial: Trial, floor: Floor, connections: int, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    lat, flo, over = [], [], []
    wrong = 0
    for s in trial.samples.values():
        if s.t1 is None:
            continue
        ms = (s.t1 - s.t0) * 1000
        lat.append(ms)
        if s.got_code is not None and s.got_code != s.code:
            wrong += 1
        f = floor.latency_ms(s.floor_k)
        if f is not None:
            flo.append(f)
            over.append(ms - f)
    expected = len(trial.addresses) * trial.rounds
    row: dict[str, Any] = {
        "mode": mode,
        "agents": len(trial.addresses),
        "n": len(lat),
        "lost": expected - len(lat),
        "wrong_code": wrong,
        "latency_ms": percentiles(lat),
        "floor_ms": percentiles(flo),
        "overhead_ms": percentiles(over),
        "imap_connections": connections,
    }
    row.update(extra or {})
    return row


def sdk_trial(
    stack: Stack, deliverer: Deliverer, floor: Floor, agents: int, args: argparse.Namespace
) -> tuple[Trial, list[str]]:
    client = stack.sdk()
    inbox_ids = [client.inboxes.create(ttl=3600).id for _ in range(agents)]
    addresses = [ADDRESS_TEMPLATE.format(id=i) for i in inbox_ids]
    trial = Trial(addresses, rounds_for(agents, args), *timing(args))
    run_agents(trial, sdk_agent(stack, inbox_ids))
    trial.drive(deliverer, floor)
    return trial, inbox_ids


def timing(args: argparse.Namespace) -> tuple[float, float, float]:
    return args.lead_ms / 1000, args.gap_ms / 1000, args.jitter_ms / 1000


def rounds_for(agents: int, args: argparse.Namespace) -> int:
    samples: int = args.samples
    return max(1, -(-samples // agents))


def bridge_sessions(dovecot: DovecotServer, others: int) -> int:
    """Logged-in IMAP sessions on the server, minus the ``others`` the benchmark holds."""
    return len(dovecot.imap_pids()) - others


def waiting_cost(stack: Stack, bridge_pid: int, seconds: float) -> dict[str, float]:
    """CPU share (% of one core) of the bridge and Dovecot while one agent waits, no mail."""
    client = stack.sdk()
    inbox_id = client.inboxes.create(ttl=600).id
    waiter = threading.Thread(
        target=client.messages.wait_for_otp,
        kwargs={"inbox_id": inbox_id, "timeout": seconds + 1.5},
        daemon=True,
    )
    waiter.start()
    time.sleep(0.5)  # the bridge switches to fast checks within its 250 ms IDLE tick
    dovecot = stack.dovecot.master_pid() or 0
    before = cpu_seconds(bridge_pid), cpu_seconds(dovecot)
    time.sleep(seconds)
    after = cpu_seconds(bridge_pid), cpu_seconds(dovecot)
    waiter.join(5)
    return {
        "bridge_cpu_pct": (after[0] - before[0]) / seconds * 100,
        "dovecot_cpu_pct": (after[1] - before[1]) / seconds * 100,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", default="1,50,200", help="comma-separated agent counts")
    parser.add_argument("--samples", type=int, default=100, help="mails per agent count (min)")
    parser.add_argument(
        "--fast-check-ms",
        default="10,50",
        help="OTPBRIDGE_FAST_CHECK_MS values to run fast_check with (comma-separated)",
    )
    parser.add_argument(
        "--gap-ms", type=float, default=50.0, help="mean pause between deliveries (exponential)"
    )
    parser.add_argument("--lead-ms", type=float, default=300.0, help="wait start → delivery")
    parser.add_argument(
        "--jitter-ms", type=float, default=1000.0, help="random extra lead, 0..this"
    )
    parser.add_argument(
        "--cost-s", type=float, default=5.0, help="measure idle-wait CPU this long per mode"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--modes", default="fast_check,idle_only,poll_1s", help="which of the three to run"
    )
    parser.add_argument("--quick", action="store_true", help="tiny run (CI smoke test)")
    args = parser.parse_args()
    if args.quick:
        args.agents, args.samples, args.gap_ms, args.cost_s = "1,3", 3, 10.0, 1.0
        args.fast_check_ms = "10"
        args.lead_ms, args.jitter_ms = 300.0, 100.0
    counts = [int(x) for x in args.agents.split(",")]
    modes = set(args.modes.split(","))
    fast_values = [int(x) for x in str(args.fast_check_ms).split(",")]
    args.fast_check_ms = fast_values

    results: list[dict[str, Any]] = []
    with Stack(max_connections=max(counts) + 20) as stack:
        deliverer = Deliverer(stack.dovecot)
        floor = Floor(stack.dovecot)
        bridge_modes = [
            (f"fast_check_{ms}ms", ms) for ms in fast_values if "fast_check" in modes
        ] + [("idle_only", 0)] * ("idle_only" in modes)
        if bridge_modes:
            stack.start_workers(args.workers)
        for mode, fast_ms in bridge_modes:
            bridge = stack.start_bridge(fast_ms)
            cost = waiting_cost(stack, bridge.pid, args.cost_s)
            for agents in counts:
                trial, inbox_ids = sdk_trial(stack, deliverer, floor, agents, args)
                stages = event_breakdown(stack, inbox_ids, trial)
                breakdown: dict[str, Any] = {
                    "stages_ms": {k: percentiles(v) for k, v in stages.items()}
                }
                breakdown["waiting_cost"] = cost
                results.append(
                    summarize(mode, trial, floor, bridge_sessions(stack.dovecot, 1), breakdown)
                )
            bridge.stop()
            stack.procs.remove(bridge)
        if "poll_1s" in modes:
            for agents in counts:
                opened: list[int] = []
                addresses = [
                    ADDRESS_TEMPLATE.format(id=secrets.token_hex(10)) for _ in range(agents)
                ]
                trial = Trial(addresses, rounds_for(agents, args), *timing(args))
                run_agents(trial, polling_agent(stack.dovecot, opened))
                trial.drive(deliverer, floor)
                results.append(summarize("poll_1s", trial, floor, len(opened)))
        deliverer.close()
        floor.close()

    report(results, args)


def stage(row: dict[str, Any], name: str, q: str) -> float:
    value = row.get("stages_ms", {}).get(name, {}).get(q)
    return float("nan") if value is None else float(value)


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    rows = [
        [
            r["mode"],
            r["agents"],
            r["n"],
            r["lost"],
            r["latency_ms"]["p50"],
            r["latency_ms"]["p95"],
            r["latency_ms"]["p99"],
            r["floor_ms"]["p50"],
            r["overhead_ms"]["p50"],
            r["overhead_ms"]["p99"],
            stage(r, "notice", "p50"),
            stage(r, "pipeline", "p50"),
            stage(r, "pipeline", "p99"),
            r["imap_connections"],
        ]
        for r in results
    ]
    print_table(
        "Mail-to-agent latency, ms (LMTP returned → code in the agent's hand); "
        "over = latency − floor (same mail); notice = until the "
        "bridge noticed the mail; pipe = bridge noticed → agent has the code",
        [
            "mode",
            "agents",
            "n",
            "lost",
            "p50",
            "p95",
            "p99",
            "floor p50",
            "over p50",
            "over p99",
            "notice p50",
            "pipe p50",
            "pipe p99",
            "IMAP conns",
        ],
        rows,
    )
    staged = [r for r in results if "stages_ms" in r]
    if staged:
        print_table(
            "Where the time goes, ms p50 / p99 (notice: delivery → bridge noticed; route: → "
            "stored + job; extract: → extracted event; hand_over: → wait_for_otp returned)",
            ["mode", "agents", *STAGES],
            [
                [
                    r["mode"],
                    r["agents"],
                    *(f"{stage(r, k, 'p50'):.1f} / {stage(r, k, 'p99'):.1f}" for k in STAGES),
                ]
                for r in staged
            ],
        )
    costs = {r["mode"]: r["waiting_cost"] for r in results if "waiting_cost" in r}
    if costs:
        print_table(
            "CPU while agents wait and no mail comes, % of one core",
            ["mode", "bridge", "dovecot"],
            [[m, c["bridge_cpu_pct"], c["dovecot_cpu_pct"]] for m, c in costs.items()],
        )
    ratios: dict[str, float] = {}
    by = {(r["mode"], r["agents"]): r for r in results}
    for (mode, agents), r in by.items():
        base = by.get(("poll_1s", agents))
        if mode == "poll_1s" or base is None:
            continue
        ratios[f"{mode}/{agents}"] = base["latency_ms"]["p50"] / r["latency_ms"]["p50"]
    if ratios:
        print_table(
            "Polling baseline p50 ÷ otpbridge p50 (higher is better; target ≥ 30 with fast check)",
            ["mode/agents", "ratio"],
            [[k, v] for k, v in ratios.items()],
        )
    print_json(
        {
            "bench": "latency",
            "fast_check_ms": args.fast_check_ms,
            "gap_ms": args.gap_ms,
            "lead_ms": args.lead_ms,
            "jitter_ms": args.jitter_ms,
            "results": results,
            "poll_over_otpbridge_p50": ratios,
        }
    )


if __name__ == "__main__":
    main()
