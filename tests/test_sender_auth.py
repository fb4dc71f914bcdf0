"""Sender authentication from the receiving server's Authentication-Results (RFC 8601), and an
inbox's sender allowlist refusing a forged From end to end."""

from __future__ import annotations

from email.parser import HeaderParser
from pathlib import Path

import pytest
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
from otpbridge.bridge.settings import load_settings

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


# -- each provider's own Authentication-Results (issue 13 item 2) ----------------------------------
# Samples in the format each provider documents, with the documentation's placeholder domains
# swapped for the From domain of the test.
#
# Exchange Online: Microsoft Learn, "Anti-spam message headers in Microsoft 365"
# (learn.microsoft.com/defender-office-365/message-headers-eop-mdo), Authentication-results
# fields; no authserv-id, compauth = Microsoft's composite verdict (fail = spoofed).
EXCHANGE_PASS = (
    "spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=github.com; dkim=pass (signature was "
    "verified) header.d=github.com;dmarc=pass action=none header.from=github.com;compauth=pass "
    "reason=100"
)
EXCHANGE_SPOOF = (
    "spf=none (sender IP is 192.0.2.66) smtp.mailfrom=evil.example; dkim=none (message not "
    "signed) header.d=none;dmarc=none action=none header.from=github.com;compauth=fail "
    "reason=001"
)
# Exchange Online with a tenant-configured trusted ARC sealer: Microsoft Learn, "Configure
# trusted ARC sealers" (email-authentication-arc-configure): "look for compauth=pass and
# reason=130" when ARC overrode a DMARC failure.
EXCHANGE_ARC = (
    "spf=softfail (sender IP is 192.0.2.20) smtp.mailfrom=lists.example; dkim=fail (signature "
    "did not verify) header.d=github.com;dmarc=fail action=oreject header.from=github.com;"
    "compauth=pass reason=130"
)
# Google: the Authentication-Results Gmail shows under "Show original" (Gmail Help, "Check
# whether a message is authenticated").
GOOGLE = (
    "mx.google.com; dkim=pass header.i=@github.com header.s=pf2023 header.b=abc123; "
    "spf=pass (google.com: domain of noreply@github.com designates 192.0.2.30 as permitted "
    "sender) smtp.mailfrom=noreply@github.com; dmarc=pass (p=REJECT sp=REJECT dis=NONE) "
    "header.from=github.com"
)
# Postfix + OpenDMARC (the header its README shows, "mail.example.com; dmarc=pass (p=none
# dis=none) header.from=…") and OpenDKIM.
OPENDMARC = "mail.example.com; dmarc=pass (p=none dis=none) header.from=github.com"
OPENDKIM = "mail.example.com; dkim=pass (2048-bit key; unprotected) header.d=github.com"
# rspamd (rspamd.com/doc/modules/milter_headers.html, authentication-results routine).
RSPAMD = (
    "mx.example.com; dkim=pass header.d=github.com header.s=pf2023 header.b=abc123; "
    "dmarc=pass (policy=reject) header.from=github.com; spf=pass (mx.example.com: domain of "
    "noreply@github.com designates 192.0.2.30 as permitted sender) "
    "smtp.mailfrom=noreply@github.com"
)


def _with(trusted: str, *results: str, **other: str) -> str:
    """The verdict with ``trusted`` (comma-separated) on Authentication-Results ``results``
    (topmost first) and ``other`` headers."""
    lines = [("Authentication-Results", r) for r in results]
    lines += [(k.replace("_", "-"), v) for k, v in other.items()]
    block = "".join(f"{name}: {value}\n" for name, value in lines)
    sender = "GitHub <noreply@github.com>"
    headers = HeaderParser().parsestr(f"From: {sender}\n{block}\n")
    return sender_auth(headers, parse_mailbox(sender).domain, frozenset(trusted.split(",")))


def test_exchange_online_is_trusted_by_position_when_the_operator_says_so() -> None:
    assert _with("exchange-online", EXCHANGE_PASS) == "pass"
    assert _with("mx.corp.test", EXCHANGE_PASS) == "none"  # not named: not believed
    # compauth=fail is Microsoft calling it spoofed, although DMARC found no policy.
    assert _with("exchange-online", EXCHANGE_SPOOF) == "fail"
    # A sender-written Exchange-style header sits below the one Exchange Online adds on top.
    assert _with("exchange-online", EXCHANGE_SPOOF, EXCHANGE_PASS) == "fail"
    assert _with("exchange-online", "mx.other.example; dmarc=none", EXCHANGE_PASS) == "none"
    assert _with("exchange-online", EXCHANGE_ARC) == "pass"  # Microsoft's own ARC override


def test_google_postfix_and_rspamd_headers() -> None:
    assert _with("mx.google.com", GOOGLE) == "pass"
    assert _with("mail.example.com", OPENDMARC) == "pass"
    assert _with("mail.example.com", OPENDKIM) == "pass"
    assert _with("mx.example.com", RSPAMD) == "pass"
    assert _with("mx.example.com", GOOGLE, OPENDMARC) == "none"  # other servers' headers


def test_arc_rescues_a_dmarc_failure_only_with_a_trusted_first_hop_sealer() -> None:
    # Forwarded through a Google Group: DKIM broken, DMARC fails at the final hop; the first
    # hop (Google) saw dmarc=pass and sealed it (RFC 8617).
    final = (
        'mx.example.com; dkim=fail header.d=github.com; arc=pass ("google.com:s=arc-20160816:'
        'i=1"); dmarc=fail (policy=reject) header.from=github.com'
    )
    first = (
        "i=1; mx.google.com; dkim=pass header.i=@github.com; dmarc=pass (p=REJECT) "
        "header.from=github.com"
    )
    seal = "i=1; a=rsa-sha256; t=1700000000; cv=none; d=google.com; s=arc-20160816; b=xyz"
    arc = {"ARC_Authentication_Results": first, "ARC_Seal": seal}
    assert _with("mx.example.com", final, **arc) == "fail"  # no sealer named: ARC never decides
    assert _with("mx.example.com,arc:google.com", final, **arc) == "pass"
    self_sealed = {**arc, "ARC_Seal": seal.replace("d=google.com", "d=evil.example")}
    assert _with("mx.example.com,arc:google.com", final, **self_sealed) == "fail"
    no_arc_pass = final.replace("arc=pass", "arc=fail")
    assert _with("mx.example.com,arc:google.com", no_arc_pass, **arc) == "fail"
    other_from = {**arc, "ARC_Authentication_Results": first.replace("from=github", "from=x")}
    assert _with("mx.example.com,arc:google.com", final, **other_from) == "fail"


def test_per_mailbox_trusted_ids_in_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "bridge.toml"
    config.write_text(
        'redis_url = "redis://localhost:6379/0"\naddress = "a+{id}@x.test"\n'
        'trusted_authserv_ids = "mx.corp.test"\n'
        '[[mailbox]]\nurl = "imaps://u:p@outlook.office365.com/"\n'
        'trusted_authserv_ids = ["Exchange-Online"]\n'
        '[[mailbox]]\nurl = "imaps://v:p@mail.corp.test/"\n',
        encoding="utf-8",
    )
    settings = load_settings({}, config)
    exchange, other = settings.mailboxes
    assert exchange.trusted_authserv_ids == frozenset({"exchange-online"})
    assert other.trusted_authserv_ids is None  # the bridge-wide value applies
    assert settings.trusted_authserv_ids == frozenset({"mx.corp.test"})


@pytest.mark.parametrize(
    ("results", "allowed"),
    [
        ((EXCHANGE_PASS,), True),
        ((EXCHANGE_SPOOF,), False),  # compauth=fail
        ((EXCHANGE_SPOOF, EXCHANGE_PASS), False),  # the forged pass is not the topmost
        (("mx.attacker.example; dmarc=pass", EXCHANGE_PASS), False),
    ],
)
def test_exchange_online_verdict_decides_an_allowlisted_wait(
    dovecot: DovecotServer,
    redis_client: redis.Redis,
    redis_url: str,
    results: tuple[str, ...],
    allowed: bool,
) -> None:
    settings = settings_for(redis_url, dovecot, OTPBRIDGE_TRUSTED_AUTHSERV_IDS="exchange-online")
    block = "".join(f"Authentication-Results: {r}\r\n" for r in results).encode()
    with (
        running_bridge(settings, redis_client),
        Client.from_url(redis_url, address=TEMPLATE) as sdk,
    ):
        inbox = sdk.inboxes.create(ttl=600, allowed_senders=["github.com"])
        to = address(inbox.id)
        raw = mail(to).replace(b"noreply@ext.test", b"noreply@github.com")
        raw = raw.replace(b"Content-Type:", block + b"Content-Type:", 1)
        dovecot.deliver(to, raw)
        found = sdk.messages.wait_for_message(inbox.id, timeout=3 if allowed else 1.5)
        (received,) = wait_until(lambda: events(redis_client, inbox.id), 5, "the mail")
    assert received["sender_allowed"] == ("1" if allowed else "0")
    assert (found is not None) == allowed
