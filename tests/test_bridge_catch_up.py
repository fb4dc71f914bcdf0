"""A catch-up of several mails: bodies in one FETCH, one ingest transaction, a few jobs."""

from __future__ import annotations

import pytest
import redis
from bridge_support import (
    KEYS,
    address,
    events,
    mail,
    new_inbox,
    running_bridge,
    settings_for,
    unrouted,
    wait_until,
)
from rq import Queue

from otpbridge.bridge.embedded import DovecotServer
from otpbridge.bridge.imap import delivery
from otpbridge.bridge.imap.ingest import Ingestor, Plan


def test_backlog_bodies_come_in_one_fetch_and_skip_oversize_and_unrouted_mail(
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    one, two = new_inbox(redis_client), new_inbox(redis_client)
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_MAX_MESSAGE_BYTES="2048")
    with running_bridge(settings, redis_client):
        pass  # sets the checkpoint; what follows arrives while the bridge is down

    dovecot.deliver(address(one), mail(address(one), subject="a"))
    dovecot.deliver(address(one), mail(address(one), subject="big", body="x" * 4000))
    dovecot.deliver("nobody@corp.test", mail("nobody@corp.test", subject="stray"))
    dovecot.deliver(address(two), mail(address(two), subject="b"))
    dovecot.deliver(address(one), mail(address(one), subject="c"))

    fetched: list[list[int]] = []
    real_fetch_bodies = delivery.fetch_bodies

    def spy(conn: object, uids: list[int]) -> dict[int, bytes]:
        fetched.append(list(uids))
        return real_fetch_bodies(conn, uids)  # type: ignore[arg-type]

    monkeypatch.setattr(delivery, "fetch_bodies", spy)
    commits: list[list[str]] = []
    real_commit = Ingestor.commit

    def commit_spy(self: Ingestor, uidvalidity: int, plans: list[Plan], seen: int) -> list[str]:
        outcomes = real_commit(self, uidvalidity, plans, seen)
        commits.append(list(outcomes))
        return list(outcomes)

    monkeypatch.setattr(Ingestor, "commit", commit_spy)
    with running_bridge(settings, redis_client):
        wait_until(lambda: len(events(redis_client, one)) == 3, 5.0, "three events for one")
        wait_until(lambda: len(events(redis_client, two)) == 1, 5.0, "one event for two")

    first = events(redis_client, one)
    assert [(e["type"], e.get("subject", "")) for e in first] == [
        ("received", "a"),
        ("failed", ""),
        ("received", "c"),
    ]
    assert "too large" in first[1]["error"]
    assert [e["subject"] for e in events(redis_client, two)] == ["b"]
    assert [e["reason"] for e in unrouted(redis_client)] == ["no_recipient_match"]
    # Three routed mails under the cap, one FETCH; the oversize and the stray one never read.
    assert len(fetched) == 1
    assert len(fetched[0]) == 3
    stray_uid = int(unrouted(redis_client)[0]["uid"])
    assert stray_uid not in fetched[0]
    assert commits == [["routed", "failed", "unrouted", "routed", "routed"]]
    # Three routed mails that arrived together: one extraction job, not three.
    assert len(Queue("otpbridge", connection=redis_client).job_ids) == 1
    cursor = redis_client.hgetall(KEYS.cursor(settings.mailboxes[0].name, "INBOX"))
    assert int(cursor[b"last_uid"]) == max(fetched[0])
