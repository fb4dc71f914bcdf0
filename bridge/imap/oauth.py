"""OAuth2 access tokens for IMAP XOAUTH2, fetched in process: Microsoft 365 and Google Workspace.

``auth = m365`` asks the Microsoft identity platform (msal) for an app-only token, scope
``https://outlook.office365.com/.default``, with a client secret, a certificate or a federated
token (AKS workload identity: the projected service-account token, re-read on every request).
``auth = google`` signs a JWT as a service account with domain-wide delegation, subject = the
mailbox user, scope ``https://mail.google.com/`` (google-auth).

One :class:`TokenSource` per mailbox is shared by its folders' watchers. It keeps the token and
fetches a new one before expiry (5 minutes early, or half the lifetime of a shorter-lived
token), and at once when the server rejected the cached one (:meth:`TokenSource.invalidate`).
A refused credential is an :class:`ImapAuthError` (slow retry, operator alerted); an identity
provider that cannot be reached is an :class:`ImapConnectionError` (reconnect backoff). Tokens
and secrets never reach a log line or an exception message.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any, Final, Protocol

from otpbridge.bridge.errors import ConfigError, ImapAuthError, ImapConnectionError
from otpbridge.bridge.settings import MailboxSettings, OAuthSettings

__all__ = [
    "GOOGLE_SCOPE",
    "M365_SCOPE",
    "GoogleProvider",
    "M365Provider",
    "Token",
    "TokenSource",
    "token_source",
]

M365_SCOPE: Final = "https://outlook.office365.com/.default"
GOOGLE_SCOPE: Final = "https://mail.google.com/"
#: A token is replaced this long before it expires...
_EARLY_S: Final = 300.0
#: ...or, when it lives shorter than twice that, after this share of its lifetime.
_EARLY_SHARE: Final = 0.5
#: Seconds for one HTTP request to the identity provider.
_HTTP_TIMEOUT_S: Final = 15.0
_PEM_KEY: Final = re.compile(
    r"-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----.+?-----END \1-----", re.DOTALL
)
_PEM_CERT: Final = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Token:
    value: str
    expires_at: float  # epoch seconds

    def __repr__(self) -> str:
        return f"Token('***', expires_at={self.expires_at:.0f})"


class Provider(Protocol):
    def fetch(self) -> Token:
        """A new token from the identity provider (never a cached one)."""
        ...


def _missing(extra: str, library: str) -> ConfigError:
    return ConfigError(
        f"OTPBRIDGE_IMAP_AUTH={extra} needs {library}: pip install 'otpbridge[{extra}]'"
    )


def _short(text: object) -> str:
    return " ".join(str(text).split())[:200]


class M365Provider:
    """Client credentials against the Microsoft identity platform (one msal app per mailbox)."""

    def __init__(self, oauth: OAuthSettings) -> None:
        self._oauth = oauth
        self._app: Any = None

    def credential(self) -> str | dict[str, Any]:
        """What msal's ``client_credential`` gets: a secret, a certificate or an assertion."""
        oauth = self._oauth
        if oauth.client_secret is not None:
            return oauth.client_secret.reveal()
        if oauth.cert_file is not None:
            pem = _read(oauth.cert_file, "certificate file")
            key, cert = _PEM_KEY.search(pem), _PEM_CERT.search(pem)
            if key is None or cert is None:
                raise ImapAuthError(
                    f"certificate file {oauth.cert_file} needs the private key and the "
                    "certificate, both PEM"
                )
            cred: dict[str, Any] = {
                "private_key": key.group(0),
                "public_certificate": cert.group(0),
            }
            if oauth.cert_thumbprint:
                cred["thumbprint"] = oauth.cert_thumbprint
            return cred
        token_file = oauth.federated_token_file
        if token_file is None:  # settings never let this through
            raise ConfigError("OTPBRIDGE_IMAP_AUTH=m365 has no credential")
        # A callable: msal asks for it on every token request; the kubelet rotates the file.
        return {"client_assertion": lambda: _read(token_file, "federated token file").strip()}

    def _application(self) -> Any:
        if self._app is None:
            try:
                import msal  # type: ignore[import-untyped]  # noqa: PLC0415 - an optional extra
            except ImportError:
                raise _missing("m365", "msal") from None
            oauth = self._oauth
            try:
                self._app = msal.ConfidentialClientApplication(
                    oauth.client_id,
                    client_credential=self.credential(),
                    authority=f"{oauth.authority}/{oauth.tenant_id}",
                    # The authority is the operator's: no lookup at login.microsoftonline.com.
                    instance_discovery=False,
                    token_cache=msal.TokenCache(),
                    timeout=_HTTP_TIMEOUT_S,
                )
            except OSError as exc:  # requests' errors are OSErrors
                raise ImapConnectionError(
                    f"Microsoft identity platform unreachable: {type(exc).__name__}"
                ) from None
            except ValueError as exc:  # unknown tenant, unreadable key
                raise ImapAuthError(f"Microsoft identity platform: {_short(exc)}") from None
        return self._app

    def fetch(self) -> Token:
        app = self._application()
        # msal would hand back its own cached token: drop it, the caller wants a new one.
        cache = app.token_cache
        for entry in list(cache.search(cache.CredentialType.ACCESS_TOKEN)):
            cache.remove_at(entry)
        try:
            result = app.acquire_token_for_client(scopes=[M365_SCOPE])
        except OSError as exc:
            raise ImapConnectionError(
                f"Microsoft identity platform unreachable: {type(exc).__name__}"
            ) from None
        if not isinstance(result, dict) or "access_token" not in result:
            result = result if isinstance(result, dict) else {}
            error = str(result.get("error", "no token"))
            reason = f"{error}: {_short(result.get('error_description', ''))}"
            if error in ("temporarily_unavailable", "server_error"):
                raise ImapConnectionError(f"Microsoft identity platform: {reason}")
            raise ImapAuthError(f"Microsoft identity platform refused the app: {reason}")
        return Token(str(result["access_token"]), time.time() + float(result["expires_in"]))


class GoogleProvider:
    """A service account with domain-wide delegation acting as the mailbox user."""

    def __init__(self, oauth: OAuthSettings, subject: str) -> None:
        self._oauth = oauth
        self._subject = subject

    def fetch(self) -> Token:
        try:
            import google.auth.exceptions  # noqa: PLC0415 - an optional extra
            import google.auth.transport.requests  # noqa: PLC0415
            from google.oauth2 import service_account  # noqa: PLC0415
        except ImportError:
            raise _missing("google", "google-auth") from None
        path = self._oauth.service_account_file
        if path is None:  # settings never let this through
            raise ConfigError("OTPBRIDGE_IMAP_AUTH=google has no service account file")
        try:
            creds = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
                str(path), scopes=[GOOGLE_SCOPE], subject=self._subject
            )
        except (OSError, ValueError, KeyError) as exc:
            raise ImapAuthError(
                f"service account file {path}: {type(exc).__name__} (not a service account key?)"
            ) from None
        try:
            creds.refresh(google.auth.transport.requests.Request())
        except google.auth.exceptions.RefreshError as exc:
            reason = _short(exc.args[0] if exc.args else type(exc).__name__)
            if getattr(exc, "retryable", False):
                raise ImapConnectionError(f"Google token endpoint: {reason}") from None
            raise ImapAuthError(f"Google refused the service account: {reason}") from None
        except google.auth.exceptions.TransportError as exc:
            raise ImapConnectionError(f"Google token endpoint unreachable: {_short(exc)}") from None
        expiry = creds.expiry  # naive UTC
        expires_at = (
            expiry.replace(tzinfo=UTC).timestamp() if expiry is not None else time.time() + 3600
        )
        return Token(str(creds.token), expires_at)


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ImapAuthError(f"{what} {path}: {exc.strerror}") from None


class TokenSource:
    """The current token of one mailbox: cached, replaced before expiry, thread-safe."""

    def __init__(self, provider: Provider, clock: Callable[[], float] = time.time) -> None:
        self._provider = provider
        self._clock = clock
        self._lock = threading.Lock()
        self._token: Token | None = None
        self._renew_at = 0.0
        self.fetches = 0

    def get(self) -> tuple[str, bool]:
        """The token and whether it was fetched just now (False: from the cache)."""
        with self._lock:
            now = self._clock()
            if self._token is not None and now < self._renew_at:
                return self._token.value, False
            token = self._provider.fetch()
            self.fetches += 1
            lifetime = max(0.0, token.expires_at - now)
            early = min(_EARLY_S, lifetime * _EARLY_SHARE)
            self._token, self._renew_at = token, token.expires_at - early
            return token.value, True

    def invalidate(self) -> None:
        """The server rejected the token: the next :meth:`get` fetches a new one."""
        with self._lock:
            self._token = None


_sources: dict[tuple[str, str, OAuthSettings], TokenSource] = {}
_sources_lock = threading.Lock()


def token_source(mailbox: MailboxSettings) -> TokenSource:
    """The shared token source of a mailbox with ``auth = m365`` or ``google``."""
    oauth = mailbox.oauth
    if oauth is None:
        raise ConfigError(f"mailbox {mailbox.name} does not use m365 or google auth")
    key = (mailbox.name, mailbox.username, oauth)
    with _sources_lock:
        source = _sources.get(key)
        if source is None:
            provider: Provider = (
                M365Provider(oauth)
                if oauth.provider == "m365"
                else GoogleProvider(oauth, mailbox.username)
            )
            source = _sources[key] = TokenSource(provider)
        return source
