"""The metrics registry and the /metrics, /healthz, /readyz server."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
import redis

from otpbridge.worker import metrics


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


class _Ready:
    def __init__(self) -> None:
        self.state: tuple[bool, str] = (True, "imap idle fresh; redis ok")
        self.raise_: bool = False

    def __call__(self) -> tuple[bool, str]:
        if self.raise_:
            raise RuntimeError("boom")
        return self.state


@pytest.fixture
def ready() -> _Ready:
    return _Ready()


@pytest.fixture
def server(ready: _Ready) -> Iterator[metrics.MetricsServer]:
    srv = metrics.start_http_server(0, ready, host="127.0.0.1")
    yield srv
    srv.close()
    metrics.watch_queue_depth(None)


def test_healthz_and_404(server: metrics.MetricsServer) -> None:
    assert _get(server.port, "/healthz") == (200, "ok\n")
    assert _get(server.port, "/nope")[0] == 404


def test_readyz_follows_the_check(server: metrics.MetricsServer, ready: _Ready) -> None:
    assert _get(server.port, "/readyz") == (200, "imap idle fresh; redis ok\n")
    ready.state = (False, "imap disconnected")
    assert _get(server.port, "/readyz") == (503, "imap disconnected\n")
    ready.raise_ = True
    status, body = _get(server.port, "/readyz")
    assert status == 503
    assert "RuntimeError" in body


def test_metrics_exposes_counters_and_histograms(server: metrics.MetricsServer) -> None:
    before = metrics.REGISTRY.get_sample_value(
        "otpbridge_messages_routed_total", {"mailbox": "t@x:INBOX"}
    )
    metrics.MESSAGES_ROUTED.labels(mailbox="t@x:INBOX").inc()
    metrics.MAIL_TO_EVENT_SECONDS.observe(0.004)
    metrics.IMAP_LAST_ACTIVITY.labels(mailbox="t@x:INBOX").set(1234.5)
    status, body = _get(server.port, "/metrics")
    assert status == 200
    assert 'otpbridge_messages_routed_total{mailbox="t@x:INBOX"}' in body
    assert 'otpbridge_mail_to_event_seconds_bucket{le="0.005"}' in body
    assert 'otpbridge_mail_to_event_seconds_bucket{le="30.0"}' in body
    assert 'otpbridge_imap_last_activity_timestamp_seconds{mailbox="t@x:INBOX"} 1234.5' in body
    after = metrics.REGISTRY.get_sample_value(
        "otpbridge_messages_routed_total", {"mailbox": "t@x:INBOX"}
    )
    assert after == (before or 0.0) + 1


def test_queue_depth_reads_redis_at_scrape(
    server: metrics.MetricsServer, redis_client: redis.Redis
) -> None:
    assert "otpbridge_queue_depth" not in _get(server.port, "/metrics")[1]
    metrics.watch_queue_depth(lambda: int(redis_client.llen("rq:queue:otpbridge")))
    redis_client.rpush("rq:queue:otpbridge", "a", "b", "c")
    assert "otpbridge_queue_depth 3.0" in _get(server.port, "/metrics")[1]


def test_failing_queue_source_does_not_break_scrape(server: metrics.MetricsServer) -> None:
    def broken() -> int:
        raise redis.ConnectionError("down")

    metrics.watch_queue_depth(broken)
    status, body = _get(server.port, "/metrics")
    assert status == 200
    assert "otpbridge_queue_depth" not in body
    assert "otpbridge_messages_failed" in body
