"""``serve``'s HTTP API against a real Redis, over real HTTP (uvicorn on a loopback port).

Mail goes in through the bridge's own ingest step and a real extraction job
(tests/pipeline_helpers.py), so a code a test reads back came through the whole pipeline but IMAP.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import redis
from http_support import ADMIN, admin, bearer, running, serve_settings
from pipeline_helpers import Ingest, WorkerProcess, code_mail, link_mail

from otpbridge.bridge.http.waits import MAILS_ARRIVED_HEADER


@pytest.fixture
def api(redis_url: str) -> Iterator[httpx.Client]:
    with (
        running(serve_settings(redis_url)) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield http


@pytest.fixture
def ingest(redis_client: redis.Redis, worker_proc: WorkerProcess) -> Ingest:
    """Mail in through the bridge's ingest step; the worker process extracts it."""
    return Ingest(redis_client)


def _create(http: httpx.Client, **body: object) -> dict[str, object]:
    r = http.post("/v1/inboxes", json=body or {"ttl": 300}, headers=admin())
    assert r.status_code == 201, r.text
    return dict(r.json())


def _deliver(ingest: Ingest, inbox: dict[str, object], raw: bytes) -> str:
    return ingest.deliver(str(inbox["id"]), raw)


def test_create_wait_code_then_204_with_mails_arrived(api: httpx.Client, ingest: Ingest) -> None:
    inbox = _create(api, ttl=300, label="signup")
    assert set(inbox) >= {"id", "email", "expires_at", "token", "created_at"}
    assert "webhook_secret" not in inbox
    assert str(inbox["email"]) == f"agents+{inbox['id']}@corp.example"
    token = str(inbox["token"])
    assert len(token) >= 43  # 32 random bytes, base64url
    _deliver(ingest, inbox, code_mail(str(inbox["email"]), "482913"))
    r = api.get(f"/v1/inboxes/{inbox['id']}/otp", params={"timeout": 10}, headers=bearer(token))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["code"] == "482913"
    assert body["code_display"] == "482913"
    assert body["message"]["subject"] == "Your verification code"
    assert "no-reply@accounts.example.com" in body["message"]["from"]
    assert body["message"]["received_at"].endswith("Z")
    assert isinstance(body["expires_in_s"], int)
    # Consumed: a second request waits for the next code and times out, telling how many
    # mails came meanwhile (one, a mail without a code... here: none).
    started = time.monotonic()
    r = api.get(f"/v1/inboxes/{inbox['id']}/otp", params={"timeout": 1}, headers=bearer(token))
    assert r.status_code == 204
    assert r.headers[MAILS_ARRIVED_HEADER] == "0"
    assert 1.0 <= time.monotonic() - started < 3.0

    # A mail without a code during the wait: still 204, but "1 mail arrived".
    def later() -> None:
        time.sleep(0.3)
        _deliver(
            ingest,
            inbox,
            link_mail(str(inbox["email"]), "https://app.example.com/confirm?token=Zx81kLq0pV"),
        )

    t = threading.Thread(target=later)
    t.start()
    r = api.get(f"/v1/inboxes/{inbox['id']}/otp", params={"timeout": 3}, headers=bearer(token))
    t.join()
    assert r.status_code == 204
    assert r.headers[MAILS_ARRIVED_HEADER] == "1"
    # ... and that mail's link is there for a link wait.
    r = api.get(
        f"/v1/inboxes/{inbox['id']}/link",
        params={"timeout": 5, "kind": "any"},
        headers=bearer(token),
    )
    assert r.status_code == 200, r.text
    assert r.json()["url"] == "https://app.example.com/confirm?token=Zx81kLq0pV"
    assert r.json()["kind"] == "confirm_link"


def test_idempotency_key_repeats_the_answer(api: httpx.Client, ingest: Ingest) -> None:
    inbox = _create(api)
    url, token = f"/v1/inboxes/{inbox['id']}/otp", str(inbox["token"])
    _deliver(ingest, inbox, code_mail(str(inbox["email"]), "135790"))
    headers = {**bearer(token), "Idempotency-Key": "req-7"}
    first = api.get(url, params={"timeout": 5}, headers=headers)
    again = api.get(url, params={"timeout": 5}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json()["code"] == again.json()["code"] == "135790"
    # Without the key the code is gone.
    assert api.get(url, params={"timeout": 0.5}, headers=bearer(token)).status_code == 204


def test_tokens_are_per_inbox(api: httpx.Client) -> None:
    a, b = _create(api), _create(api)
    for path in ("", "/messages", "/otp?timeout=0", "/events"):
        r = api.get(f"/v1/inboxes/{b['id']}{path}", headers=bearer(str(a["token"])))
        assert r.status_code == 404, (path, r.text)
        assert r.json() == {"error": "inbox_not_found", "detail": "no such inbox"}
    assert api.delete(f"/v1/inboxes/{b['id']}", headers=bearer(str(a["token"]))).status_code == 404
    # Its own inbox works; admin-only endpoints are refused to an inbox token.
    assert api.get(f"/v1/inboxes/{a['id']}", headers=bearer(str(a["token"]))).status_code == 200
    r = api.get("/v1/inboxes", headers=bearer(str(a["token"])))
    assert r.status_code == 403
    assert r.json()["error"] == "forbidden"
    r = api.post("/v1/inboxes", json={}, headers=bearer(str(a["token"])))
    assert r.status_code == 403
    listed = api.get("/v1/inboxes", headers=admin()).json()["inboxes"]
    assert {i["id"] for i in listed} == {a["id"], b["id"]}
    assert all("token" not in i for i in listed)


def test_unknown_inbox_is_404_and_no_token_is_401(api: httpx.Client) -> None:
    r = api.get("/v1/inboxes/" + "a" * 20, headers=admin())
    assert r.status_code == 404
    assert r.json()["error"] == "inbox_not_found"
    r = api.get("/v1/inboxes/not-an-id!", headers=admin())
    assert r.status_code == 404
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"}):
        r = api.get("/v1/inboxes", headers=headers)
        assert r.status_code == 401
        assert set(r.json()) == {"error", "detail"}
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
    r = api.get("/v1/nowhere", headers=admin())
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"
    r = api.put("/v1/inboxes", headers=admin())
    assert r.status_code == 405
    assert set(r.json()) == {"error", "detail"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ttl": "soon"}, "ttl"),
        ({"ttl": -1}, "ttl"),
        ({"ttl": 60, "allowed_senders": "github.com"}, "allowed_senders"),
        ({"ttl": 60, "allowed_senders": ["a b"]}, "allowed_senders"),
        ({"ttl": 60, "label": 7}, "label"),
        ({"ttl": 60, "colour": "red"}, "colour"),
        ({"ttl": 60, "webhook_url": "ftp://x.example/"}, "webhook_url"),
        ({"ttl": 60, "webhook_url": "http://127.0.0.1:9/hook"}, "webhook_url"),
        ({"ttl": 60, "webhook_url": 5}, "webhook_url"),
        ([1, 2], "body"),
    ],
)
def test_bad_body_is_422_naming_the_field(api: httpx.Client, body: object, field: str) -> None:
    r = api.post("/v1/inboxes", json=body, headers=admin())
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert r.json()["error"] == "invalid_request"
    assert field in r.json()["detail"]


def test_bad_query_is_422_naming_the_field(api: httpx.Client) -> None:
    inbox = _create(api)
    base = f"/v1/inboxes/{inbox['id']}"
    cases = [
        ("/otp?timeout=abc", "timeout"),
        ("/otp?timeout=-1", "timeout"),
        ("/otp?since=yesterday", "since"),
        ("/otp?after=a%20b", "after"),
        ("/link?kind=phone", "kind"),
    ]
    for path, field in cases:
        r = api.get(base + path, headers=admin())
        assert r.status_code == 422, (path, r.text)
        assert r.json()["field"] == field
    r = api.post("/v1/inboxes", content=b"{not json", headers=admin())
    assert r.status_code == 422
    assert r.json()["field"] == "body"


def test_delete_then_404(api: httpx.Client, redis_client: redis.Redis) -> None:
    inbox = _create(api, ttl=86400)
    path = f"/v1/inboxes/{inbox['id']}"
    assert api.delete(path, headers=bearer(str(inbox["token"]))).status_code == 204
    # The token's keys now expire within the hour (not at the inbox's original expiry).
    digest = hashlib.sha256(str(inbox["token"]).encode()).hexdigest()
    assert 0 < redis_client.pttl(f"otpb:token:{digest}") <= 3600_000
    assert 0 < redis_client.pttl(f"otpb:tokenof:{{{inbox['id']}}}") <= 3600_000
    for headers in (admin(), bearer(str(inbox["token"]))):
        assert api.get(path, headers=headers).status_code == 404
        assert api.delete(path, headers=headers).status_code == 404
        assert api.get(path + "/otp?timeout=0", headers=headers).status_code == 404


def test_token_rotation(api: httpx.Client) -> None:
    inbox = _create(api)
    path = f"/v1/inboxes/{inbox['id']}"
    old = str(inbox["token"])
    r = api.post(path + "/token", headers=bearer(old))
    assert r.status_code == 200
    new = r.json()["token"]
    assert new != old
    assert api.get(path, headers=bearer(old)).status_code == 401
    assert api.get(path, headers=bearer(new)).status_code == 200
    newer = api.post(path + "/token", headers=admin()).json()["token"]
    assert api.get(path, headers=bearer(new)).status_code == 401
    assert api.get(path, headers=bearer(newer)).status_code == 200


def test_tokens_are_stored_hashed_only(api: httpx.Client, redis_client: redis.Redis) -> None:
    inbox = _create(api)
    token = str(inbox["token"])
    rotated = api.post(f"/v1/inboxes/{inbox['id']}/token", headers=admin()).json()["token"]
    seen = b""
    for key in redis_client.scan_iter(count=1000):
        seen += key + b"\n"
        kind = redis_client.type(key)
        if kind == b"string":
            seen += redis_client.get(key) or b""
        elif kind == b"hash":
            for k, v in redis_client.hgetall(key).items():
                seen += k + v
        elif kind == b"stream":
            for _, fields in redis_client.xrange(key):
                for k, v in fields.items():
                    seen += k + v
        elif kind == b"zset":
            seen += b"".join(m for m, _ in redis_client.zrange(key, 0, -1, withscores=True))
        elif kind == b"set":
            seen += b"".join(redis_client.smembers(key))
    for plaintext in (token, rotated, ADMIN):
        assert plaintext.encode() not in seen
    digest = hashlib.sha256(rotated.encode()).hexdigest()
    assert redis_client.get(f"otpb:token:{digest}") == str(inbox["id"]).encode()
    ttl_ms = redis_client.pttl(f"otpb:token:{digest}")
    assert 0 < ttl_ms <= 300_000
    # The rotated-out token's key is gone.
    assert not redis_client.exists(f"otpb:token:{hashlib.sha256(token.encode()).hexdigest()}")


def test_messages_carry_extraction_and_reasons(api: httpx.Client, ingest: Ingest) -> None:
    inbox = _create(api)
    _deliver(ingest, inbox, code_mail(str(inbox["email"]), "246810"))
    token = bearer(str(inbox["token"]))
    deadline = time.monotonic() + 10
    while True:  # the worker process extracts it within milliseconds, usually
        r = api.get(f"/v1/inboxes/{inbox['id']}/messages", headers=token)
        assert r.status_code == 200
        (mail,) = r.json()["messages"]
        if mail["extraction"] is not None or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert mail["extraction"]["code"] == "246810"
    assert mail["reasons"]
    assert "246810" in mail["text"]
    summary = api.get(f"/v1/inboxes/{inbox['id']}", headers=token).json()
    assert summary["messages"][0]["kind"] == "otp"
    assert summary["messages"][0]["reasons"] == mail["reasons"]
    assert "text" not in summary["messages"][0]


def test_totp(api: httpx.Client) -> None:
    secret = "JBSWY3DPEHPK3PXP"
    r = api.get("/v1/totp", params={"secret": secret}, headers=admin())
    assert r.status_code == 200
    assert r.json()["code"].isdigit()
    assert len(r.json()["code"]) == 6
    r2 = api.post("/v1/totp", json={"secret": secret}, headers=admin())
    assert r2.json()["code"].isdigit()
    r = api.get("/v1/totp", params={"secret": "not base32!"}, headers=admin())
    assert r.status_code == 422
    assert r.json()["field"] == "secret"
    assert api.get("/v1/totp", params={"secret": secret}).status_code == 401


def test_webhook_secret_once_and_rotation(api: httpx.Client) -> None:
    inbox = _create(api, ttl=60, webhook_url="https://hooks.example.com/otp")
    secret = str(inbox["webhook_secret"])
    assert secret.startswith("whsec_")
    assert inbox["webhook_url"] == "https://hooks.example.com/otp"
    path = f"/v1/inboxes/{inbox['id']}"
    shown = api.get(path, headers=admin()).json()
    assert shown["webhook_url"] == "https://hooks.example.com/otp"
    assert "webhook_secret" not in shown
    r = api.post(path + "/webhook-secret", headers=bearer(str(inbox["token"])))
    assert r.status_code == 200
    assert r.json()["webhook_secret"].startswith("whsec_")
    assert r.json()["webhook_secret"] != secret
    plain = _create(api)
    r = api.post(f"/v1/inboxes/{plain['id']}/webhook-secret", headers=admin())
    assert r.status_code == 409
    assert r.json()["error"] == "no_webhook"
    r = api.post(f"/v1/inboxes/{plain['id']}/webhook-secret", headers=bearer(str(inbox["token"])))
    assert r.status_code == 404
