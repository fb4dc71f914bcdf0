"""The demo's SMTP front door delivers one copy per recipient, keeping the +tag."""

from __future__ import annotations

import smtplib
import time
from collections.abc import Iterator

import pytest
from imapclient import IMAPClient

from otpbridge.bridge.embedded import DovecotServer
from otpbridge.bridge.embedded.pymap_server import PymapServer
from otpbridge.bridge.embedded.smtp_front import ImapAppendDelivery, LmtpDelivery, SmtpFront

_MAIL = b"From: a@sender.test\r\nSubject: hello\r\n\r\nYour code is 123456\r\n"
_RCPTS = ["agents+aaaa@demo.test", "agents+bbbb@demo.test"]


@pytest.fixture(scope="module")
def pymap() -> Iterator[PymapServer]:
    with PymapServer() as server:
        yield server


def _delivered_to(port: int, user: str, password: str, want: int) -> list[str]:
    deadline = time.monotonic() + 10
    with IMAPClient("127.0.0.1", port=port, ssl=False, timeout=10) as client:
        client.login(user, password)
        client.select_folder("INBOX", readonly=True)
        while True:
            uids = client.search()
            if len(uids) >= want or time.monotonic() > deadline:
                break
            time.sleep(0.05)
            client.noop()
        fetched = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (DELIVERED-TO)]"])
    return sorted(
        v[b"BODY[HEADER.FIELDS (DELIVERED-TO)]"].decode().split(":", 1)[1].strip()
        for v in fetched.values()
    )


def test_front_appends_to_pymap_with_delivered_to(pymap: PymapServer) -> None:
    delivery = ImapAppendDelivery("127.0.0.1", pymap.imap_port, pymap.user, pymap.password)
    with SmtpFront(delivery) as front, smtplib.SMTP("127.0.0.1", front.port, timeout=10) as smtp:
        smtp.sendmail("a@sender.test", _RCPTS, _MAIL)
    assert _delivered_to(pymap.imap_port, pymap.user, pymap.password, 2) == _RCPTS


def test_front_delivers_over_lmtp_one_rcpt_each(own_dovecot: DovecotServer) -> None:
    with (
        SmtpFront(LmtpDelivery("127.0.0.1", own_dovecot.lmtp_port)) as front,
        smtplib.SMTP("127.0.0.1", front.port, timeout=10) as smtp,
    ):
        smtp.sendmail("a@sender.test", _RCPTS, _MAIL)
    got = _delivered_to(own_dovecot.imap_port, own_dovecot.user, own_dovecot.password, 2)
    assert got == _RCPTS


def test_front_reports_a_dead_store_as_temporary_failure() -> None:
    with (
        SmtpFront(LmtpDelivery("127.0.0.1", 9, timeout=2)) as front,
        smtplib.SMTP("127.0.0.1", front.port, timeout=10) as smtp,
        pytest.raises(smtplib.SMTPDataError) as err,
    ):
        smtp.sendmail("a@sender.test", _RCPTS[:1], _MAIL)
    assert err.value.smtp_code == 451
