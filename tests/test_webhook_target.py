"""The webhook address rule (worker/webhook/target.py) and the SDK's URL check: pure."""

from __future__ import annotations

import base64
import ipaddress

import pytest

from otpbridge.bridge.sdk.webhooks import check_webhook_url, new_webhook_secret
from otpbridge.worker.errors import WorkerConfigError
from otpbridge.worker.webhook.settings import WebhookSettings
from otpbridge.worker.webhook.target import (
    MAX_URL_LENGTH,
    AllowPrivate,
    address_problem,
    literal_address,
    parse_target,
)


@pytest.mark.parametrize(
    ("url", "address", "problem"),
    [
        # Every spelling a resolver or browser reads as 127.0.0.1.
        ("http://127.0.0.1/", "127.0.0.1", "loopback"),
        ("http://127.1/", "127.0.0.1", "loopback"),
        ("http://0x7f.1/", "127.0.0.1", "loopback"),
        ("http://0x7F.0.0.1/", "127.0.0.1", "loopback"),
        ("http://2130706433/", "127.0.0.1", "loopback"),
        ("http://0x7f000001/", "127.0.0.1", "loopback"),
        ("http://017700000001/", "127.0.0.1", "loopback"),
        ("http://0177.0.0.1/", "127.0.0.1", "loopback"),
        ("http://127.0.0.1./", "127.0.0.1", "loopback"),
        ("http://[::1]:8080/", "::1", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1", "loopback (IPv4 inside IPv6)"),
        ("http://[::ffff:7f00:1]/", "::ffff:127.0.0.1", "loopback (IPv4 inside IPv6)"),
        ("http://[2002:7f00:1::]/", "2002:7f00:1::", "loopback (IPv4 inside IPv6)"),
        ("http://[64:ff9b::a00:1]/", "64:ff9b::a00:1", "private (IPv4 inside IPv6)"),
        ("http://0/", "0.0.0.0", "unspecified"),
        ("http://[::]/", "::", "unspecified"),
        ("http://10.1.2.3/", "10.1.2.3", "private"),
        ("http://172.16.0.1/", "172.16.0.1", "private"),
        ("http://192.168.1.1/", "192.168.1.1", "private"),
        ("http://3232235777/", "192.168.1.1", "private"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "link-local"),
        ("http://0xa9.0xfe.0xa9.0xfe/", "169.254.169.254", "link-local"),
        ("http://[fe80::1%25eth0]/", "fe80::1", "link-local"),
        ("http://[fe80::1]/", "fe80::1", "link-local"),
        ("http://[fd00::5]/", "fd00::5", "private"),
        ("http://100.64.0.1/", "100.64.0.1", "not globally routable"),
        ("http://224.0.0.1/", "224.0.0.1", "multicast"),
        ("http://[ff0e::1]/", "ff0e::1", "multicast"),
        ("http://240.0.0.1/", "240.0.0.1", "private"),
        ("http://[2001:db8::1]/", "2001:db8::1", "private"),
        # Public: allowed.
        ("http://8.8.8.8/", "8.8.8.8", None),
        ("https://[2606:4700:4700::1111]/h", "2606:4700:4700::1111", None),
        ("http://134744072/", "8.8.8.8", None),
    ],
)
def test_literal_hosts_in_every_form_are_classified(
    url: str, address: str, problem: str | None
) -> None:
    target = parse_target(url)
    assert target.literal == ipaddress.ip_address(address)
    assert address_problem(target.literal) == problem


@pytest.mark.parametrize(
    "host", ["example.com", "hooks.example.com", "1.2.3.4.nip.io", "0x7f.example", "localhost"]
)
def test_names_are_not_literals(host: str) -> None:
    assert literal_address(host) is None
    assert parse_target(f"https://{host}/x").literal is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/", "http:// or https://"),
        ("javascript:alert(1)", "http:// or https://"),
        ("http:///path", "no host"),
        ("http://", "no host"),
        ("https://user:pw@example.com/", "user or password"),
        ("https://example.com/#frag", "fragment"),
        ("https://exa mple.com/", "whitespace"),
        ("https://example.com/\r\nX: y", "whitespace"),
        ("http://256.1.1.1/", "not an IPv4 address"),
        ("http://0x100000000/", "not an IPv4 address"),
        ("http://1.2.3.256/", "not an IPv4 address"),
        ("http://example.com:99999/", "not a valid URL"),
        ("http://[::1/", "not a valid URL"),
        ("http://bücher.example/", "ASCII"),
        ("https://example.com/" + "a" * MAX_URL_LENGTH, "longer than"),
        ("", "non-empty"),
    ],
)
def test_bad_urls_get_a_clear_error(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_target(url)


@pytest.mark.parametrize(
    "url", ["http://127.1/", "http://0x7f.1/", "http://[::ffff:10.0.0.1]/", "http://[::1]/"]
)
def test_sdk_refuses_literal_private_targets_at_creation(url: str) -> None:
    with pytest.raises(ValueError, match="public addresses"):
        check_webhook_url(url)


def test_sdk_accepts_names_and_public_addresses() -> None:
    for url in ("https://hooks.example.com/x?y=1", "http://localhost:8080/", "http://8.8.8.8/"):
        assert check_webhook_url(url) == url


def test_secret_is_a_standard_webhooks_secret() -> None:
    secret = new_webhook_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert new_webhook_secret() != secret


def test_allow_private_all_or_networks() -> None:
    loop, ten, mapped = (
        ipaddress.ip_address(a) for a in ("127.0.0.1", "10.2.3.4", "::ffff:10.2.3.4")
    )
    public = ipaddress.ip_address("8.8.8.8")
    assert AllowPrivate().refusal([public]) is None
    assert AllowPrivate().refusal([public, ten]) == "10.2.3.4 is private"  # any bad record refuses
    assert AllowPrivate.parse("1").refusal([loop, ten]) is None
    some = AllowPrivate.parse("10.0.0.0/8, fd00::/8")
    assert some.refusal([ten]) is None
    assert some.refusal([mapped]) is None
    assert some.refusal([loop]) == "127.0.0.1 is loopback"
    for off in ("", "0", "false", "no"):
        assert AllowPrivate.parse(off) == AllowPrivate()
    with pytest.raises(ValueError, match=r"'10\.0\.0\.0/33' is not a network"):
        AllowPrivate.parse("10.0.0.0/33")


def test_settings_from_env() -> None:
    settings = WebhookSettings.from_env(
        {
            "OTPBRIDGE_WEBHOOK_ALLOW_PRIVATE": "127.0.0.0/8",
            "OTPBRIDGE_WEBHOOK_RETRY_INTERVALS": "1,2",
            "OTPBRIDGE_WEBHOOK_TIMEOUT": "2.5",
            "OTPBRIDGE_WEBHOOK_QUEUE": "hooks",
        }
    )
    assert settings.retry_intervals_s == (1, 2)
    assert settings.timeout_s == 2.5
    assert settings.queue_name == "hooks"
    assert settings.allow_private.networks == (ipaddress.ip_network("127.0.0.0/8"),)
    assert WebhookSettings.from_env({}) == WebhookSettings()
    assert (
        WebhookSettings.from_env({"OTPBRIDGE_WEBHOOK_RETRY_INTERVALS": ""}).retry_intervals_s == ()
    )
    for name, value in (
        ("OTPBRIDGE_WEBHOOK_ALLOW_PRIVATE", "everything"),
        ("OTPBRIDGE_WEBHOOK_TIMEOUT", "nan"),
        ("OTPBRIDGE_WEBHOOK_TIMEOUT", "0"),
        ("OTPBRIDGE_WEBHOOK_RETRY_INTERVALS", "1,x"),
        ("OTPBRIDGE_WEBHOOK_RETRY_INTERVALS", "-1"),
    ):
        with pytest.raises(WorkerConfigError, match=name):
            WebhookSettings.from_env({name: value})
