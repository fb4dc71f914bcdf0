"""Provider profiles (issue 13 item 3): recognising Exchange Online, Gmail and other servers,
the fast-check default each gets, backing off on throttling answers, the connection budget
`otpbridge doctor` reports, and special-use folders (RFC 6154) resolved against real Dovecot."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import imapclient
import pytest
import redis
from bridge_support import (
    address,
    events,
    mail,
    new_inbox,
    running_bridge,
    settings_for,
    wait_until,
)
from imapclient.exceptions import LoginError
from rq import Queue

from otpbridge.bridge.diagnose.imap_checks import connection_budget
from otpbridge.bridge.embedded import DovecotServer
from otpbridge.bridge.errors import ConfigError, ImapAuthError, ImapConnectionError
from otpbridge.bridge.imap import provider
from otpbridge.bridge.imap.connection import imap_errors
from otpbridge.bridge.imap.provider import (
    THROTTLE_BASE_S,
    ImapThrottledError,
    bye_error,
    detect,
    fast_check_ms,
    is_throttled,
    resolve_folder,
)
from otpbridge.bridge.imap.watcher import FolderWatcher
from otpbridge.bridge.settings import load_settings

ENV = {"OTPBRIDGE_REDIS_URL": "redis://localhost:6379/0", "OTPBRIDGE_ADDRESS": "a+{id}@x.test"}


# -- recognising the provider ---------------------------------------------------------------------
def test_profiles_from_host_capability_and_greeting() -> None:
    assert detect("outlook.office365.com").name == "exchange-online"
    assert detect("OUTLOOK.OFFICE365.COM.").name == "exchange-online"
    assert detect("imap-mail.outlook.com").name == "exchange-online"
    assert detect("imap.gmail.com").name == "gmail"
    # Gmail behind another name (a proxy) still says X-GM-EXT-1.
    assert detect("imap.proxy.corp", [b"IMAP4REV1", b"X-GM-EXT-1"]).name == "gmail"
    hello = b"The Microsoft Exchange IMAP4 service is ready."
    assert detect("mail.corp.example", [b"IDLE"], hello).name == "exchange"
    assert detect("mail.corp.example", [b"IDLE"], b"Dovecot ready.").name == "dovecot"
    assert detect("mail.corp.example").name == "generic"
    assert detect("outlook.office365.com.evil.example").name == "generic"


def test_fast_check_default_follows_the_profile_and_an_explicit_value_wins() -> None:
    # Dovecot holds IDLE notices (500 ms): NOOP every 10 ms. Hosted providers: IDLE only.
    assert fast_check_ms(detect("mail.corp.example"), 10, explicit=False) == 10
    assert fast_check_ms(detect("outlook.office365.com"), 10, explicit=False) == 0
    assert fast_check_ms(detect("imap.gmail.com"), 10, explicit=False) == 0
    assert fast_check_ms(detect("imap.gmail.com"), 1000, explicit=True) == 1000
    assert not load_settings({**ENV, "OTPBRIDGE_IMAP_URL": "imaps://u:p@h/"}).fast_check_explicit
    explicit = load_settings(
        {**ENV, "OTPBRIDGE_IMAP_URL": "imaps://u:p@h/", "OTPBRIDGE_FAST_CHECK_MS": "10"}
    )
    assert explicit.fast_check_explicit


def test_the_watcher_takes_the_profile_rate(redis_client: redis.Redis) -> None:
    def watcher(url: str, **env: str) -> FolderWatcher:
        settings = load_settings({**ENV, "OTPBRIDGE_IMAP_URL": url, **env})
        queue = Queue("t", connection=redis_client)
        return FolderWatcher(
            settings, settings.mailboxes[0], "INBOX", redis_client, queue, threading.Event()
        )

    assert watcher("imaps://u:p@outlook.office365.com/")._fast_s == 0
    assert watcher("imaps://u:p@imap.gmail.com/", OTPBRIDGE_FAST_CHECK_MS="1000")._fast_s == 1.0
    assert watcher("imaps://u:p@mail.corp.example/")._fast_s == 0.01


# -- throttling ------------------------------------------------------------------------------------
def test_throttling_answers_are_told_apart() -> None:
    assert is_throttled(
        "NO [THROTTLED] Request is throttled. Suggested Backoff Time: 1234 milliseconds"
    )
    assert is_throttled("NO [UNAVAILABLE] Server Unavailable. 15")
    assert is_throttled("NO [ALERT] Too many simultaneous connections. (Failure)")
    assert is_throttled("NO [OVERQUOTA] Account exceeded command or bandwidth limits.")
    assert not is_throttled("NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)")
    assert not is_throttled("socket error: EOF")
    assert isinstance(bye_error([(b"BYE", b"[UNAVAILABLE] Server busy")]), ImapThrottledError)
    plain = bye_error([(b"BYE", b"Logging out")])
    assert not isinstance(plain, ImapThrottledError)
    assert str(plain) == "server sent BYE: Logging out"


def test_a_login_refused_for_load_is_not_an_auth_failure() -> None:
    with pytest.raises(ImapThrottledError), imap_errors():
        raise LoginError("b'[ALERT] Too many simultaneous connections. (Failure)'")
    with pytest.raises(ImapThrottledError), imap_errors():
        raise ImapAuthError("login rejected for u: [UNAVAILABLE] Server Unavailable.")
    with pytest.raises(ImapAuthError), imap_errors():
        raise LoginError("b'[AUTHENTICATIONFAILED] Invalid credentials (Failure)'")


class _StopOnWait(threading.Event):
    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout or 0.0)
        self.set()
        return True


@pytest.mark.parametrize(
    ("error", "at_least"),
    [
        (ImapThrottledError("NO [THROTTLED] Request is throttled"), THROTTLE_BASE_S / 2),
        (ImapConnectionError("connection reset"), 0.0),
    ],
)
def test_throttling_waits_longer_than_an_ordinary_reconnect(
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    at_least: float,
) -> None:
    def refuse(*_: Any) -> None:
        raise error

    monkeypatch.setattr("otpbridge.bridge.imap.watcher.open_connection", refuse)
    settings = settings_for(redis_url, dovecot)
    stop = _StopOnWait()
    queue = Queue("t", connection=redis_client)
    w = FolderWatcher(settings, settings.mailboxes[0], "INBOX", redis_client, queue, stop)
    assert w.lease.acquire()
    try:
        w._lead()
    finally:
        w.lease.release()
    (delay,) = stop.waits
    assert delay >= at_least
    assert delay <= (settings.reconnect_max_s if at_least == 0 else provider.THROTTLE_MAX_S)


# -- connection budget (doctor) --------------------------------------------------------------------
def test_connection_budget_counts_every_folder_of_the_account(tmp_path: Path) -> None:
    config = tmp_path / "bridge.toml"
    config.write_text(
        '[[mailbox]]\nurl = "imaps://agents%40corp.example:p@imap.gmail.com/"\n'
        'folders = ["INBOX", "\\\\Junk"]\n'
        '[[mailbox]]\nname = "more"\nurl = "imaps://agents%40corp.example:p@imap.gmail.com/"\n'
        'folders = ["a", "b", "c", "d", "e", "f"]\n'
        '[[mailbox]]\nurl = "imaps://other%40corp.example:p@imap.gmail.com/"\n',
        encoding="utf-8",
    )
    settings = load_settings(ENV, config)
    gmail = detect("imap.gmail.com")
    first, _, other = settings.mailboxes
    assert first.folders == ("INBOX", "\\Junk")
    budget = connection_budget(settings, first, gmail)
    assert (budget.status, budget.detail.split(":")[0]) == (
        "warn",
        "8 IMAP connections (one per watched folder) of 15",
    )
    assert connection_budget(settings, other, gmail).status == "ok"
    many = load_settings(
        {**ENV, "OTPBRIDGE_IMAP_URL": "imaps://u:p@imap.gmail.com/"}
        | {"OTPBRIDGE_FOLDERS": ",".join(f"f{i}" for i in range(16))}
    )
    assert connection_budget(many, many.mailboxes[0], gmail).status == "fail"


# -- special-use folders ---------------------------------------------------------------------------
def test_special_use_folder_names_are_checked_in_settings() -> None:
    url = {**ENV, "OTPBRIDGE_IMAP_URL": "imaps://u:p@h/"}
    s = load_settings({**url, "OTPBRIDGE_FOLDERS": "INBOX,\\junk"})
    assert s.mailboxes[0].folders == ("INBOX", "\\Junk")
    with pytest.raises(ConfigError, match="special-use"):
        load_settings({**url, "OTPBRIDGE_FOLDERS": "\\Spam"})


class _Listing:
    def __init__(self, folders: list[tuple[tuple[bytes, ...], bytes, str]]) -> None:
        self.folders = folders

    def list_folders(self) -> list[tuple[tuple[bytes, ...], bytes, str]]:
        return self.folders


def test_special_use_resolves_on_each_provider_and_falls_back_to_common_names() -> None:
    def resolve(folders: list[tuple[tuple[bytes, ...], bytes, str]], name: str) -> str:
        return resolve_folder(_Listing(folders), name)  # type: ignore[arg-type]

    exchange = [((b"\\HasNoChildren",), b"/", "INBOX"), ((b"\\Junk",), b"/", "Junk Email")]
    gmail = [((b"\\HasNoChildren", b"\\Junk"), b"/", "[Gmail]/Spam"), ((), b"/", "INBOX")]
    no_flags = [((), b".", "INBOX"), ((), b".", "Spam")]
    assert resolve(exchange, "\\Junk") == "Junk Email"
    assert resolve(gmail, "\\Junk") == "[Gmail]/Spam"
    assert resolve(no_flags, "\\Junk") == "Spam"
    assert resolve(no_flags, "INBOX") == "INBOX"
    with pytest.raises(ImapConnectionError, match="Archive"):
        resolve(no_flags, "\\Archive")


def test_special_use_resolves_against_dovecot(dovecot: DovecotServer) -> None:
    assert dovecot.ca_file is not None
    with imapclient.IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False) as imap:
        imap.login(dovecot.user, dovecot.password)
        assert resolve_folder(imap, "\\Junk") == "Junk"
        # Not a common name: only the SPECIAL-USE attribute in LIST finds it.
        assert resolve_folder(imap, "\\Archive") == "Kept Mail"


def test_the_bridge_watches_a_special_use_folder(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    inbox = new_inbox(redis_client)
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_FOLDERS="INBOX,\\Archive")
    with running_bridge(settings, redis_client):
        with imapclient.IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False) as imap:
            imap.login(dovecot.user, dovecot.password)
            imap.append("Kept Mail", mail(address(inbox), subject="filed"))
        wait_until(lambda: events(redis_client, inbox), 5, "the mail in Kept Mail")
    (received,) = events(redis_client, inbox)
    assert received["subject"] == "filed"
