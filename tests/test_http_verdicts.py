"""``GET /v1/inboxes/{id}/verdicts``: after a wait's 204, what became of each mail and why —
against a real Redis over real HTTP, with a real extraction worker."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage

import httpx
import pytest
import redis
from http_support import admin, bearer, running, serve_settings
from pipeline_helpers import Ingest, WorkerProcess, code_mail, link_mail


@pytest.fixture
def api(redis_url: str) -> Iterator[httpx.Client]:
    with (
        running(serve_settings(redis_url)) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield http


@pytest.fixture
def ingest(redis_client: redis.Redis, worker_proc: WorkerProcess) -> Ingest:
    return Ingest(redis_client)


def _create(http: httpx.Client) -> dict[str, str]:
    r = http.post("/v1/inboxes", json={"ttl": 300}, headers=admin())
    assert r.status_code == 201, r.text
    return {k: str(v) for k, v in r.json().items()}


def _order_mail(to: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Shop <orders@shop.example.com>"
    msg["To"] = to
    msg["Delivered-To"] = to
    msg["Subject"] = "Your order has shipped"
    msg.set_content("Your order number 4471902 is on its way; track it in your account.\n")
    return msg.as_bytes()


def test_204_then_verdicts_say_why(api: httpx.Client, ingest: Ingest) -> None:
    inbox = _create(api)
    token, path = inbox["token"], f"/v1/inboxes/{inbox['id']}"
    ingest.deliver(inbox["id"], _order_mail(inbox["email"]))
    url = "https://app.example.com/verify?t=Zq81kP0xTokenSecret"
    ingest.deliver(inbox["id"], link_mail(inbox["email"], url))
    r = api.get(f"{path}/otp", params={"timeout": 3}, headers=bearer(token))
    assert r.status_code == 204

    r = api.get(f"{path}/verdicts", headers=bearer(token))
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "no-store"
    link, order = r.json()["verdicts"]
    assert link["state"] == "extracted"
    assert link["kind"] == "confirm_link"
    assert link["has_code"] is False
    assert order["kind"] == "none"
    assert any("4471902" in line and "rejected" in line for line in order["reasons"])
    assert "Zq81kP0x" not in r.text
    # The admin token reads it too; ``limit`` keeps the newest.
    r = api.get(f"{path}/verdicts", params={"limit": 1}, headers=admin())
    assert [v["kind"] for v in r.json()["verdicts"]] == ["confirm_link"]


def test_handed_out_codes_are_masked(api: httpx.Client, ingest: Ingest) -> None:
    inbox = _create(api)
    token, path = inbox["token"], f"/v1/inboxes/{inbox['id']}"
    ingest.deliver(inbox["id"], code_mail(inbox["email"], "731904", subject="731904 is your code"))
    r = api.get(f"{path}/otp", params={"timeout": 10}, headers=bearer(token))
    assert r.json()["code"] == "731904"
    r = api.get(f"{path}/verdicts", headers=bearer(token))
    (verdict,) = r.json()["verdicts"]
    assert verdict["code_handed_out"] is True
    assert verdict["has_code"] is True
    assert "731904" not in r.text
    assert verdict["message"]["subject"] == "73\u2022\u2022\u2022\u2022 is your code"


@pytest.mark.parametrize("limit", ["0", "201", "ten"])
def test_bad_limit_is_422(api: httpx.Client, limit: str) -> None:
    inbox = _create(api)
    r = api.get(f"/v1/inboxes/{inbox['id']}/verdicts", params={"limit": limit}, headers=admin())
    assert r.status_code == 422
    assert r.json()["field"] == "limit"


def test_other_inboxes_token_gets_404(api: httpx.Client) -> None:
    mine, other = _create(api), _create(api)
    r = api.get(f"/v1/inboxes/{other['id']}/verdicts", headers=bearer(mine["token"]))
    assert r.status_code == 404
    assert api.get(f"/v1/inboxes/{mine['id']}/verdicts").status_code == 401
