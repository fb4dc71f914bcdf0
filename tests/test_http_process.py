"""The real ``otpbridge serve`` process, talked to over HTTP from outside: the issue's "done
when" for the API (create → token; a mail arrives; GET otp returns the code, a second GET is
204; another inbox's token is refused; /openapi.json), health and metrics on their own port,
JSON logs without secrets, and a graceful SIGTERM that ends an open long-poll at once."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from bridge_support import OTPBRIDGE
from cli_process import CliProcess
from http_support import ADDRESS, ADMIN, admin, bearer
from pipeline_helpers import Ingest, code_mail, run_jobs

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Serve(CliProcess):
    def __init__(self, redis_url: str, log_path: Path) -> None:
        self.port, self.metrics_port = _free_port(), _free_port()
        env = {
            "OTPBRIDGE_REDIS_URL": redis_url,
            "OTPBRIDGE_API_TOKEN": ADMIN,
            "OTPBRIDGE_ADDRESS": ADDRESS,
            "OTPBRIDGE_HTTP_PORT": str(self.port),
            "OTPBRIDGE_METRICS_PORT": str(self.metrics_port),
            "OTPBRIDGE_LOG_LEVEL": "INFO",
        }
        super().__init__([OTPBRIDGE, "serve"], env, log_path)
        self.url = f"http://127.0.0.1:{self.port}"
        self.metrics = f"http://127.0.0.1:{self.metrics_port}"

    def wait_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log()
            try:
                if httpx.get(f"{self.url}/openapi.json", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"serve did not start:\n{self.log()}")

    def stop(self, timeout: float = 15) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise
        self._log.close()
        return self.proc.returncode


@pytest.fixture
def serve(redis_url: str, tmp_path: Path) -> Iterator[Serve]:
    proc = Serve(redis_url, tmp_path / "serve.log")
    try:
        proc.wait_ready()
        yield proc
    finally:
        proc.stop()


def test_serve_process_end_to_end(serve: Serve, redis_url: str, redis_client: redis.Redis) -> None:
    with httpx.Client(base_url=serve.url, timeout=30) as http:
        _end_to_end(serve, http, redis_url, redis_client)


def _end_to_end(
    serve: Serve, http: httpx.Client, redis_url: str, redis_client: redis.Redis
) -> None:
    r = http.post("/v1/inboxes", json={"ttl": 300}, headers=admin())
    assert r.status_code == 201, r.text
    inbox = r.json()
    other = http.post("/v1/inboxes", json={"ttl": 300}, headers=admin()).json()
    Ingest(redis_client).deliver(inbox["id"], code_mail(inbox["email"], "864209"))
    run_jobs(redis_url)
    otp = http.get(f"/v1/inboxes/{inbox['id']}/otp?timeout=10", headers=bearer(inbox["token"]))
    assert otp.status_code == 200, otp.text
    assert otp.json()["code"] == "864209"
    again = http.get(f"/v1/inboxes/{inbox['id']}/otp?timeout=1", headers=bearer(inbox["token"]))
    assert again.status_code == 204
    assert again.headers["Otpbridge-Mails-Arrived"] == "0"
    refused = http.get(f"/v1/inboxes/{inbox['id']}/otp?timeout=0", headers=bearer(other["token"]))
    assert refused.status_code == 404
    assert http.get("/v1/inboxes").status_code == 401
    assert http.get("/openapi.json").json()["openapi"] == "3.1.0"

    # Health and metrics: on the metrics port only.
    assert http.get("/healthz").status_code == 404
    with httpx.Client(base_url=serve.metrics) as probe:
        assert probe.get("/healthz").status_code == 200
        assert probe.get("/readyz").status_code == 200
        metrics = probe.get("/metrics").text
    assert 'otpbridge_http_requests_total{endpoint="wait_otp",method="GET",status="200"}' in metrics
    assert 'otpbridge_http_waits_total{kind="otp",outcome="timeout"}' in metrics

    # SIGTERM with a long-poll open: it answers 503 at once, the process exits 0.
    answer: list[httpx.Response] = []
    poll = threading.Thread(
        target=lambda: answer.append(
            http.get(f"/v1/inboxes/{other['id']}/otp?timeout=60", headers=bearer(other["token"]))
        )
    )
    poll.start()
    deadline = time.monotonic() + 5
    while not redis_client.zcard("otpb:waiting"):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    stopped = time.monotonic()
    assert serve.stop() == 0, serve.log()
    poll.join(10)
    assert time.monotonic() - stopped < 5
    assert answer[0].status_code == 503
    assert answer[0].json()["error"] == "shutting_down"
    assert answer[0].headers["Retry-After"] == "1"

    log = serve.log()
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    events = [line["event"] for line in lines]
    assert "serve_starting" in events
    assert "serve_stopping" in events
    assert "serve_stopped" in events
    for secret in ("864209", inbox["token"], other["token"], ADMIN):
        assert secret not in log


def test_serve_refuses_to_start_without_an_admin_token(redis_url: str, tmp_path: Path) -> None:
    env = {"OTPBRIDGE_REDIS_URL": redis_url}
    proc = CliProcess([OTPBRIDGE, "serve"], env, tmp_path / "serve.log")
    assert proc.proc.wait(30) == 2
    proc.kill()  # closes the log
    assert "OTPBRIDGE_API_TOKEN" in proc.log()


def test_serve_says_which_port_is_taken(redis_url: str, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        base = {"OTPBRIDGE_REDIS_URL": redis_url, "OTPBRIDGE_API_TOKEN": ADMIN}
        for env, status, says in (
            ({"OTPBRIDGE_HTTP_PORT": port}, 1, f"could not listen on 127.0.0.1:{port}"),
            ({"OTPBRIDGE_HTTP_PORT": "0", "OTPBRIDGE_METRICS_PORT": port}, 2, "metrics port"),
        ):
            proc = CliProcess([OTPBRIDGE, "serve"], {**base, **env}, tmp_path / f"{status}.log")
            assert proc.proc.wait(30) == status
            proc.kill()
            assert says in proc.log()
