"""Sender authentication from the receiving server's Authentication-Results (RFC 8601), and an
inbox's sender allowlist refusing a forged From end to end."""

from __future__ import annotations

from email.parser import HeaderParser

import redis
from bridge_support import (
    TEMPLATE,
    address,
    events,
    mail,
    running_bridge,
    settings_for,
    wait_until,
)

from otpbridge import Client
from otpbridge.bridge.embedded import DovecotServer
from otpbridge.bridge.imap.headers import parse_mailbox
from otpbridge.bridge.imap.sender_auth import sender_auth
from otpbridge.bridge.sdk.matching import sender_allowed

TRUSTED = frozenset({"mx.corp.test"})


def _verdict(*results: str, sender: str = "no-reply@accounts.example.com") -> str:
    block = "".join(f"Authentication-Results: {r}\n" for r in results)
    headers = HeaderParser().parsestr(f"From: App <{sender}>\n{block}\n")
    return sender_auth(headers, parse_mailbox(f"App <{sender}>").domain, TRUSTED)


def test_dmarc_decides_and_a_failure_wins() -> None:
    assert _verdict("mx.corp.test; spf=pass; dkim=pass header.d=x.test; dmarc=pass") == "pass"
    assert _verdict("mx.corp.test; dmarc=fail (p=reject) header.from=example.com") == "fail"
    assert _verdict("mx.corp.test; dmarc=pass", "mx.corp.test; dmarc=fail") == "fail"
    assert _verdict("MX.corp.test 1; dmarc=pass") == "pass"  # case and a version number


def test_without_dmarc_only_a_dkim_signature_of_the_from_domain_counts() -> None:
    assert _verdict("mx.corp.test; dkim=pass header.d=example.com") == "pass"  # parent domain
    assert _verdict("mx.corp.test; dkim=pass (good) header.d=accounts.example.com") == "pass"
    assert _verdict("mx.corp.test; dkim=pass header.d=esp-mailer.test") == "none"
    assert _verdict("mx.corp.test; dkim=fail header.d=example.com") == "none"
    assert _verdict("mx.corp.test; spf=pass smtp.mailfrom=example.com") == "none"
    assert _verdict("mx.corp.test; dkim=pass header.d=example.com", sender="nobody") == "none"


def test_headers_of_other_servers_are_not_trusted() -> None:
    # Anyone can write this header; only the operator's own MTA (which strips forged copies of
    # its id) is believed.
    assert _verdict("attacker.test; dmarc=pass") == "none"
    assert _verdict("(comment) ; dmarc=pass") == "none"
    assert _verdict("attacker.test; dmarc=pass", "mx.corp.test; dmarc=fail") == "fail"


def test_allowlist_refuses_a_from_the_server_found_forged() -> None:
    allowed = ("example.com",)
    sender = "App <no-reply@accounts.example.com>"
    assert sender_allowed(sender, allowed, "pass")
    assert sender_allowed(sender, allowed, "none")  # nothing known: the From is taken as is
    assert sender_allowed(sender, allowed, "")
    assert not sender_allowed(sender, allowed, "fail")
    assert sender_allowed(sender, (), "fail")  # no allowlist, no filtering


def test_forged_sender_is_skipped_by_an_allowlisted_wait(
    dovecot: DovecotServer, redis_client: redis.Redis, redis_url: str
) -> None:
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_TRUSTED_AUTHSERV_IDS="mx.corp.test")
    with (
        running_bridge(settings, redis_client),
        Client.from_url(redis_url, address=TEMPLATE) as sdk,
    ):
        inbox = sdk.inboxes.create(ttl=600, allowed_senders=["ext.test"])
        to = address(inbox.id)
        forged = mail(to, subject="forged", Authentication_Results="mx.corp.test; dmarc=fail")
        genuine = mail(to, subject="genuine", Authentication_Results="mx.corp.test; dmarc=pass")
        dovecot.deliver(to, forged)
        wait_until(lambda: events(redis_client, inbox.id), 5, "the forged mail's event")
        dovecot.deliver(to, genuine)
        found = sdk.messages.wait_for_message(inbox.id, timeout=5)
        assert found is not None
        assert (found.subject, found.sender_auth) == ("genuine", "pass")
        assert [e.get("sender_auth") for e in events(redis_client, inbox.id)] == ["fail", "pass"]
