"""The parts of ``serve`` that hold a connection open: Server-Sent Events and long-polls whose
client goes away. Real uvicorn on loopback, real Redis, a real worker process."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
import redis
from http_support import ADMIN, admin, bearer, running, serve_settings
from pipeline_helpers import Ingest, WorkerProcess, code_mail

from otpbridge.bridge.http.session import SESSION_COOKIE, issue_session
from otpbridge.bridge.http.sse import event_data
from otpbridge.worker.metrics import REGISTRY


@pytest.fixture
def server(redis_url: str) -> Iterator[str]:
    settings = serve_settings(
        redis_url, OTPBRIDGE_HTTP_SSE_HEARTBEAT="0.3", OTPBRIDGE_HTTP_SSE_MAX="4"
    )
    with running(settings) as srv:
        yield srv.url


def _create(base: str) -> dict[str, str]:
    r = httpx.post(f"{base}/v1/inboxes", json={"ttl": 300}, headers=admin())
    assert r.status_code == 201
    return dict(r.json())


def _frames(lines: Iterator[str], until: str, limit_s: float = 15) -> list[dict[str, str]]:
    """SSE frames (``id``/``event``/``data`` or ``comment``) up to one whose event is ``until``."""
    frames: list[dict[str, str]] = []
    frame: dict[str, str] = {}
    deadline = time.monotonic() + limit_s
    for line in lines:
        assert time.monotonic() < deadline, frames
        if line == "":
            if frame:
                frames.append(frame)
                if frame.get("event") == until:
                    return frames
            frame = {}
        elif line.startswith(":"):
            frames.append({"comment": line[1:].strip()})
        else:
            name, _, value = line.partition(":")
            frame[name] = value.lstrip()
    return frames


def test_sse_streams_the_timeline_without_codes(
    server: str, redis_client: redis.Redis, worker_proc: WorkerProcess
) -> None:
    inbox = _create(server)
    ingest = Ingest(redis_client)
    ingest.deliver(inbox["id"], code_mail(inbox["email"], "975310"))
    url = f"{server}/v1/inboxes/{inbox['id']}/events"
    with httpx.stream("GET", url, headers=bearer(inbox["token"]), timeout=20) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        frames = _frames(r.iter_lines(), until="extracted")
    events = [f for f in frames if "event" in f]
    assert [f["event"] for f in events] == ["received", "extracted"]
    received, extracted = (json.loads(f["data"]) for f in events)
    assert received["subject"] == "Your verification code"
    assert received["received_at"].endswith("Z")
    assert extracted["kind"] == "otp"
    assert extracted["has_code"] is True
    assert extracted["reasons"]
    assert extracted["latency_ms"] >= 0
    assert "code" not in extracted
    assert extracted["reasons"][0].startswith("code *** chosen")
    assert "975310" not in json.dumps(frames)
    # Resuming after the first event yields only the second; the admin cookie works too.
    cookie = {SESSION_COOKIE: issue_session(ADMIN, 60)}
    with httpx.stream(
        "GET", url, headers={"Last-Event-ID": events[0]["id"]}, cookies=cookie, timeout=20
    ) as r:
        assert r.status_code == 200
        again = _frames(r.iter_lines(), until="extracted")
    assert [f["event"] for f in again if "event" in f] == ["extracted"]


def test_sse_heartbeats_and_ends_after_its_max_duration(server: str) -> None:
    inbox = _create(server)
    url = f"{server}/v1/inboxes/{inbox['id']}/events?from=now"
    started = time.monotonic()
    with httpx.stream("GET", url, headers=bearer(inbox["token"]), timeout=20) as r:
        frames = _frames(r.iter_lines(), until="end")
    elapsed = time.monotonic() - started
    assert frames[-1]["event"] == "end"
    assert sum(1 for f in frames if f.get("comment") == "keepalive") >= 5
    assert 3.5 < elapsed < 8


def test_sse_ends_when_the_inbox_is_deleted(server: str) -> None:
    inbox = _create(server)
    url = f"{server}/v1/inboxes/{inbox['id']}/events"
    with httpx.stream("GET", url, headers=bearer(inbox["token"]), timeout=20) as r:
        lines = r.iter_lines()
        assert next(lines).startswith("retry:")
        assert httpx.delete(url.removesuffix("/events"), headers=admin()).status_code == 204
        frames = _frames(lines, until="deleted")
    assert frames[-1]["event"] == "deleted"


def _gone_count() -> float:
    labels = {"kind": "otp", "outcome": "client_gone"}
    return REGISTRY.get_sample_value("otpbridge_http_waits_total", labels) or 0.0


def _waits(redis_client: redis.Redis) -> int:
    return int(redis_client.zcard("otpb:waiting"))


def test_long_poll_is_cancelled_when_the_client_disconnects(
    server: str, redis_client: redis.Redis
) -> None:
    inbox = _create(server)
    Ingest(redis_client)  # a fresh bridge heartbeat: the wait must not fail as "bridge down"
    before = _gone_count()
    host, port = server.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    request = (
        f"GET /v1/inboxes/{inbox['id']}/otp?timeout=60 HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {inbox['token']}\r\n\r\n"
    )
    sock.sendall(request.encode())
    deadline = time.monotonic() + 5
    while _waits(redis_client) == 0:
        assert time.monotonic() < deadline, "the wait never started"
        time.sleep(0.02)
    closed_at = time.monotonic()
    sock.close()
    while _waits(redis_client) != 0:
        assert time.monotonic() - closed_at < 3, "the wait outlived its client"
        time.sleep(0.02)
    while _gone_count() != before + 1:
        assert time.monotonic() - closed_at < 3, "the wait was not counted as abandoned"
        time.sleep(0.02)


def test_event_data_masks_codes_in_reasons_and_drops_code_and_link() -> None:
    result = {
        "kind": "otp",
        "code": "NW44970",
        "candidates": [{"value": "NW44970", "score": 0.9, "reason": "typed prefix"}],
        "reasons": [
            "code NW44970 chosen (0.90 ≥ 0.5): shown as NW-44970, no code word names 2026",
            "code 2026 rejected (0.07 < 0.5): looks like a year/date",
        ],
    }
    fields = {
        "type": "extracted",
        "message_key": "k1",
        "kind": "otp",
        "code": "NW44970",
        "code_display": "NW-44970",
        "link": "https://app.example.com/v?token=s3cret",
        "link_kind": "confirm_link",
        "confidence": "0.9",
        "extracted_at": "1767322800123",
        "result": json.dumps(result),
    }
    data = event_data("1-0", fields, seen_ms=1767322800000)
    text = json.dumps(data)
    for secret in ("NW44970", "NW-44970", "s3cret", "token="):
        assert secret not in text
    assert data["reasons"][0].startswith("code *** chosen (0.90 ≥ 0.5): shown as ***")
    assert data["reasons"][1].startswith("code *** rejected")
    assert data["latency_ms"] == 123
    assert data["extracted_at"] == "2026-01-02T03:00:00.123Z"
    assert (data["has_code"], data["has_link"], data["link_kind"]) == (True, True, "confirm_link")


def test_event_streams_past_the_limit_get_503_and_the_api_keeps_answering(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each stream holds a pooled Redis connection; past the process's limit a new stream is
    refused with a JSON 503, while token checks (same pool) still work."""
    monkeypatch.setattr("otpbridge.bridge.http.sse.MAX_EVENT_STREAMS", 2)
    inbox = _create(server)
    url = f"{server}/v1/inboxes/{inbox['id']}/events"
    with (
        httpx.stream("GET", url, headers=bearer(inbox["token"]), timeout=20) as one,
        httpx.stream("GET", url, headers=bearer(inbox["token"]), timeout=20) as two,
    ):
        assert one.status_code == two.status_code == 200
        # Both streams have started (each holds its slot). The line iterators are kept: a
        # discarded one closes its response.
        lines_one, lines_two = one.iter_lines(), two.iter_lines()
        assert next(lines_one) == next(lines_two) == "retry: 2000"
        third = httpx.get(url, headers=bearer(inbox["token"]), timeout=5)
        assert third.status_code == 503
        assert third.headers["retry-after"] == "5"
        assert third.json()["error"] == "too_many_streams"
        info = httpx.get(f"{server}/v1/inboxes/{inbox['id']}", headers=bearer(inbox["token"]))
        assert info.status_code == 200
    # Slots come back when streams end.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with httpx.stream("GET", url, headers=bearer(inbox["token"]), timeout=20) as again:
            if again.status_code == 200:
                break
        time.sleep(0.2)
    else:
        pytest.fail("stream slots were not given back")
