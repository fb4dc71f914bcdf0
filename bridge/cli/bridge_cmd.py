"""``otpbridge bridge [--config F] [--since DURATION]``: run the IMAP watcher(s) until SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import redis
import structlog

from otpbridge.bridge.errors import ConfigError
from otpbridge.bridge.imap import Bridge
from otpbridge.bridge.logs import configure_logging
from otpbridge.bridge.settings import load_settings
from otpbridge.worker.metrics import start_http_server
from otpbridge.worker.redis_conn import sync_client

__all__ = ["register"]


def register(sub: Any) -> None:
    p = sub.add_parser(
        "bridge",
        help="watch the catch-all mailbox (IMAP IDLE) and route mail to inboxes",
        description="Environment: OTPBRIDGE_REDIS_URL, OTPBRIDGE_IMAP_URL, OTPBRIDGE_ADDRESS, "
        "OTPBRIDGE_FOLDERS, OTPBRIDGE_AFTER_ROUTE, OTPBRIDGE_TLS_CA_FILE, ... (see README).",
    )
    p.add_argument("--config", type=Path, help="TOML file (may list several [[mailbox]] tables)")
    p.add_argument(
        "--since",
        metavar="DURATION",
        help="on a first start, also route mail that arrived within DURATION (e.g. 15m, 2h)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(config=args.config, since=args.since)
    except ConfigError as exc:
        print(f"otpbridge bridge: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, imap_trace=settings.imap_trace)
    log = structlog.get_logger()
    client = sync_client(
        settings.redis_url.reveal(),
        socket_timeout=10,
        socket_connect_timeout=5,
        health_check_interval=30,
        socket_keepalive=True,
    )
    bridge = Bridge(settings, client)

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("bridge_stopping", signal=signal.Signals(signum).name)
        bridge.request_stop()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        bridge.start()
    except redis.RedisError as exc:
        log.error("redis_unreachable", redis=settings.redis_url_redacted, error=str(exc)[:200])
        return 1
    server = None
    if settings.metrics_port is not None:
        try:
            server = start_http_server(settings.metrics_port, bridge.ready)
        except OSError as exc:
            print(
                f"otpbridge bridge: metrics port {settings.metrics_port}: {exc.strerror}",
                file=sys.stderr,
            )
            bridge.stop()
            client.close()
            return 2
        log.info("metrics_listening", port=server.port)
    while not bridge.wait(1.0):
        pass
    bridge.stop()
    if server is not None:
        server.close()
    client.close()
    if bridge.fatal.is_set():
        # Exit so that the orchestrator restarts the process and a standby can lead: never a
        # live process that holds no working watcher.
        log.critical("bridge_exiting", reason="a watcher kept crashing")
        return 1
    return 0
