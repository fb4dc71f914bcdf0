"""An inbox id is matched whole (issue 14): ``^…$`` let ``"<id>\\n"`` through, because ``$``
also matches before a trailing newline. Every public entry that validates an id refuses it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import pytest
import redis

from otpbridge.bridge.cli import main
from otpbridge.bridge.errors import InboxNotFoundError
from otpbridge.bridge.sdk import AsyncClient, Client
from otpbridge.worker import jobs
from otpbridge.worker.keys import INBOX_ID_RE, Keys

ADDRESS = "agents+{id}@corp.example"
VALID = "k4leenwtxhc02bhjqxc2"


@pytest.mark.parametrize(
    "bad", [f"{VALID}\n", f"\n{VALID}", f"{VALID}\r\n", f"{VALID} ", f"{VALID}\x00", "a" * 65]
)
def test_regex_refuses_anything_around_the_id(bad: str) -> None:
    assert INBOX_ID_RE.match(VALID)
    assert INBOX_ID_RE.match(bad) is None


def _sync_calls(client: Client) -> list[Callable[[str], object]]:
    return [
        client.inboxes.get,
        client.inboxes.delete,
        client.inboxes.list_emails,
        lambda i: client.messages.wait_for_otp(i, timeout=0),
        lambda i: client.messages.wait_for_link(i, timeout=0),
        lambda i: client.messages.wait_for_message(i, timeout=0),
    ]


def test_sdk_refuses_an_id_with_a_trailing_newline(redis_url: str) -> None:
    with Client.from_url(redis_url, address=ADDRESS, require_watcher=False) as client:
        inbox = client.inboxes.create(ttl=60)
        for call in _sync_calls(client):
            with pytest.raises(InboxNotFoundError, match="not an inbox id"):
                call(inbox.id + "\n")
        assert client.inboxes.get(inbox.id).id == inbox.id
        assert client.inboxes.delete(inbox.id)


def test_async_sdk_refuses_an_id_with_a_trailing_newline(redis_url: str) -> None:
    async def run() -> int:
        refused = 0
        async with AsyncClient.from_url(redis_url, address=ADDRESS, require_watcher=False) as ac:
            inbox = await ac.inboxes.create(ttl=60)
            bad = inbox.id + "\n"
            calls: list[Callable[[], Any]] = [
                lambda: ac.inboxes.get(bad),
                lambda: ac.inboxes.delete(bad),
                lambda: ac.inboxes.list_emails(bad),
                lambda: ac.messages.wait_for_otp(bad, timeout=0),
                lambda: ac.messages.wait_for_link(bad, timeout=0),
                lambda: ac.messages.wait_for_message(bad, timeout=0),
            ]
            for call in calls:
                with pytest.raises(InboxNotFoundError, match="not an inbox id"):
                    await call()
                refused += 1
            await ac.inboxes.delete(inbox.id)
        return refused

    assert asyncio.run(run()) == 6


@pytest.mark.parametrize("argv", [["wait", "--timeout", "0"], ["inbox", "delete"]])
def test_cli_refuses_an_id_with_a_trailing_newline(
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    monkeypatch.setenv("OTPBRIDGE_REDIS_URL", redis_url)
    monkeypatch.setenv("OTPBRIDGE_ADDRESS", ADDRESS)
    with Client.from_url(redis_url, address=ADDRESS, require_watcher=False) as client:
        inbox = client.inboxes.create(ttl=60)
        assert main([*argv, inbox.id + "\n"]) == 2
        err = capsys.readouterr().err
        assert "not an inbox id" in err
        assert "Traceback" not in err
        assert client.inboxes.delete(inbox.id)


def test_worker_job_skips_an_id_with_a_trailing_newline(
    redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[Sequence[Any]] = []
    real_read = jobs._read

    def spy(client: redis.Redis, keys: Keys, items: Sequence[Any]) -> Any:
        read.append(list(items))
        return real_read(client, keys, items)

    monkeypatch.setattr(jobs, "_read", spy)
    results = jobs.process_messages(
        redis_client, Keys(), [(VALID + "\n", "mk-1", 0, 0), (VALID, "mk-2", 0, 0)]
    )
    assert results == ["gone", "gone"]
    assert read == [[(VALID, "mk-2", 0, 0)]]  # the malformed id never reaches Redis
