"""An SMTP front door (aiosmtpd) that hands each recipient's copy to the embedded IMAP server.

Two ways in, chosen by the server behind it:

- :class:`LmtpDelivery` (Dovecot): one LMTP transaction per RCPT, because Dovecot drops the
  ``Delivered-To`` header (and so the ``+tag``) when one transaction has several recipients.
- :class:`ImapAppendDelivery` (pymap, or any IMAP server without LMTP): IMAP APPEND with the
  ``Return-Path``/``Delivered-To`` lines an MDA would have added, on one kept-open login
  (pymap's login costs ~300 ms).
"""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import smtplib
import threading
from typing import Protocol

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from imapclient import IMAPClient

from otpbridge.bridge.embedded.ports import free_port

__all__ = ["Delivery", "ImapAppendDelivery", "LmtpDelivery", "SmtpFront"]


class Delivery(Protocol):
    def deliver(self, mail_from: str, rcpt: str, data: bytes) -> None: ...

    def close(self) -> None: ...


class LmtpDelivery:
    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout

    def deliver(self, mail_from: str, rcpt: str, data: bytes) -> None:
        with smtplib.LMTP(self.host, self.port, timeout=self.timeout) as lmtp:
            lmtp.sendmail(mail_from, [rcpt], data)

    def close(self) -> None:
        return


class ImapAppendDelivery:
    def __init__(
        self,
        host: str,
        port: int,
        user: str,
        password: str,
        *,
        folder: str = "INBOX",
        timeout: float = 30.0,
    ) -> None:
        self.host, self.port, self.folder, self.timeout = host, port, folder, timeout
        self._user, self._password = user, password
        self._lock = threading.Lock()
        self._client: IMAPClient | None = None

    def _connect(self) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=self.timeout)
        client.login(self._user, self._password)
        return client

    def deliver(self, mail_from: str, rcpt: str, data: bytes) -> None:
        header = f"Return-Path: <{mail_from}>\r\nDelivered-To: {rcpt}\r\n".encode()
        message = header + data
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._client is None:
                        self._client = self._connect()
                    self._client.append(self.folder, message)
                    return
                except (OSError, imaplib.IMAP4.error):
                    self._drop()
                    if attempt == 2:
                        raise

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.shutdown()
            except (OSError, imaplib.IMAP4.error):
                return

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            try:
                client.logout()
            except (OSError, imaplib.IMAP4.error):
                return


class _Handler:
    def __init__(self, delivery: Delivery) -> None:
        self._delivery = delivery

    def _deliver_all(self, envelope: Envelope) -> None:
        data = envelope.original_content or b""
        for rcpt in envelope.rcpt_tos:
            self._delivery.deliver(envelope.mail_from or "", rcpt, data)

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, self._deliver_all, envelope)
        except smtplib.SMTPRecipientsRefused:
            return "550 5.1.1 recipient refused by the mail store"
        except (OSError, smtplib.SMTPException, imaplib.IMAP4.error) as exc:
            return f"451 4.3.0 mail store unavailable ({type(exc).__name__})"
        return "250 2.0.0 OK delivered"


class SmtpFront:
    """aiosmtpd on ``127.0.0.1:port`` (a free one by default); :meth:`stop` closes everything."""

    def __init__(self, delivery: Delivery, *, port: int | None = None) -> None:
        self.delivery = delivery
        self.port = port or free_port()
        self._controller = Controller(
            _Handler(delivery),
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="otpbridge-demo",
            ready_timeout=10.0,
        )

    def start(self) -> SmtpFront:
        self._controller.start()
        return self

    def stop(self) -> None:
        # stop() asserts the loop is running; a front that never started has nothing to stop.
        with contextlib.suppress(OSError, AssertionError, RuntimeError):
            self._controller.stop()
        self.delivery.close()

    def __enter__(self) -> SmtpFront:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
