"""``serve``'s guards: settings that refuse bad values and hide secrets, the UI session cookie,
the per-token rate limit (real Redis, real HTTP)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from http_support import ADMIN, admin, bearer, running, serve_settings

from otpbridge.bridge.errors import ConfigError
from otpbridge.bridge.http.session import SESSION_COOKIE, issue_session, verify_session
from otpbridge.bridge.http.settings import load_serve_settings
from otpbridge.bridge.http.tokens import admin_matches

BASE = {
    "OTPBRIDGE_REDIS_URL": "redis://:hunter2-redis@127.0.0.1:6379/0",
    "OTPBRIDGE_API_TOKEN": ADMIN,
}


def test_settings_defaults_and_hidden_secrets() -> None:
    s = load_serve_settings(BASE)
    assert (s.host, s.port, s.wait_default_s, s.wait_max_s) == ("127.0.0.1", 8025, 55.0, 120.0)
    assert s.metrics_port is None
    assert s.api_token.reveal() == ADMIN
    text = repr(s)
    assert ADMIN not in text
    assert "hunter2" not in text
    assert "hunter2" not in s.redis_url_redacted


def test_settings_token_file(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text(ADMIN + "\n")
    s = load_serve_settings(
        {"OTPBRIDGE_REDIS_URL": BASE["OTPBRIDGE_REDIS_URL"], "OTPBRIDGE_API_TOKEN_FILE": str(path)}
    )
    assert s.api_token.reveal() == ADMIN


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"OTPBRIDGE_API_TOKEN": ""}, "OTPBRIDGE_API_TOKEN"),
        ({"OTPBRIDGE_API_TOKEN": "short"}, "OTPBRIDGE_API_TOKEN"),
        (
            {"OTPBRIDGE_API_TOKEN": "", "OTPBRIDGE_API_TOKEN_FILE": "/nonexistent/x"},
            "OTPBRIDGE_API_TOKEN_FILE",
        ),
        ({"OTPBRIDGE_HTTP_PORT": "eighty"}, "OTPBRIDGE_HTTP_PORT"),
        ({"OTPBRIDGE_HTTP_PORT": "70000"}, "OTPBRIDGE_HTTP_PORT"),
        ({"OTPBRIDGE_METRICS_PORT": "-1"}, "OTPBRIDGE_METRICS_PORT"),
        ({"OTPBRIDGE_HTTP_RATE_LIMIT": "many"}, "OTPBRIDGE_HTTP_RATE_LIMIT"),
        ({"OTPBRIDGE_HTTP_RATE_WINDOW": "0"}, "OTPBRIDGE_HTTP_RATE_WINDOW"),
        ({"OTPBRIDGE_HTTP_WAIT_MAX": "forever"}, "OTPBRIDGE_HTTP_WAIT_MAX"),
        ({"OTPBRIDGE_PUBLIC_URL": "otp.corp.example"}, "OTPBRIDGE_PUBLIC_URL"),
        ({"OTPBRIDGE_HTTP_HOST": "a b"}, "OTPBRIDGE_HTTP_HOST"),
        ({"OTPBRIDGE_REDIS_URL": "http://x"}, "OTPBRIDGE_REDIS_URL"),
        ({"OTPBRIDGE_HTTP_REQUIRE_BRIDGE": "maybe"}, "OTPBRIDGE_HTTP_REQUIRE_BRIDGE"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_serve_settings({**BASE, **env})
    assert names in str(err.value)
    assert ADMIN not in str(err.value)
    assert "hunter2" not in str(err.value)


def test_session_cookie() -> None:
    value = issue_session(ADMIN, 60)
    assert verify_session(value, ADMIN)
    assert not verify_session(value, ADMIN + "-rotated")
    assert not verify_session(value[:-2] + "xx", ADMIN)
    assert not verify_session(value.replace("v1.", "v1.9", 1), ADMIN)
    assert not verify_session(issue_session(ADMIN, 60, now=0), ADMIN)  # expired long ago
    assert not verify_session("", ADMIN)
    assert not verify_session("a.b.c.d", ADMIN)
    assert ADMIN not in value
    assert admin_matches(ADMIN, ADMIN)
    assert not admin_matches(ADMIN[:-1], ADMIN)


@pytest.fixture
def limited(redis_url: str) -> Iterator[str]:
    settings = serve_settings(
        redis_url, OTPBRIDGE_HTTP_RATE_LIMIT="3", OTPBRIDGE_HTTP_RATE_WINDOW="2"
    )
    with running(settings) as server:
        yield server.url


def test_rate_limit_is_per_token_with_retry_after(limited: str) -> None:
    with httpx.Client(base_url=limited, timeout=10) as http:
        a = http.post("/v1/inboxes", json={"ttl": 60}, headers=admin()).json()
        b = http.post("/v1/inboxes", json={"ttl": 60}, headers=admin()).json()
        statuses = [
            http.get(f"/v1/inboxes/{a['id']}", headers=bearer(a["token"])).status_code
            for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        r = http.get(f"/v1/inboxes/{a['id']}", headers=bearer(a["token"]))
        assert r.status_code == 429
        assert r.json()["error"] == "rate_limited"
        assert 1 <= int(r.headers["Retry-After"]) <= 2
        # Another token has its own budget (the admin's is spent: 2 creates + this one).
        assert http.get(f"/v1/inboxes/{b['id']}", headers=bearer(b["token"])).status_code == 200


def test_ui_cookie_is_admin_only_and_signed(redis_url: str) -> None:
    with running(serve_settings(redis_url)) as server, httpx.Client(base_url=server.url) as http:
        good = {SESSION_COOKIE: issue_session(ADMIN, 60)}
        http.cookies.update(good)
        assert http.get("/v1/inboxes").status_code == 200
        http.cookies.clear()
        http.cookies.update({SESSION_COOKIE: issue_session("another-admin-token-xyz", 60)})
        assert http.get("/v1/inboxes").status_code == 401


def test_redis_down_is_503_json() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    settings = serve_settings(f"redis://127.0.0.1:{port}/0")
    with running(settings) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        for headers in (admin(), bearer("x" * 43)):
            r = http.get("/v1/inboxes", headers=headers)
            assert r.status_code == 503, r.text
            assert r.json()["error"] == "redis_unavailable"
            assert r.headers["Retry-After"] == "5"
