"""A half-open IMAP link: a proxy that silently stops carrying bytes, without closing anything.

TCP keepalive does not see it (the proxy's kernel still answers), so the bridge must notice on
its own: a command (the DONE that renews IDLE, or a NOOP) that gets no reply within the read
timeout. The dialled link is also dead; once the path works again the bridge reconnects and
catches up by UID, and the mail that arrived meanwhile is delivered exactly once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis
from bridge_support import (
    address,
    events,
    heartbeat,
    mail,
    new_inbox,
    running_bridge,
    settings_for,
    wait_until,
)
from fault_support import BlackHoleProxy

from otpbridge.bridge.embedded import DovecotServer

pytestmark = pytest.mark.slow


@pytest.fixture
def proxy(own_dovecot: DovecotServer) -> Iterator[BlackHoleProxy]:
    proxy = BlackHoleProxy(own_dovecot.imap_port)
    yield proxy
    proxy.close()


def test_black_holed_imap_link_is_noticed_and_nothing_is_lost(
    own_dovecot: DovecotServer,
    proxy: BlackHoleProxy,
    redis_client: redis.Redis,
    redis_url: str,
) -> None:
    inbox = new_inbox(redis_client)
    url = own_dovecot.imap_url.replace(f":{own_dovecot.imap_port}/", f":{proxy.port}/")
    settings = settings_for(
        redis_url,
        own_dovecot,
        OTPBRIDGE_IMAP_URL=url,
        OTPBRIDGE_FAST_CHECK_MS="0",
        OTPBRIDGE_IDLE_RENEW="2",
        OTPBRIDGE_IMAP_READ_TIMEOUT="2",
        OTPBRIDGE_IMAP_CONNECT_TIMEOUT="2",
    )
    with running_bridge(settings, redis_client):
        own_dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(lambda: len(events(redis_client, inbox)) == 1, 5, "the first mail")
        proxy.black_hole()
        started = time.monotonic()
        for _ in range(3):
            own_dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(
            lambda: heartbeat(redis_client, settings).get("status") != "ok",
            10,
            "the bridge to notice the dead link",
            step=0.1,
        )
        noticed_s = time.monotonic() - started
        time.sleep(3)  # reconnects into the black hole must fail quietly, too
        assert len(events(redis_client, inbox)) == 1
        accepted = proxy.accepted
        proxy.restore()
        wait_until(lambda: len(events(redis_client, inbox)) == 4, 15, "the held-back mail")
        time.sleep(0.5)
    received = events(redis_client, inbox)
    assert len(received) == 4
    assert len({e["message_key"] for e in received}) == 4
    assert accepted >= 2  # it did try again while the link was dead
    assert noticed_s < settings.idle_renew_s + settings.read_timeout_s + 2
