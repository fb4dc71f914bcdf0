"""The RQ worker classes we run: RQ's, minus per-job bookkeeping our jobs never use.

Stock RQ spends more CPU on its own bookkeeping than our job spends extracting: about twenty
Redis round trips per job, most of them worker heartbeats (three commands each, several times a
job), a suspension check, repeated state writes, a dependents look-up under WATCH and a stored
return value. What stays, because crash recovery needs it: the execution in the started-job
registry (its expiry is how another worker finds the job of a SIGKILLed one), the job's
``started`` status, the dequeue itself and RQ's whole failure path (retries, failure callback).

What changes, and why it is safe for extraction jobs (ids only, no dependents, no repeats, no
rate limit, no group, nobody reads the return value):

- Worker heartbeats outside a job's own pipelines go out at most every
  ``HEARTBEAT_EVERY_S``, in one round trip: the worker key lives ``worker_ttl + 60`` s.
- ``rq suspend`` is looked at most every ``SUSPENSION_CHECK_S`` instead of before every job.
- The worker's state is written only when it changes.
- A finished job is marked ``finished`` and expires after its result TTL in one MULTI with the
  execution clean-up and the worker's return to idle; no result entry (nobody reads a return
  value), no finished registry, no dependents WATCH.
"""

from __future__ import annotations

import time
from types import FrameType
from typing import Any, Final

from redis.client import Pipeline
from rq import SimpleWorker, Worker
from rq.executions import Execution
from rq.job import Job, JobStatus
from rq.queue import Queue
from rq.registry import StartedJobRegistry
from rq.utils import now, utcformat
from rq.worker.base import BaseWorker, WorkerStatus

__all__ = [
    "HEARTBEAT_EVERY_S",
    "SUSPENSION_CHECK_S",
    "ExtractionForkWorker",
    "ExtractionSimpleWorker",
]

#: Far below the worker key's lifetime (``worker_ttl + 60`` s, at least 61 s).
HEARTBEAT_EVERY_S: Final = 2.0
#: How soon a worker notices ``rq suspend``.
SUSPENSION_CHECK_S: Final = 1.0


class _ExtractionWorker(BaseWorker):
    """What our workers change in RQ's (see the module docstring), plus abandoned-job detection
    a job's timeout plus ``abandon_grace_s`` after its last heartbeat (RQ's margin is a fixed
    60 s), and a record of whether a stop signal (not an error) ended the work loop."""

    abandon_grace_s: int = 15
    stop_signalled: bool = False
    _executing: bool = False
    _heartbeat_sent_at: float = float("-inf")
    _suspension_checked_at: float = float("-inf")

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        timeout = job.timeout if job.timeout and job.timeout > 0 else 180
        return int(max(timeout - working_time, 1)) + self.abandon_grace_s

    def unsubscribe(self) -> None:
        """RQ's own version calls ``PubSubWorkerThread.stop()``, which since redis-py 8.2 joins
        the thread without a limit, while that thread waits up to 60 s for a message: a SIGTERM
        could take a minute (the orchestrator's kill came first). Stop it with a bound."""
        thread: Any = getattr(self, "pubsub_thread", None)
        if thread is None:
            return
        pubsub: Any = self.pubsub
        pubsub.unsubscribe()
        try:
            thread.stop(timeout=1)
        except TypeError:  # redis-py < 8.2: stop() does not join
            thread.stop()
            thread.join(timeout=1)
        pubsub.close()

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop_signalled = True
        super().request_stop(signum, frame)  # type: ignore[no-untyped-call]

    def execute_job(self, job: Job, queue: Queue) -> None:
        self._executing = True
        try:
            super().execute_job(job, queue)
        finally:
            self._executing = False

    def _shutdown(self) -> None:
        # The success MULTI below marks the worker idle before RQ has finished with the job;
        # RQ's own check (state == busy) would then raise StopRequested inside the job and
        # fail a job that had already succeeded. Stop after it instead.
        if self._executing:
            self._stop_requested = True
            self.set_shutdown_requested_date()  # type: ignore[no-untyped-call]
            if self.scheduler:
                self.stop_scheduler()  # type: ignore[no-untyped-call]
            return
        super()._shutdown()  # type: ignore[no-untyped-call]

    def heartbeat(self, timeout: int | None = None, pipeline: Pipeline | None = None) -> None:
        if pipeline is not None:
            # Part of a pipeline RQ executes anyway (job start, job monitoring): free.
            super().heartbeat(timeout, pipeline=pipeline)
            self._heartbeat_sent_at = time.monotonic()
            return
        if time.monotonic() - self._heartbeat_sent_at < HEARTBEAT_EVERY_S:
            return
        with self.connection.pipeline(transaction=False) as pipe:
            super().heartbeat(timeout, pipeline=pipe)
            pipe.execute()
        self._heartbeat_sent_at = time.monotonic()

    def check_for_suspension(self, burst: bool) -> None:
        if time.monotonic() - self._suspension_checked_at < SUSPENSION_CHECK_S:
            return
        super().check_for_suspension(burst)
        self._suspension_checked_at = time.monotonic()

    def set_state(self, state: str, pipeline: Pipeline | None = None) -> None:
        if pipeline is None and state == self.get_state():
            return
        super().set_state(state, pipeline=pipeline)

    def handle_execution_ended(self, job: Job, queue: Queue, heartbeat_ttl: int) -> None:
        # RQ also writes the job's last_heartbeat here; the success MULTI or the failure path
        # writes the job right after, and abandonment is judged by the started registry.
        del queue, heartbeat_ttl
        job.ended_at = now()

    def handle_job_success(
        self,
        job: Job,
        queue: Queue,
        started_job_registry: StartedJobRegistry,
        execution: Execution,
    ) -> None:
        del queue, started_job_registry
        result_ttl = job.get_result_ttl(self.default_result_ttl)
        ended_at = job.ended_at or now()
        with self.connection.pipeline() as pipe:
            self.increment_successful_job_count(pipeline=pipe)
            self.increment_total_working_time(ended_at - (job.started_at or ended_at), pipe)
            pipe.hset(
                job.key,
                mapping={"status": JobStatus.FINISHED.value, "ended_at": utcformat(ended_at)},
            )
            job.cleanup(result_ttl, pipeline=pipe, remove_from_queue=False)
            self.cleanup_execution(job, pipeline=pipe, execution=execution)
            # SimpleWorker sets IDLE right after this: done here, that write is skipped.
            self.set_state(WorkerStatus.IDLE, pipeline=pipe)
            pipe.execute()


class ExtractionSimpleWorker(_ExtractionWorker, SimpleWorker):
    """In-process job execution (the default)."""


class ExtractionForkWorker(_ExtractionWorker, Worker):
    """Fork per job (``OTPBRIDGE_WORKER_CLASS=fork``): isolates crashes, ~15 ms slower."""
