"""Hostile settings (issue 14): ``nan``/``inf``/absurd numbers, unclosed IPv6 brackets and raw
``@`` in passwords give one clear configuration error naming the variable, never a traceback
and never a password."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from otpbridge.bridge.errors import ConfigError
from otpbridge.bridge.settings import _ENV_NUMBERS, load_settings, parse_duration
from otpbridge.worker.errors import WorkerConfigError
from otpbridge.worker.settings import WorkerSettings, check_redis_url, redact_url

BASE = {
    "OTPBRIDGE_REDIS_URL": "redis://:redispw@127.0.0.1:6390/0",
    "OTPBRIDGE_IMAP_URL": "imaps://agents%40corp.example:s3cr3t@imap.corp.example/INBOX",
    "OTPBRIDGE_ADDRESS": "agents+{id}@corp.example",
}
_CLI = "import sys; from otpbridge.bridge.cli import main; sys.exit(main())"


@pytest.mark.parametrize("name", [*sorted(_ENV_NUMBERS), "OTPBRIDGE_METRICS_PORT"])
@pytest.mark.parametrize("raw", ["nan", "inf", "-inf", "NaN", "1e400", "-5", "1e30"])
def test_bridge_numbers_refuse_non_finite_negative_and_absurd(name: str, raw: str) -> None:
    with pytest.raises(ConfigError, match=name) as caught:
        load_settings({**BASE, name: raw})
    assert "\n" not in str(caught.value)


def test_bridge_numbers_from_toml_name_the_key(tmp_path: Path) -> None:
    config = tmp_path / "bridge.toml"
    config.write_text("lease_ttl = nan\n")
    with pytest.raises(ConfigError, match=r"lease_ttl.*finite"):
        load_settings(BASE, config=config)
    config.write_text("read_timeout = inf\n")
    with pytest.raises(ConfigError, match=r"read_timeout.*finite"):
        load_settings(BASE, config=config)


def test_sensible_numbers_still_load() -> None:
    s = load_settings(
        {**BASE, "OTPBRIDGE_LEASE_TTL": "20", "OTPBRIDGE_IMAP_READ_TIMEOUT": "3600.5"}
    )
    assert (s.lease_ttl_s, s.read_timeout_s) == (20.0, 3600.5)


def test_since_refuses_an_infinite_duration() -> None:
    with pytest.raises(ConfigError, match="--since"):
        parse_duration("9" * 400, "--since")
    assert parse_duration("52w", "--since") == 52 * 604800


@pytest.mark.parametrize(
    "name", ["OTPBRIDGE_ABANDON_GRACE", "OTPBRIDGE_MAINTENANCE_INTERVAL", "OTPBRIDGE_METRICS_PORT"]
)
@pytest.mark.parametrize("raw", ["nan", "inf", "-5", "1e3", str(10**30), "9" * 5000])
def test_worker_numbers_are_one_line_errors(name: str, raw: str) -> None:
    with pytest.raises(WorkerConfigError, match=name) as caught:
        WorkerSettings.from_env({"OTPBRIDGE_REDIS_URL": "redis://127.0.0.1:6390/0", name: raw})
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("option", ["socket_timeout=nan", "socket_connect_timeout=inf"])
def test_redis_url_timeouts_must_be_finite(option: str) -> None:
    with pytest.raises(WorkerConfigError, match=option.partition("=")[0]):
        check_redis_url(f"redis://:pw@127.0.0.1:6390/0?{option}")
    assert check_redis_url("redis://127.0.0.1:6390/0?socket_timeout=2.5")


@pytest.mark.parametrize(
    "url",
    [
        "imaps://u:s3cr3t@[::1/INBOX",
        "imaps://u:s3cr3t@[::1",
        "imap://u:s3cr3t@[zz]/INBOX",
    ],
)
def test_unclosed_ipv6_imap_url_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError, match="OTPBRIDGE_IMAP_URL") as caught:
        load_settings({**BASE, "OTPBRIDGE_IMAP_URL": url})
    assert "s3cr3t" not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "redis://[::1:6379/0",
        "redis://:s3cr3t@[::1:6379/0",
        "rediss://[::1/0",
        "redis+sentinel://:s3cr3t@[::1:26379/mymaster",
    ],
)
def test_unclosed_ipv6_redis_url_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError, match="OTPBRIDGE_REDIS_URL") as caught:
        load_settings({**BASE, "OTPBRIDGE_REDIS_URL": url})
    assert "s3cr3t" not in str(caught.value)
    with pytest.raises(WorkerConfigError, match="OTPBRIDGE_REDIS_URL"):
        WorkerSettings.from_env({"OTPBRIDGE_REDIS_URL": url})
    assert check_redis_url("redis://[::1]:6379/0")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:p@ss@word@host:6379/0", "redis://:***@host:6379/0"),
        ("redis://user:p@ss@host/0", "redis://user:***@host/0"),
        ("rediss://:pa/ss@host:1/0", "rediss://:***@host:1/0"),
        ("redis+sentinel://:s@cr@t@h1:1,h2:2/m", "redis+sentinel://:***@h1:1,h2:2/m"),
        ("imaps://agents%40corp:pw@imap.example/A@B", "imaps://agents%40corp:***@imap.example/A@B"),
        ("redis://:pw@h/0?x=a@b", "redis://:***@h/0?x=a@b"),
        ("redis://h:6379/0", "redis://h:6379/0"),
        ("redis://user@h:6379/0", "redis://user@h:6379/0"),
    ],
)
def test_redact_url_hides_the_whole_password(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_settings_repr_hides_a_password_with_raw_at() -> None:
    s = load_settings({**BASE, "OTPBRIDGE_REDIS_URL": "redis://:p@ss@wyrd@127.0.0.1:6390/0"})
    assert s.redis_url_redacted == "redis://:***@127.0.0.1:6390/0"
    assert "wyrd" not in repr(s)


def _cli(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
    return subprocess.run(
        [sys.executable, "-c", _CLI, *argv],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("argv", "change", "names"),
    [
        (["bridge"], {"OTPBRIDGE_LEASE_TTL": "nan"}, "OTPBRIDGE_LEASE_TTL"),
        (["bridge"], {"OTPBRIDGE_FAST_CHECK_MS": "inf"}, "OTPBRIDGE_FAST_CHECK_MS"),
        (["bridge"], {"OTPBRIDGE_IMAP_URL": "imaps://u:s3cr3t@[::1/INBOX"}, "OTPBRIDGE_IMAP_URL"),
        (["bridge"], {"OTPBRIDGE_REDIS_URL": "redis://[::1:6379/0"}, "OTPBRIDGE_REDIS_URL"),
        (["worker", "--burst"], {"OTPBRIDGE_ABANDON_GRACE": "inf"}, "OTPBRIDGE_ABANDON_GRACE"),
        (
            ["worker", "--burst"],
            {"OTPBRIDGE_REDIS_URL": "redis://:s3cr3t@[::1:6379/0"},
            "OTPBRIDGE_REDIS_URL",
        ),
        (["inbox", "list"], {"OTPBRIDGE_REDIS_URL": "redis://[::1:6379/0"}, "OTPBRIDGE_REDIS_URL"),
    ],
)
def test_cli_reports_one_line(argv: list[str], change: dict[str, str], names: str) -> None:
    proc = _cli(argv, {**BASE, **change})
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert names in proc.stderr
    assert "s3cr3t" not in proc.stderr
