"""Opening an authenticated IMAP connection, and telling failures apart.

Every connection has a connect and a read timeout plus TCP keepalive, so a half-open link
(NAT dropped the flow, no FIN) errors out instead of blinding the watcher. TLS certificates and
host names are verified unless the operator gives a CA file, which then is the only trust root.
Plaintext is allowed only to a loopback host, or with ``starttls = off`` set on purpose.
"""

from __future__ import annotations

import contextlib
import imaplib
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from typing import Any

import imapclient
from imapclient.exceptions import LoginError

from otpbridge.bridge.errors import ImapAuthError, ImapConnectionError
from otpbridge.bridge.imap.oauth import token_source
from otpbridge.bridge.imap.provider import ImapThrottledError, is_throttled
from otpbridge.bridge.settings import BridgeSettings, MailboxSettings

__all__ = ["close_quietly", "imap_errors", "open_connection", "tls_context"]

#: Keepalive: first probe after 30 s of silence, then every 10 s; dead after 3 misses.
_KEEPALIVE = {"TCP_KEEPIDLE": 30, "TCP_KEEPINTVL": 10, "TCP_KEEPCNT": 3}
#: Server replies meaning "your credentials are not usable", not "try again in a second".
_AUTH_HINTS = (b"AUTHENTICATIONFAILED", b"AUTHORIZATIONFAILED", b"not connected")


@contextlib.contextmanager
def imap_errors() -> Iterator[None]:
    """Turn socket, TLS and IMAP protocol failures into :class:`ImapConnectionError`."""
    try:
        yield
    except ImapAuthError as exc:
        # A login refused for load ("[UNAVAILABLE]", Gmail's "Too many simultaneous
        # connections") is no credential problem: back off as throttled (bridge.imap.provider).
        if is_throttled(str(exc)):
            raise ImapThrottledError(str(exc)) from exc
        raise
    except ImapConnectionError:
        raise
    except LoginError as exc:
        if is_throttled(str(exc)):
            raise ImapThrottledError(_short(exc)) from exc
        raise ImapAuthError(_short(exc)) from exc
    except ssl.SSLCertVerificationError as exc:
        raise ImapConnectionError(
            f"TLS certificate not trusted ({exc.verify_message}); "
            "set OTPBRIDGE_TLS_CA_FILE to the server's CA"
        ) from exc
    except (OSError, imaplib.IMAP4.error, ValueError, EOFError) as exc:
        # ValueError/EOFError: imapclient's parser on a truncated or garbled response.
        error = ImapThrottledError if is_throttled(str(exc)) else ImapConnectionError
        raise error(f"{type(exc).__name__}: {_short(exc)}") from exc


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:200]


def tls_context(mailbox: MailboxSettings) -> ssl.SSLContext:
    """Verifying context; with a CA file it trusts exactly that file."""
    if mailbox.ca_file is not None:
        return ssl.create_default_context(cafile=str(mailbox.ca_file))
    return ssl.create_default_context()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _set_keepalive(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for name, value in _KEEPALIVE.items():
        option = getattr(socket, name, None)
        if option is not None:
            sock.setsockopt(socket.IPPROTO_TCP, option, value)


def _login(client: imapclient.IMAPClient, mailbox: MailboxSettings) -> None:
    if mailbox.oauth is not None:
        _oauth_login(client, mailbox)
        return
    secret = mailbox.read_password()
    try:
        if mailbox.auth == "xoauth2":
            client.oauth2_login(mailbox.username, secret)
        else:
            client.login(mailbox.username, secret)
    except LoginError as exc:
        raise ImapAuthError(f"login rejected for {mailbox.username}: {_short(exc)}") from None
    except imaplib.IMAP4.error as exc:
        if any(hint in str(exc).encode() for hint in _AUTH_HINTS):
            raise ImapAuthError(f"login rejected for {mailbox.username}: {_short(exc)}") from None
        raise


def _oauth_login(client: imapclient.IMAPClient, mailbox: MailboxSettings) -> None:
    """XOAUTH2 with the token :mod:`bridge.imap.oauth` keeps; a rejected cached token is
    replaced at once and tried again on this connection, a rejected new one is final."""
    source = token_source(mailbox)
    token, fresh = source.get()
    reason = ""
    for _ in range(2):
        try:
            client.oauth2_login(mailbox.username, token)
            return
        except (LoginError, imaplib.IMAP4.error) as exc:
            if not isinstance(exc, LoginError) and not any(
                hint in str(exc).encode() for hint in _AUTH_HINTS
            ):
                raise
            reason = _short(exc)
            source.invalidate()
            if fresh:
                break
            token, fresh = source.get()
    raise ImapAuthError(f"token rejected for {mailbox.username}: {reason}")


def open_connection(settings: BridgeSettings, mailbox: MailboxSettings) -> imapclient.IMAPClient:
    """Connect, secure and authenticate. Raises ImapAuthError or ImapConnectionError."""
    timeout = imapclient.SocketTimeout(
        connect=settings.connect_timeout_s, read=settings.read_timeout_s
    )
    context = tls_context(mailbox)
    client: Any = None
    with imap_errors():
        client = imapclient.IMAPClient(
            mailbox.host,
            port=mailbox.port,
            ssl=mailbox.security == "tls",
            ssl_context=context if mailbox.security == "tls" else None,
            timeout=timeout,
        )
        try:
            if mailbox.security == "starttls":
                _starttls(client, mailbox, context)
            _set_keepalive(client.socket())
            _login(client, mailbox)
        except BaseException:
            close_quietly(client)
            raise
    result: imapclient.IMAPClient = client
    return result


def _starttls(
    client: imapclient.IMAPClient, mailbox: MailboxSettings, context: ssl.SSLContext
) -> None:
    offered = client.has_capability("STARTTLS")
    if mailbox.starttls == "off" or (not offered and mailbox.starttls == "auto"):
        if mailbox.starttls == "auto" and not _is_loopback(mailbox.host):
            raise ImapConnectionError(
                f"{mailbox.host} offers no STARTTLS; refusing to send the password in clear. "
                "Use imaps://, or set OTPBRIDGE_IMAP_STARTTLS=off if this is intended"
            )
        return
    if not offered:
        raise ImapConnectionError(f"{mailbox.host} offers no STARTTLS (OTPBRIDGE_IMAP_STARTTLS)")
    client.starttls(context)


def close_quietly(client: imapclient.IMAPClient | None, *, logout: bool = True) -> None:
    """LOGOUT if the link still works, then close the socket; never raises."""
    if client is None:
        return
    if logout:
        with contextlib.suppress(Exception):
            client.logout()
    with contextlib.suppress(Exception):
        client.shutdown()
