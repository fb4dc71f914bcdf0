"""Built-in OAuth2 (``OTPBRIDGE_IMAP_AUTH=m365`` / ``google``) against a token endpoint the tests
run and a real Dovecot whose oauth2 passdb checks every token with the same identity provider.

The identity provider here answers what msal and google-auth really send: msal's tenant
discovery (``<authority>/<tenant>/v2.0/.well-known/openid-configuration``) and its
client-credentials POST, google-auth's JWT-bearer POST (the assertion is verified with the
service account's public key). It issues short-lived tokens; Dovecot asks it (RFC 7662
introspection) whether a token is active, so an expired or revoked token is refused by the
IMAP server exactly as Exchange Online or Gmail would refuse it.

The last tests check the credential shapes msal is given (certificate, federated token) and the
token cache's timing without any network.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import secrets
import ssl
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt
import msal
import pytest
import redis
import structlog
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
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from otpbridge.bridge.embedded import DovecotServer
from otpbridge.bridge.embedded.ports import free_port
from otpbridge.bridge.errors import ConfigError, ImapAuthError
from otpbridge.bridge.imap import Bridge, oauth
from otpbridge.bridge.settings import BridgeSettings, load_settings

LIFETIME_S = 10.0
# A bridge that starts, logs in and routes takes seconds; on a loaded two-core CI machine many.
_SLOW = 30
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
CLIENT_SECRET = "s3cret~value-not-for-logs"


class IdentityProvider:
    """Shared state of the token endpoint (HTTPS) and the introspection endpoint (HTTP)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.user = ""
        self.google_key: Any = None  # the service account's public key
        self.tokens: dict[str, float] = {}  # token → expires_at
        self.revoked: set[str] = set()
        self.reject_all = False
        self.token_requests: list[tuple[float, str, dict[str, Any]]] = []  # (when, kind, form)
        self.introspected: list[str] = []
        self.https_base = ""

    def issue(self, kind: str, form: dict[str, Any]) -> dict[str, Any]:
        token = f"{kind}-{secrets.token_hex(8)}"
        with self.lock:
            self.tokens[token] = time.time() + LIFETIME_S
            self.token_requests.append((time.monotonic(), kind, form))
        return {"token_type": "Bearer", "access_token": token, "expires_in": int(LIFETIME_S)}

    def active(self, token: str, *, record: bool = False) -> bool:
        with self.lock:
            if record:
                self.introspected.append(token)
            expires = self.tokens.get(token, 0.0)
            return not self.reject_all and token not in self.revoked and time.time() < expires

    def issued(self, kind: str) -> list[dict[str, Any]]:
        with self.lock:
            return [form for _, k, form in self.token_requests if k == kind]


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        idp: IdentityProvider = self.server.idp
        parts = self.path.split("?")[0].strip("/").split("/")
        if parts[1:] == ["v2.0", ".well-known", "openid-configuration"]:
            base = f"{idp.https_base}/{parts[0]}"
            self._reply(
                200,
                {
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                    "issuer": f"{base}/v2.0",
                },
            )
            return
        self._reply(404, {"error": "not_found"})

    def do_POST(self) -> None:
        idp: IdentityProvider = self.server.idp
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        form = {k: v[0] for k, v in parse_qs(body).items()}
        if self.path == "/introspect":
            token = form.get("token", "")
            self._reply(
                200,
                {"active": True, "username": idp.user}
                if idp.active(token, record=True)
                else {"active": False},
            )
        elif self.path.endswith("/oauth2/v2.0/token"):
            if form.get("client_secret") != CLIENT_SECRET:
                self._reply(
                    401,
                    {"error": "invalid_client", "error_description": "AADSTS7000215: bad secret"},
                )
                return
            self._reply(200, idp.issue("m365", form))
        elif self.path == "/google/token":
            claims = jwt.decode(
                form["assertion"],
                idp.google_key,
                algorithms=["RS256"],
                audience="https://oauth2.googleapis.com/token",  # google-auth always uses it
            )
            self._reply(200, idp.issue("google", {**form, "claims": claims}))
        else:
            self._reply(404, {"error": "not_found"})

    def log_message(self, *args: object) -> None:
        del args


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    idp: IdentityProvider
    context: ssl.SSLContext | None = None

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake in the request's thread: a stalled client never blocks accept().
        if self.context is None:
            super().finish_request(request, client_address)
            return
        with self.context.wrap_socket(request, server_side=True) as tls:
            super().finish_request(tls, client_address)


def _serve(idp: IdentityProvider, context: ssl.SSLContext | None) -> ThreadingHTTPServer:
    server = _Server(("127.0.0.1", free_port()), _Handler)
    server.idp, server.context = idp, context
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key, cert = directory / "idp-key.pem", directory / "idp-cert.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    return key, cert


@pytest.fixture(scope="module")
def idp_and_dovecot(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[IdentityProvider, DovecotServer, Path]]:
    directory = tmp_path_factory.mktemp("idp")
    key, cert = _self_signed(directory)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    idp = IdentityProvider()
    https = _serve(idp, context)
    idp.https_base = f"https://127.0.0.1:{https.server_address[1]}"
    introspection = _serve(idp, None)
    server = DovecotServer(
        tmp_path_factory.mktemp("dovecot-oauth-providers"),
        oauth2_introspection_url=f"http://127.0.0.1:{introspection.server_address[1]}/introspect",
    )
    server.start()
    idp.user = server.user
    yield idp, server, cert
    server.cleanup()
    for s in (https, introspection):
        s.shutdown()
        s.server_close()


@pytest.fixture
def idp(
    idp_and_dovecot: tuple[IdentityProvider, DovecotServer, Path], monkeypatch: pytest.MonkeyPatch
) -> IdentityProvider:
    provider, _, cert = idp_and_dovecot
    # msal and google-auth speak HTTPS through requests, which trusts this bundle.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with provider.lock:
        provider.token_requests.clear()
        provider.introspected.clear()
        provider.revoked.clear()
        provider.reject_all = False
    return provider


@pytest.fixture
def dovecot(idp_and_dovecot: tuple[IdentityProvider, DovecotServer, Path]) -> DovecotServer:
    return idp_and_dovecot[1]


def _base_env(dovecot: DovecotServer) -> dict[str, str]:
    return {
        "OTPBRIDGE_IMAP_URL": f"imap://{dovecot.user}@127.0.0.1:{dovecot.imap_port}/INBOX",
        "OTPBRIDGE_FAST_CHECK_MS": "0",
    }


def _m365_env(idp: IdentityProvider, dovecot: DovecotServer, **extra: str) -> dict[str, str]:
    return {
        **_base_env(dovecot),
        "OTPBRIDGE_IMAP_AUTH": "m365",
        # A tenant of its own per test: token sources are shared per mailbox and settings.
        "OTPBRIDGE_M365_TENANT_ID": str(uuid.uuid4()),
        "OTPBRIDGE_M365_CLIENT_ID": CLIENT_ID,
        "OTPBRIDGE_M365_CLIENT_SECRET": CLIENT_SECRET,
        "OTPBRIDGE_M365_AUTHORITY": idp.https_base,
        **extra,
    }


def _service_account(idp: IdentityProvider, directory: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    idp.google_key = key.public_key()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path = directory / "service-account.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "otpbridge-test",
                "private_key_id": secrets.token_hex(20),
                "private_key": pem,
                "client_email": "imap-reader@otpbridge-test.iam.gserviceaccount.com",
                "client_id": "1234567890",
                "token_uri": f"{idp.https_base}/google/token",
            }
        )
    )
    return path


def _route_one(client: redis.Redis, dovecot: DovecotServer) -> None:
    inbox = new_inbox(client)
    dovecot.deliver(address(inbox), mail(address(inbox)))
    wait_until(lambda: events(client, inbox), _SLOW, "the routed mail")


def _survives_expiry(
    idp: IdentityProvider, dovecot: DovecotServer, client: redis.Redis, kind: str
) -> None:
    """Log in with no token file, route a mail, outlive the token, reconnect with a new one."""
    _route_one(client, dovecot)
    assert len(idp.issued(kind)) == 1
    first = idp.introspected[0]
    wait_until(lambda: not idp.active(first), LIFETIME_S + 5, "the first token to expire", 0.5)
    dovecot.kill_imap_sessions()  # the watcher reconnects: the expired token would be refused
    wait_until(lambda: len(idp.issued(kind)) == 2, _SLOW, "a second token")
    _route_one(client, dovecot)
    assert idp.introspected[-1] != first
    assert idp.active(idp.introspected[-1])


def test_m365_client_secret_logs_in_routes_and_outlives_token_expiry(
    idp: IdentityProvider, dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    settings = settings_for(redis_url, dovecot, **_m365_env(idp, dovecot))
    assert settings.mailboxes[0].password is None
    assert settings.mailboxes[0].password_file is None
    assert CLIENT_SECRET not in repr(settings)
    with running_bridge(settings, redis_client):
        _survives_expiry(idp, dovecot, redis_client, "m365")
    form = idp.issued("m365")[0]
    assert form["grant_type"] == "client_credentials"
    assert form["client_id"] == CLIENT_ID
    assert oauth.M365_SCOPE in form["scope"].split()


def test_google_service_account_logs_in_routes_and_outlives_token_expiry(
    idp: IdentityProvider,
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    tmp_path: Path,
) -> None:
    account = _service_account(idp, tmp_path)
    env = {
        **_base_env(dovecot),
        "OTPBRIDGE_IMAP_AUTH": "google",
        "OTPBRIDGE_GOOGLE_SERVICE_ACCOUNT_FILE": str(account),
    }
    settings = settings_for(redis_url, dovecot, **env)
    with running_bridge(settings, redis_client):
        _survives_expiry(idp, dovecot, redis_client, "google")
    form = idp.issued("google")[0]
    assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    claims = form["claims"]  # verified with the service account's public key
    assert claims["sub"] == dovecot.user  # domain-wide delegation: acting as the mailbox
    assert claims["scope"] == oauth.GOOGLE_SCOPE
    assert claims["iss"] == "imap-reader@otpbridge-test.iam.gserviceaccount.com"


def test_rejected_token_is_refreshed_once_then_auth_failed_backs_off_doubling(
    idp: IdentityProvider, dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    env = _m365_env(idp, dovecot, OTPBRIDGE_AUTH_RETRY_BASE="1", OTPBRIDGE_AUTH_RETRY="3")
    settings = settings_for(redis_url, dovecot, **env)
    with structlog.testing.capture_logs() as logs, running_bridge(settings, redis_client):
        first = idp.introspected[-1]
        # The server stops taking the cached token (revoked): the reconnect replaces it at once.
        idp.revoked.add(first)
        dovecot.kill_imap_sessions()
        wait_until(lambda: len(idp.issued("m365")) == 2, _SLOW, "a token fetched after the refusal")
        wait_until(lambda: heartbeat(redis_client, settings).get("status") == "ok", _SLOW, "login")
        assert not [e for e in logs if e["event"] == "auth_failed"]
        _route_one(redis_client, dovecot)

        # Now every token is refused: the cached one, then one new one, then auth_failed.
        idp.reject_all = True
        dovecot.kill_imap_sessions()
        wait_until(
            lambda: heartbeat(redis_client, settings).get("status") == "auth_failed",
            20,
            "auth_failed",
        )
        assert len(idp.issued("m365")) == 3  # refreshed exactly once
        wait_until(
            lambda: len([e for e in logs if e["event"] == "auth_failed"]) >= 3, 60, "3 failures"
        )
        # (Dovecot adds its own growing penalty to failed logins: the gaps below are longer.)
        failures = [e for e in logs if e["event"] == "auth_failed"]
        # Later attempts each fetch one new token (the refused one is dropped), no more.
        assert len(idp.issued("m365")) in (len(failures) + 2, len(failures) + 3)
    # 1 s, doubling, capped at OTPBRIDGE_AUTH_RETRY (defaults: 30 s doubling up to 600 s).
    assert [e["retry_in_s"] for e in failures[:3]] == [1, 2, 3]
    assert all(CLIENT_SECRET not in str(e) for e in logs)
    assert all(token not in str(e) for e in logs for token in idp.tokens)
    times = [when for when, kind, _ in idp.token_requests if kind == "m365"][2:5]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert [gap >= wait for gap, wait in zip(gaps, (1, 2), strict=True)] == [True] * 2, gaps


def test_wrong_client_secret_is_auth_failed_without_a_login(
    idp: IdentityProvider, dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    env = _m365_env(idp, dovecot, OTPBRIDGE_M365_CLIENT_SECRET="wrong", OTPBRIDGE_AUTH_RETRY="1")
    settings = settings_for(redis_url, dovecot, **env)
    bridge = Bridge(settings, redis_client)
    bridge.start()
    try:
        beat = wait_until(
            lambda: (hb := heartbeat(redis_client, settings)).get("status") == "auth_failed" and hb,
            15,
            "auth_failed",
        )
    finally:
        bridge.stop()
    assert "invalid_client" in beat["error"]
    assert "wrong" not in beat["error"]
    assert idp.introspected == []  # no token ever reached the IMAP server


# -- without a network: settings, credential shapes, the cache ----------------------------------


def _settings(tmp_path: Path, **env: str) -> BridgeSettings:
    return load_settings(
        {
            "OTPBRIDGE_REDIS_URL": "redis://127.0.0.1:1/0",
            "OTPBRIDGE_ADDRESS": "agents+{id}@corp.example",
            "OTPBRIDGE_IMAP_URL": "imaps://agents%40corp.example@outlook.office365.com/INBOX",
            "OTPBRIDGE_IMAP_AUTH": "m365",
            "OTPBRIDGE_M365_TENANT_ID": "contoso.onmicrosoft.com",
            "OTPBRIDGE_M365_CLIENT_ID": CLIENT_ID,
            **env,
        }
    )


class _FakeApp:
    calls: list[dict[str, Any]]

    def __init__(self, client_id: str, **kwargs: Any) -> None:
        type(self).calls.append({"client_id": client_id, **kwargs})
        self.token_cache = kwargs["token_cache"]
        self.result: dict[str, Any] = {"access_token": "at-1", "expires_in": 3600}

    def acquire_token_for_client(self, scopes: list[str]) -> dict[str, Any]:
        type(self).calls.append({"scopes": scopes})
        return self.result


@pytest.fixture
def fake_msal(monkeypatch: pytest.MonkeyPatch) -> type[_FakeApp]:
    _FakeApp.calls = []
    monkeypatch.setattr(msal, "ConfidentialClientApplication", _FakeApp)
    return _FakeApp


def test_m365_certificate_credential_shape(tmp_path: Path, fake_msal: type[_FakeApp]) -> None:
    key, cert = _self_signed(tmp_path)
    bundle = tmp_path / "app.pem"
    bundle.write_text(key.read_text() + cert.read_text())
    settings = _settings(
        tmp_path,
        OTPBRIDGE_M365_CERT_FILE=str(bundle),
        OTPBRIDGE_M365_CERT_THUMBPRINT="AB:CD:EF:01",
    )
    provider = oauth.M365Provider(settings.mailboxes[0].oauth)  # type: ignore[arg-type]
    token = provider.fetch()
    assert token.value == "at-1"
    made, asked = fake_msal.calls
    assert made["client_id"] == CLIENT_ID
    assert made["authority"] == "https://login.microsoftonline.com/contoso.onmicrosoft.com"
    assert made["instance_discovery"] is False
    cred = made["client_credential"]
    assert cred["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert "CERTIFICATE" not in cred["private_key"]
    assert cred["public_certificate"] == cert.read_text().strip()
    assert cred["thumbprint"] == "ABCDEF01"
    assert asked == {"scopes": [oauth.M365_SCOPE]}
    # Without a thumbprint msal (>= 1.35) computes a SHA-256 one from the certificate.
    settings = _settings(tmp_path, OTPBRIDGE_M365_CERT_FILE=str(bundle))
    cred = oauth.M365Provider(settings.mailboxes[0].oauth).credential()  # type: ignore[arg-type]
    assert isinstance(cred, dict)
    assert "thumbprint" not in cred
    # A certificate file without its key is refused (auth_failed), not a crash.
    bundle.write_text(cert.read_text())
    with pytest.raises(ImapAuthError, match="private key"):
        oauth.M365Provider(settings.mailboxes[0].oauth).credential()  # type: ignore[arg-type]


def test_m365_workload_identity_reads_the_federated_token_on_every_request(
    tmp_path: Path, fake_msal: type[_FakeApp]
) -> None:
    token_file = tmp_path / "azure-identity-token"
    token_file.write_text("projected-jwt-1\n")
    # The names AKS workload identity injects are enough.
    settings = load_settings(
        {
            "OTPBRIDGE_REDIS_URL": "redis://127.0.0.1:1/0",
            "OTPBRIDGE_ADDRESS": "agents+{id}@corp.example",
            "OTPBRIDGE_IMAP_URL": "imaps://agents%40corp.example@outlook.office365.com/INBOX",
            "OTPBRIDGE_IMAP_AUTH": "m365",
            "AZURE_TENANT_ID": "tenant-guid",
            "AZURE_CLIENT_ID": CLIENT_ID,
            "AZURE_FEDERATED_TOKEN_FILE": str(token_file),
            "AZURE_AUTHORITY_HOST": "https://login.microsoftonline.us/",
        }
    )
    settings_oauth = settings.mailboxes[0].oauth
    assert settings_oauth is not None
    assert settings_oauth.federated_token_file == token_file
    oauth.M365Provider(settings_oauth).fetch()
    made = fake_msal.calls[0]
    assert made["authority"] == "https://login.microsoftonline.us/tenant-guid"
    assertion = made["client_credential"]["client_assertion"]
    assert callable(assertion)
    assert assertion() == "projected-jwt-1"
    token_file.write_text("projected-jwt-2\n")  # the kubelet rotated it
    assert assertion() == "projected-jwt-2"


def test_m365_refusal_is_an_auth_error_without_the_secret(
    tmp_path: Path, fake_msal: type[_FakeApp]
) -> None:
    settings = _settings(tmp_path, OTPBRIDGE_M365_CLIENT_SECRET=CLIENT_SECRET)
    assert CLIENT_SECRET not in repr(settings)
    provider = oauth.M365Provider(settings.mailboxes[0].oauth)  # type: ignore[arg-type]
    provider.fetch()
    assert fake_msal.calls[0]["client_credential"] == CLIENT_SECRET
    provider._app.result = {
        "error": "invalid_client",
        "error_description": "AADSTS7000215: Invalid client secret provided.",
    }
    with pytest.raises(ImapAuthError, match="invalid_client") as caught:
        provider.fetch()
    assert CLIENT_SECRET not in str(caught.value)


def test_token_source_caches_refreshes_early_and_after_a_refusal() -> None:
    now = [1000.0]
    fetched: list[float] = []

    class Provider:
        def fetch(self) -> oauth.Token:
            fetched.append(now[0])
            return oauth.Token(f"t{len(fetched)}", now[0] + 3600)

    source = oauth.TokenSource(Provider(), clock=lambda: now[0])
    assert source.get() == ("t1", True)
    now[0] += 3600 - 301
    assert source.get() == ("t1", False)  # cached until 5 minutes before expiry
    now[0] += 2
    assert source.get() == ("t2", True)  # renewed before it expires
    source.invalidate()
    assert source.get() == ("t3", True)
    assert "t3" not in repr(oauth.Token("t3", 0))


def test_missing_extra_names_the_pip_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "msal" else real(name, *a)
    )
    with pytest.raises(ConfigError, match=r"pip install 'otpbridge\[m365\]'"):
        _settings(tmp_path, OTPBRIDGE_M365_CLIENT_SECRET="x")


def test_m365_settings_need_a_credential_and_default_backoff_starts_at_30s(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError, match="needs a credential"):
        _settings(tmp_path)
    secret_file = tmp_path / "secret"
    secret_file.write_text(CLIENT_SECRET + "\n")
    settings = _settings(tmp_path, OTPBRIDGE_M365_CLIENT_SECRET_FILE=str(secret_file))
    mailbox_oauth = settings.mailboxes[0].oauth
    assert mailbox_oauth is not None
    assert mailbox_oauth.client_secret is not None
    assert mailbox_oauth.client_secret.reveal() == CLIENT_SECRET
    assert CLIENT_SECRET not in repr(settings)
    assert settings.auth_retry_base_s == 30
    assert settings.auth_retry_s == 600
