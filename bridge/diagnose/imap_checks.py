"""IMAP checks of ``otpbridge doctor``, in the order a connection fails: DNS, TCP, TLS, login,
capabilities, folders, and (optionally) a test mail proving plus-addressing delivers.
"""

from __future__ import annotations

import contextlib
import imaplib
import secrets
import smtplib
import socket
import ssl
import time
from collections.abc import Iterator
from email.message import EmailMessage

import imapclient

from otpbridge.bridge.diagnose.result import Check, fail, ok, skip, warn
from otpbridge.bridge.errors import ConfigError, ImapAuthError, ImapConnectionError
from otpbridge.bridge.imap.connection import close_quietly, open_connection, tls_context
from otpbridge.bridge.imap.provider import ProviderProfile, detect, resolve_folder
from otpbridge.bridge.settings import BridgeSettings, MailboxSettings

__all__ = ["check_mailbox"]

_CA_FIX = (
    "set OTPBRIDGE_TLS_CA_FILE to the PEM file of the CA that signed the server certificate "
    "(or ca_file in the [[mailbox]] table)"
)
_LOGIN_FIX = (
    "check the user in OTPBRIDGE_IMAP_URL (percent-encode @ as %40) and the password in "
    "OTPBRIDGE_IMAP_PASSWORD / OTPBRIDGE_IMAP_PASSWORD_FILE; Microsoft 365 and Google need an "
    "app password or OTPBRIDGE_IMAP_AUTH=xoauth2 with a token"
)


def _resolve(mb: MailboxSettings, _timeout: float) -> Check:
    # getaddrinfo has no timeout parameter; the resolver's own (resolv.conf) applies.
    try:
        infos = socket.getaddrinfo(mb.host, mb.port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return fail("DNS", f"{mb.host}: {exc.strerror}", "fix the host in OTPBRIDGE_IMAP_URL")
    return ok("DNS", f"{mb.host} → {infos[0][4][0]}")


def _tcp(mb: MailboxSettings, timeout: float) -> Check:
    try:
        with socket.create_connection((mb.host, mb.port), timeout=timeout):
            pass
    except OSError as exc:
        return fail(
            "TCP",
            f"{mb.host}:{mb.port}: {exc.strerror or type(exc).__name__}",
            "check the port in OTPBRIDGE_IMAP_URL (993 for imaps://, 143 for imap://) and "
            "firewalls between this host and the server",
        )
    return ok("TCP", f"{mb.host}:{mb.port} accepts connections")


def _starttls_socket(sock: socket.socket) -> None:
    """Plain IMAP greeting + STARTTLS, so the TLS check also covers imap:// servers."""
    reader = sock.makefile("rb")
    reader.readline()
    sock.sendall(b"d1 STARTTLS\r\n")
    while True:
        line = reader.readline()
        if not line:
            raise ConnectionError("server closed the connection during STARTTLS")
        if line.startswith(b"d1 "):
            if not line.startswith(b"d1 OK"):
                raise ConnectionError("server refused STARTTLS")
            return


def _tls(mb: MailboxSettings, timeout: float) -> Check:
    if mb.security == "starttls" and mb.starttls == "off":
        return skip("TLS", "plaintext on purpose (OTPBRIDGE_IMAP_STARTTLS=off)")
    context = tls_context(mb)
    try:
        with socket.create_connection((mb.host, mb.port), timeout=timeout) as raw:
            if mb.security == "starttls":
                _starttls_socket(raw)
            with context.wrap_socket(raw, server_hostname=mb.host) as tls:
                version = tls.version()
    except ssl.SSLCertVerificationError as exc:
        if exc.verify_code == 62:  # X509_V_ERR_HOSTNAME_MISMATCH
            return fail(
                "TLS",
                f"the certificate does not name {mb.host}",
                "use the host name the certificate was issued for in OTPBRIDGE_IMAP_URL",
            )
        return fail("TLS", f"certificate not trusted: {exc.verify_message}", _CA_FIX)
    except (OSError, ssl.SSLError) as exc:
        if mb.security == "starttls" and mb.starttls == "auto":
            return warn(
                "TLS",
                f"no STARTTLS ({type(exc).__name__}); plaintext is only allowed to loopback",
                "use imaps:// or enable STARTTLS on the server",
            )
        return fail("TLS", f"handshake failed: {exc}", "check that the port speaks TLS (imaps)")
    return ok("TLS", f"{version}, certificate verified")


@contextlib.contextmanager
def _session(settings: BridgeSettings, mb: MailboxSettings) -> Iterator[imapclient.IMAPClient]:
    client = open_connection(settings, mb)
    try:
        yield client
    finally:
        close_quietly(client)


def _capabilities(client: imapclient.IMAPClient, mb: MailboxSettings) -> list[Check]:
    caps = {
        c.decode().upper() if isinstance(c, bytes) else str(c).upper()
        for c in client.capabilities()
    }
    checks = [
        ok("IDLE", "server pushes new mail")
        if "IDLE" in caps
        else fail("IDLE", "server lacks IDLE", "use an IMAP server with IDLE (RFC 2177)")
    ]
    if "MOVE" in caps:
        checks.append(ok("MOVE", "UID MOVE available"))
    elif mb.after_route.action == "move":
        checks.append(warn("MOVE", "no MOVE: COPY + \\Deleted + UID EXPUNGE is used instead", ""))
    else:
        checks.append(skip("MOVE", "not offered; only needed for OTPBRIDGE_AFTER_ROUTE=move:…"))
    return checks


def _folders(client: imapclient.IMAPClient, mb: MailboxSettings) -> list[Check]:
    wanted = list(mb.folders)
    if mb.after_route.folder:
        wanted.append(mb.after_route.folder)
    checks = []
    for folder in wanted:
        if folder.startswith("\\"):
            try:
                name = resolve_folder(client, folder)
            except ImapConnectionError as exc:
                checks.append(fail(f"folder {folder}", str(exc), "name the folder instead"))
            else:
                checks.append(ok(f"folder {folder}", f"is {name!r}"))
        elif client.folder_exists(folder):
            checks.append(ok(f"folder {folder}", "exists"))
        else:
            names = ", ".join(sorted(str(f[2]) for f in client.list_folders())[:12])
            checks.append(
                fail(
                    f"folder {folder}",
                    "does not exist",
                    f"use one of: {names} (OTPBRIDGE_FOLDERS / OTPBRIDGE_AFTER_ROUTE)",
                )
            )
    return checks


def connection_budget(
    settings: BridgeSettings, mb: MailboxSettings, profile: ProviderProfile
) -> Check:
    """How many IMAP connections the config opens on this account (one per watched folder of
    every mailbox with the same host and user) against the provider's per-account limit."""
    same = [
        m
        for m in settings.mailboxes
        if m.host.lower() == mb.host.lower() and m.username.lower() == mb.username.lower()
    ]
    used = sum(len(m.folders) for m in same)
    what = f"{used} IMAP connection{'s' if used != 1 else ''} (one per watched folder)"
    if profile.connection_limit is None:
        return ok("connections", f"{what}; {profile.name} server, limit not known")
    limit = profile.connection_limit
    detail = f"{what} of {limit}: {profile.limit_source}"
    fix = (
        "watch fewer folders on this account, or split them over accounts; people's mail "
        "apps, phones and `otpbridge doctor` itself share the same limit"
    )
    if used > limit:
        return fail("connections", detail, fix)
    if used > limit // 2:
        return warn("connections", f"{detail}; little room left for other clients", fix)
    return ok("connections", detail)


def _send_test(
    client: imapclient.IMAPClient, settings: BridgeSettings, mb: MailboxSettings, smtp: str | None
) -> Check:
    if smtp is None:
        return skip(
            "plus-addressing",
            f"no SMTP server given (--smtp HOST:PORT); mail {settings.address} yourself and "
            "watch `otpbridge status`",
        )
    token = secrets.token_hex(8)
    rcpt = settings.address.replace("{id}", f"doctor{token}")
    msg = EmailMessage()
    msg["From"] = f"otpbridge-doctor@{rcpt.rpartition('@')[2]}"
    msg["To"] = rcpt
    msg["Subject"] = f"otpbridge doctor test {token}"
    msg.set_content("A delivery test from otpbridge doctor. It carries no code.\n")
    host, _, port = smtp.rpartition(":") if ":" in smtp else (smtp, "", "25")
    if not port.isdigit():
        return fail("plus-addressing", f"--smtp {smtp!r} has no numeric port", "use HOST:PORT")
    try:
        with smtplib.SMTP(host, int(port), timeout=30) as conn:
            conn.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        return fail("plus-addressing", f"SMTP {smtp}: {exc}", "check --smtp HOST:PORT")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for folder in mb.folders:
            client.select_folder(folder, readonly=True)
            if client.search(["SUBJECT", token]):
                return ok("plus-addressing", f"mail to {rcpt} arrived in {folder}")
        time.sleep(1)
    return fail(
        "plus-addressing",
        f"mail to {rcpt} did not arrive in {', '.join(mb.folders)} within 30 s",
        "enable plus-addressing (Microsoft 365: Set-OrganizationConfig "
        "-DisablePlusAddressInRecipients $false) or use a catch-all domain template",
    )


def check_mailbox(
    settings: BridgeSettings, mb: MailboxSettings, *, smtp: str | None, send_test: bool
) -> list[Check]:
    """Stops at the first failing layer: later checks would only repeat the same cause."""
    timeout = settings.connect_timeout_s
    checks: list[Check] = []
    for layer in (_resolve, _tcp, _tls):
        found = layer(mb, timeout)
        checks.append(found)
        if not found.passed:
            return checks
    try:
        with _session(settings, mb) as client:
            checks.append(ok("login", f"as {mb.username}"))
            checks.extend(_capabilities(client, mb))
            profile = detect(mb.host, client.capabilities(), client.welcome)
            checks.append(connection_budget(settings, mb, profile))
            checks.extend(_folders(client, mb))
            if send_test:
                checks.append(_send_test(client, settings, mb, smtp))
    except ImapAuthError as exc:
        checks.append(fail("login", str(exc), _LOGIN_FIX))
    except ConfigError as exc:
        checks.append(fail("login", str(exc), "fix the password setting"))
    except (ImapConnectionError, OSError, imaplib.IMAP4.error) as exc:
        fix = _CA_FIX if "OTPBRIDGE_TLS_CA_FILE" in str(exc) else "see the detail"
        checks.append(fail("IMAP session", str(exc), fix))
    return checks
