"""Worker processes: build the RQ worker we run, and supervise ``-n N`` of them.

Why ``SimpleWorker`` (no fork per job) by default: extraction is fast, pure Python, so the
~15 ms a fork adds per job is most of the worker's share of the mail→agent latency (see
tests/bench/bench_worker_class.py). The price is that a crashed job takes its worker with it;
crash safety comes from (a) a short started-registry TTL (job timeout + a small grace, instead
of RQ's +60 s) plus frequent maintenance, so another worker re-queues an abandoned job within
about a minute, and (b) the supervisor restarting dead worker processes at once.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Final

import redis
import structlog
from rq import Queue

from otpbridge.worker.job_names import ExtractionJob
from otpbridge.worker.jobs import configure_jobs
from otpbridge.worker.keys import Keys
from otpbridge.worker.redis_conn import sync_client
from otpbridge.worker.rq_worker import ExtractionForkWorker, ExtractionSimpleWorker
from otpbridge.worker.settings import WorkerSettings
from otpbridge.worker.webhook.queue import configure_webhooks

__all__ = ["ExtractionForkWorker", "ExtractionSimpleWorker", "build_worker", "run_workers"]

#: rq's own log lines name job ids (which contain inbox ids); keep them to warnings and up.
_RQ_LOG_LEVEL: Final = "WARNING"
#: Seconds between a dead child and its replacement when children keep dying right away.
_RESPAWN_BACKOFF_MAX_S: Final = 30.0

log = structlog.get_logger()


def build_worker(
    settings: WorkerSettings, connection: redis.Redis, name: str | None = None
) -> ExtractionSimpleWorker | ExtractionForkWorker:
    """One RQ worker on the extraction queue, the webhook queue or both (extraction first:
    a code never waits behind a slow receiver), configured to never log job arguments."""
    keys = Keys(settings.prefix)
    configure_jobs(keys, ocr=settings.ocr == "auto")
    configure_webhooks(keys, settings.webhooks)
    names = {
        "all": [settings.queue_name, settings.webhooks.queue_name],
        "extraction": [settings.queue_name],
        "webhooks": [settings.webhooks.queue_name],
    }[settings.queues]
    cls: type[ExtractionSimpleWorker | ExtractionForkWorker] = (
        ExtractionSimpleWorker if settings.worker_class == "simple" else ExtractionForkWorker
    )
    worker = cls(
        [Queue(name, connection=connection, job_class=ExtractionJob) for name in names],
        name=name,
        job_class=ExtractionJob,
        connection=connection,
        maintenance_interval=settings.maintenance_interval_s,
        # An idle worker only runs maintenance between blocking dequeues, which last
        # worker_ttl - 15 s (RQ's default: 405 s); this makes them as short as the interval.
        worker_ttl=settings.maintenance_interval_s + 15,
        log_job_description=False,
        job_monitoring_interval=5,
        default_result_ttl=settings.result_ttl_s,
    )
    worker.abandon_grace_s = settings.abandon_grace_s
    return worker


def _work(settings: WorkerSettings, burst: bool, name: str | None) -> int:
    # RQ raises the socket timeout above its blocking dequeue itself; the connect timeout is ours.
    connection = sync_client(settings.redis_url, socket_connect_timeout=5)
    worker = build_worker(settings, connection, name)
    log.info(
        "worker_started",
        worker=worker.name,
        worker_class=settings.worker_class,
        queues=settings.queues,
    )
    try:
        worker.work(burst=burst, with_scheduler=True, logging_level=_RQ_LOG_LEVEL)
    finally:
        connection.close()
    stopped = burst or worker.stop_signalled
    log.info("worker_stopped", worker=worker.name, requested=stopped)
    return 0 if stopped else 1


def _child(settings: WorkerSettings, burst: bool, name: str) -> None:
    raise SystemExit(_work(settings, burst, name))


@dataclass
class _Slot:
    index: int
    process: BaseProcess
    started: float
    failures: int = 0


def run_workers(
    settings: WorkerSettings,
    *,
    count: int = 1,
    burst: bool = False,
    on_child_start: Callable[[int], None] | None = None,
) -> int:
    """Run ``count`` workers until SIGTERM/SIGINT (or until the queue is empty with ``burst``).

    One worker runs in this process. More run as forked children that this process restarts
    when they die, and to which it forwards SIGTERM/SIGINT (each finishes its current job).
    """
    if count <= 1:
        return _work(settings, burst, None)

    ctx = multiprocessing.get_context("fork")
    stopping = False
    base = f"otpb-{int(time.time())}-{multiprocessing.current_process().pid}"

    def spawn(index: int) -> BaseProcess:
        process = ctx.Process(
            target=_child, args=(settings, burst, f"{base}-{index}"), name=f"worker-{index}"
        )
        process.start()
        if on_child_start is not None:
            on_child_start(index)
        return process

    def forward(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for slot in slots:
            if slot.process.is_alive() and slot.process.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(slot.process.pid, signal.SIGTERM)

    slots = [_Slot(i, spawn(i), time.monotonic()) for i in range(count)]
    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while any(slot.process.is_alive() for slot in slots) or not (stopping or burst):
            for slot in slots:
                slot.process.join(timeout=0.2)
                if slot.process.is_alive() or stopping or burst:
                    continue
                _respawn(slot, spawn)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return max((abs(slot.process.exitcode or 0) for slot in slots), default=0) if burst else 0


def _respawn(slot: _Slot, spawn: Callable[[int], BaseProcess]) -> None:
    """Replace a dead child; back off exponentially while children die right after start."""
    lived = time.monotonic() - slot.started
    slot.failures = 0 if lived > _RESPAWN_BACKOFF_MAX_S else slot.failures + 1
    delay = 0.0 if slot.failures <= 1 else min(_RESPAWN_BACKOFF_MAX_S, 2.0**slot.failures)
    log.warning("worker_died", index=slot.index, exitcode=slot.process.exitcode, restart_in_s=delay)
    time.sleep(delay)
    slot.process = spawn(slot.index)
    slot.started = time.monotonic()
