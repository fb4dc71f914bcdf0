"""``otpbridge serve``: the HTTP API (and ``/ui``, ``/mcp``) on uvicorn.

Settings from ``OTPBRIDGE_*`` (:mod:`otpbridge.bridge.http.settings`). Health and metrics go on
``OTPBRIDGE_METRICS_PORT`` (the same small server as the bridge's and the workers'), never on
the API port. On SIGTERM/SIGINT the server stops accepting, open long-polls answer ``503``
(retry elsewhere) and event streams end at once, then uvicorn waits up to
``OTPBRIDGE_HTTP_SHUTDOWN_GRACE`` for the rest.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

import redis
import structlog
import uvicorn

from otpbridge.bridge.errors import ConfigError
from otpbridge.bridge.http.app import create_app
from otpbridge.bridge.http.settings import ServeSettings, load_serve_settings
from otpbridge.bridge.http.state import ApiState
from otpbridge.bridge.logs import configure_logging
from otpbridge.worker.metrics import MetricsServer, start_http_server
from otpbridge.worker.redis_conn import sync_client

__all__ = ["register"]

log = structlog.get_logger("otpbridge.serve")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "serve", help="HTTP API: inboxes, long-poll waits, per-inbox tokens, SSE, /ui, /mcp"
    )
    p.add_argument(
        "--log-level",
        default=os.environ.get("OTPBRIDGE_LOG_LEVEL", "INFO"),
        help="default: OTPBRIDGE_LOG_LEVEL or INFO",
    )
    p.set_defaults(func=run)


class _Server(uvicorn.Server):
    """uvicorn's server, telling the app first when a stop signal comes."""

    def __init__(self, config: uvicorn.Config, state: ApiState) -> None:
        super().__init__(config)
        self._state = state

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """uvicorn re-raises a captured SIGTERM after shutting down (the process then dies of
        it, exit status -15); a drained server has handled it: exit 0, as bridge and worker."""
        with super().capture_signals():
            try:
                yield
            finally:
                captured = getattr(self, "_captured_signals", None)
                if isinstance(captured, list):
                    captured.clear()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if not self.should_exit:
            log.info("serve_stopping", signal=int(sig))
        self._state.begin_shutdown()
        super().handle_exit(sig, frame)


def _metrics(settings: ServeSettings) -> MetricsServer | None:
    if settings.metrics_port is None:
        return None
    probe = sync_client(settings.redis_url.reveal(), socket_timeout=2, socket_connect_timeout=2)

    def ready() -> tuple[bool, str]:
        try:
            probe.ping()
        except redis.RedisError as exc:
            return False, f"redis unreachable: {type(exc).__name__}"
        return True, "ready"

    return start_http_server(settings.metrics_port, ready)


def run(args: argparse.Namespace) -> int:
    configure_logging(args.log_level)
    try:
        settings = load_serve_settings()
    except ConfigError as exc:
        print(f"otpbridge serve: {exc}", file=sys.stderr)
        return 2
    app = create_app(settings)
    try:
        metrics = _metrics(settings)
    except OSError as exc:
        print(
            f"otpbridge serve: metrics port {settings.metrics_port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 2
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,  # uvicorn's records go through our structlog handler (JSON)
        access_log=False,  # a query may hold a TOTP secret; RequestLog logs without it
        server_header=False,
        lifespan="on",
        timeout_graceful_shutdown=max(1, round(settings.shutdown_grace_s)),
    )
    server = _Server(config, app.state.otpb)
    log.info(
        "serve_starting",
        host=settings.host,
        port=settings.port,
        metrics_port=settings.metrics_port,
        redis=settings.redis_url_redacted,
        prefix=settings.prefix,
    )
    try:
        server.run()
    except SystemExit:  # uvicorn exits (status 3) when it cannot bind or start up
        pass
    finally:
        if metrics is not None:
            metrics.close()
    if not server.started:
        print(
            f"otpbridge serve: could not listen on {settings.host}:{settings.port}",
            file=sys.stderr,
        )
        return 1
    log.info("serve_stopped")
    return 0
