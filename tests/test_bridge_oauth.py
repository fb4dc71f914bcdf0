"""XOAUTH2 against a real Dovecot whose oauth2 passdb asks a token-introspection endpoint.

Microsoft 365 and Google Workspace take OAuth2 bearer tokens over IMAP (SASL XOAUTH2). Here a
small RFC 7662 introspection server plays the identity provider: Dovecot posts each token to it
and logs in only the ones it calls active. The bridge reads its token from a file on every
connect, so a token rotated by a sidecar is picked up at the next reconnect.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs

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

from otpbridge.bridge.embedded import DovecotServer
from otpbridge.bridge.embedded.ports import free_port
from otpbridge.bridge.imap import Bridge


class _IdentityProvider(BaseHTTPRequestHandler):
    active: ClassVar[dict[str, str]] = {}  # token → user name
    asked: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        token = parse_qs(body).get("token", [""])[0]
        type(self).asked.append(token)
        user = type(self).active.get(token)
        reply = json.dumps({"active": True, "username": user} if user else {"active": False})
        data = reply.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        del args


@pytest.fixture(scope="module")
def oauth_dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DovecotServer]:
    idp = ThreadingHTTPServer(("127.0.0.1", free_port()), _IdentityProvider)
    threading.Thread(target=idp.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{idp.server_address[1]}/introspect"
    server = DovecotServer(tmp_path_factory.mktemp("dovecot-oauth"), oauth2_introspection_url=url)
    server.start()
    yield server
    server.cleanup()
    idp.shutdown()
    idp.server_close()


def _env(dovecot: DovecotServer, token_file: Path) -> dict[str, str]:
    return {
        "OTPBRIDGE_IMAP_URL": f"imap://{dovecot.user}@127.0.0.1:{dovecot.imap_port}/INBOX",
        "OTPBRIDGE_IMAP_PASSWORD_FILE": str(token_file),
        "OTPBRIDGE_IMAP_AUTH": "xoauth2",
        "OTPBRIDGE_FAST_CHECK_MS": "0",
        "OTPBRIDGE_AUTH_RETRY": "1",
    }


def test_xoauth2_token_logs_in_and_mail_is_routed(
    oauth_dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str, tmp_path: Path
) -> None:
    _IdentityProvider.active = {"access-token-one": oauth_dovecot.user}
    token_file = tmp_path / "token"
    token_file.write_text("access-token-one\n")
    inbox = new_inbox(redis_client)
    settings = settings_for(redis_url, oauth_dovecot, **_env(oauth_dovecot, token_file))
    with running_bridge(settings, redis_client):
        oauth_dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(lambda: events(redis_client, inbox), 5, "the routed mail")
    assert "access-token-one" in _IdentityProvider.asked  # the token itself, trimmed


def test_expired_token_is_an_auth_failure_and_a_rotated_one_is_read_on_reconnect(
    oauth_dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str, tmp_path: Path
) -> None:
    _IdentityProvider.active = {}  # the token in the file has expired
    token_file = tmp_path / "token"
    token_file.write_text("expired-token")
    inbox = new_inbox(redis_client)
    settings = settings_for(redis_url, oauth_dovecot, **_env(oauth_dovecot, token_file))
    bridge = Bridge(settings, redis_client)
    bridge.start()
    try:
        wait_until(
            lambda: heartbeat(redis_client, settings).get("status") == "auth_failed",
            10,
            "auth_failed in the heartbeat",
        )
        assert "auth_failed" in bridge.ready()[1]
        # A sidecar writes a fresh token; the next attempt (1 s here) reads the file again.
        _IdentityProvider.active = {"fresh-token": oauth_dovecot.user}
        token_file.write_text("fresh-token")
        wait_until(lambda: heartbeat(redis_client, settings).get("status") == "ok", 10, "the login")
        oauth_dovecot.deliver(address(inbox), mail(address(inbox)))
        wait_until(lambda: events(redis_client, inbox), 5, "the routed mail")
    finally:
        bridge.stop()
