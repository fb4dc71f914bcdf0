"""Bridge settings: environment, TOML with several mailboxes, secrets hidden, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from otpbridge.bridge.errors import ConfigError
from otpbridge.bridge.settings import AfterRoute, load_settings, parse_duration

BASE = {
    "OTPBRIDGE_REDIS_URL": "redis://:redispw@127.0.0.1:6390/0",
    "OTPBRIDGE_IMAP_URL": "imaps://agents%40corp.example:s3cr%2Ft@imap.corp.example/INBOX",
    "OTPBRIDGE_ADDRESS": "agents+{id}@corp.example",
}


def test_env_defaults_and_percent_decoding() -> None:
    s = load_settings(BASE)
    (m,) = s.mailboxes
    assert (m.host, m.port, m.security, m.username) == (
        "imap.corp.example",
        993,
        "tls",
        "agents@corp.example",
    )
    assert m.read_password() == "s3cr/t"
    assert m.folders == ("INBOX",)
    assert m.after_route == AfterRoute("keep")
    assert m.name == "agents@corp.example@imap.corp.example"
    assert s.prefix == "otpb"
    assert s.fast_check_ms == 10
    assert s.idle_renew_s == 300
    assert s.max_message_bytes == 10 * 1024 * 1024


def test_repr_hides_every_secret() -> None:
    s = load_settings(BASE)
    text = repr(s)
    assert "s3cr" not in text
    assert "redispw" not in text
    assert "redispw" not in s.redis_url_redacted


def test_password_from_env_and_file(tmp_path: Path) -> None:
    env = {**BASE, "OTPBRIDGE_IMAP_URL": "imap://bot@mail.example:1143/"}
    assert (
        load_settings({**env, "OTPBRIDGE_IMAP_PASSWORD": "pw1"}).mailboxes[0].read_password()
        == "pw1"
    )
    secret = tmp_path / "pw"
    secret.write_text("token-a\n")
    m = load_settings({**env, "OTPBRIDGE_IMAP_PASSWORD_FILE": str(secret)}).mailboxes[0]
    assert (m.security, m.port, m.read_password()) == ("starttls", 1143, "token-a")
    secret.write_text("token-b\n")  # rotated by a sidecar: the next connection sees it
    assert m.read_password() == "token-b"


def test_folders_after_route_and_numbers() -> None:
    s = load_settings(
        {
            **BASE,
            "OTPBRIDGE_FOLDERS": "INBOX, Junk",
            "OTPBRIDGE_AFTER_ROUTE": "move:Processed",
            "OTPBRIDGE_FAST_CHECK_MS": "0",
            "OTPBRIDGE_IDLE_RENEW": "120",
            "OTPBRIDGE_METRICS_PORT": "9108",
        }
    )
    m = s.mailboxes[0]
    assert m.folders == ("INBOX", "Junk")
    assert m.after_route == AfterRoute("move", "Processed")
    assert (s.fast_check_ms, s.idle_renew_s, s.metrics_port) == (0, 120.0, 9108)
    assert m.watch_names() == (f"{m.name}:INBOX", f"{m.name}:Junk")


def test_toml_lists_several_mailboxes(tmp_path: Path) -> None:
    config = tmp_path / "bridge.toml"
    config.write_text(
        'address = "{id}@agents.corp.example"\n'
        "idle_renew = 240\n"
        "[[mailbox]]\n"
        'url = "imaps://a%40corp.example:pa@imap.one.example/"\n'
        'folders = ["INBOX", "Junk"]\n'
        "[[mailbox]]\n"
        'name = "second"\n'
        'url = "imaps://b@imap.two.example:1993/"\n'
        'password = "pw-two-secret"\n'
        'after_route = "seen"\n'
        'auth = "xoauth2"\n'
    )
    s = load_settings(BASE, config=config)
    one, two = s.mailboxes
    assert s.address == "{id}@agents.corp.example"
    assert s.idle_renew_s == 240
    assert one.folders == ("INBOX", "Junk")
    assert one.read_password() == "pa"
    assert (two.name, two.port, two.auth, two.read_password()) == (
        "second",
        1993,
        "xoauth2",
        "pw-two-secret",
    )
    assert two.after_route == AfterRoute("seen")
    assert "pw-two-secret" not in repr(s)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"OTPBRIDGE_REDIS_URL": ""}, "OTPBRIDGE_REDIS_URL is not set"),
        ({"OTPBRIDGE_REDIS_URL": "http://x"}, "must start with redis://"),
        ({"OTPBRIDGE_ADDRESS": "agents@corp.example"}, "exactly one {id}"),
        ({"OTPBRIDGE_IMAP_URL": ""}, "OTPBRIDGE_IMAP_URL is not set"),
        ({"OTPBRIDGE_IMAP_URL": "pop3://u:p@h/"}, "must start with imaps://"),
        ({"OTPBRIDGE_IMAP_URL": "imaps://u@h/"}, "no password"),
        ({"OTPBRIDGE_IMAP_URL": "imaps://u:p@h:99999/"}, "invalid port"),
        ({"OTPBRIDGE_AFTER_ROUTE": "archive"}, "use keep, seen, move:<folder> or delete"),
        ({"OTPBRIDGE_AFTER_ROUTE": "move:INBOX"}, "targets a watched folder"),
        ({"OTPBRIDGE_FAST_CHECK_MS": "fast"}, "is not a number"),
        ({"OTPBRIDGE_IDLE_RENEW": "0"}, "must be >= 1"),
        ({"OTPBRIDGE_TLS_CA_FILE": "/nonexistent/ca.pem"}, "does not exist"),
        ({"OTPBRIDGE_IMAP_STARTTLS": "maybe"}, "use auto, required or off"),
        ({"OTPBRIDGE_LOG_LEVEL": "LOUD"}, "OTPBRIDGE_LOG_LEVEL"),
        ({"OTPBRIDGE_LEASE_TTL": "40"}, "within 30 s"),
    ],
)
def test_bad_input_is_a_clear_config_error(change: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("{", r"\{").replace("}", r"\}")):
        load_settings({**BASE, **change})


def test_bad_toml_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[[mailbox]\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings(BASE, config=config)
    with pytest.raises(ConfigError, match="No such file"):
        load_settings(BASE, config=tmp_path / "missing.toml")


def test_durations() -> None:
    assert parse_duration("90", "x") == 90
    assert parse_duration("15m", "x") == 900
    assert parse_duration("2h", "x") == 7200
    assert parse_duration("7d", "x") == 7 * 86400
    with pytest.raises(ConfigError, match="not a duration"):
        parse_duration("soon", "--since")
    assert load_settings(BASE, since="30m").since_s == 1800
