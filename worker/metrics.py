"""Prometheus metrics of the bridge and the workers, and the small HTTP server that serves them.

All metrics live in one module-level registry, :data:`REGISTRY`, so a process exposes exactly
the otpbridge series (plus the process collector) and tests can read values back with
``REGISTRY.get_sample_value(...)``.

The ``mailbox`` label is the watch name ``<mailbox>:<folder>`` (the same string the bridge puts
in ``Keys.mailboxes``); it is bounded by configuration, never by mail content.

RQ's default worker forks a work horse per job, and counters bumped in a fork are lost: a
worker that reports extraction metrics must count in the parent or run jobs in-process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

__all__ = [
    "EXTRACTION_SECONDS",
    "IDLE_RENEWALS",
    "IMAP_AUTH_FAILURES",
    "IMAP_LAST_ACTIVITY",
    "IMAP_RECONNECTS",
    "MAIL_TO_EVENT_SECONDS",
    "MESSAGES_FAILED",
    "MESSAGES_ROUTED",
    "MESSAGES_UNROUTED",
    "REGISTRY",
    "WATCHER_CRASHES",
    "Closeable",
    "MetricsServer",
    "QueueLengthSource",
    "ReadyCheck",
    "start_http_server",
    "watch_queue_depth",
]

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)

MESSAGES_ROUTED = Counter(
    "otpbridge_messages_routed",
    "Messages routed to a live inbox (stored, received event, job enqueued).",
    ["mailbox"],
    registry=REGISTRY,
)
MESSAGES_UNROUTED = Counter(
    "otpbridge_messages_unrouted",
    "Messages that matched no live inbox, or more than one, and went to the unrouted stream.",
    ["mailbox"],
    registry=REGISTRY,
)
MESSAGES_FAILED = Counter(
    "otpbridge_messages_failed",
    "Messages that could not be processed; stage is 'ingest' (bridge) or 'extract' (worker).",
    ["stage"],
    registry=REGISTRY,
)
IMAP_RECONNECTS = Counter(
    "otpbridge_imap_reconnects",
    "IMAP (re)connections after a drop, timeout or BYE.",
    ["mailbox"],
    registry=REGISTRY,
)
WATCHER_CRASHES = Counter(
    "otpbridge_watcher_crashes",
    "Watcher threads restarted after an unexpected error (see the watcher_crashed log line).",
    ["mailbox"],
    registry=REGISTRY,
)
IMAP_AUTH_FAILURES = Counter(
    "otpbridge_imap_auth_failures",
    "IMAP LOGIN/AUTHENTICATE rejections.",
    ["mailbox"],
    registry=REGISTRY,
)
IDLE_RENEWALS = Counter(
    "otpbridge_idle_renewals",
    "IDLE commands ended and re-issued before the server's 29-minute limit.",
    ["mailbox"],
    registry=REGISTRY,
)
IMAP_LAST_ACTIVITY = Gauge(
    "otpbridge_imap_last_activity_timestamp_seconds",
    "Unix time of the last response read from the IMAP server (IDLE keepalive included).",
    ["mailbox"],
    registry=REGISTRY,
)
EXTRACTION_SECONDS = Histogram(
    "otpbridge_extraction_seconds",
    "Time spent parsing and extracting one message in the worker.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
    registry=REGISTRY,
)
MAIL_TO_EVENT_SECONDS = Histogram(
    "otpbridge_mail_to_event_seconds",
    "From the bridge seeing the mail (its own clock, seen_at) to the extracted event being "
    "published.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)

#: Returns the current length of the RQ queue list (``LLEN rq:queue:otpbridge``).
QueueLengthSource = Callable[[], int]

#: Returns (ready, reason). The reason is shown in the /readyz body; keep it free of secrets.
ReadyCheck = Callable[[], tuple[bool, str]]


class _QueueDepthCollector(Collector):
    """Reads the queue length at scrape time, so the value is never stale."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._source: QueueLengthSource | None = None

    def set_source(self, source: QueueLengthSource | None) -> None:
        with self._lock:
            self._source = source

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self._lock:
            source = self._source
        if source is None:
            return
        try:
            depth = float(source())
        except Exception:  # noqa: BLE001 - a scrape must not fail because Redis is down
            return
        yield GaugeMetricFamily(
            "otpbridge_queue_depth", "Jobs waiting in the RQ extraction queue.", value=depth
        )


_QUEUE_DEPTH = _QueueDepthCollector()
REGISTRY.register(_QUEUE_DEPTH)


def watch_queue_depth(source: QueueLengthSource | None) -> None:
    """Expose ``otpbridge_queue_depth`` from ``source`` (e.g. ``lambda: r.llen(queue.key)``).

    ``None`` removes the series. A failing source hides the series for that scrape.
    """
    _QUEUE_DEPTH.set_source(source)


class Closeable(Protocol):
    def close(self) -> None: ...


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            self._reply(200, generate_latest(REGISTRY), CONTENT_TYPE_LATEST)
        elif path == "/healthz":
            self._reply(200, b"ok\n")
        elif path == "/readyz":
            ok, reason = self._ready()
            self._reply(200 if ok else 503, (reason or ("ready" if ok else "not ready")).encode())
        else:
            self._reply(404, b"not found\n")

    def _ready(self) -> tuple[bool, str]:
        try:
            ok, reason = self.server.ready()
        except Exception as exc:  # noqa: BLE001 - a broken check means "not ready", not a 500
            return False, f"readiness check failed: {type(exc).__name__}"
        return bool(ok), reason

    def _reply(self, status: int, body: bytes, ctype: str = "text/plain; charset=utf-8") -> None:
        if not body.endswith(b"\n"):
            body += b"\n"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        # Probes hit these endpoints every few seconds; access logs would drown real events.
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr: tuple[str, int], ready: ReadyCheck) -> None:
        self.ready = ready
        super().__init__(addr, _Handler)


class MetricsServer:
    """A running metrics/health server; ``port`` is the bound port (useful with port 0)."""

    def __init__(self, server: _Server, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        self.host: str = str(server.server_address[0])
        self.port: int = int(server.server_address[1])

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def start_http_server(port: int, ready: ReadyCheck, host: str = "0.0.0.0") -> MetricsServer:  # noqa: S104 - pods are scraped on their pod IP
    """Serve ``/metrics``, ``/healthz`` and ``/readyz`` from a daemon thread.

    ``/healthz`` answers 200 while the process is up. ``/readyz`` answers 200 when ``ready()``
    returns true and 503 with its reason otherwise.
    """
    server = _Server((host, port), ready)
    server.timeout = 5
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.2},
        name="otpbridge-metrics",
        daemon=True,
    )
    thread.start()
    return MetricsServer(server, thread)
