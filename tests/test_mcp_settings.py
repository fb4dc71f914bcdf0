"""Which backend ``otpbridge mcp`` picks, and that its settings never show a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from otpbridge.bridge.errors import ConfigError
from otpbridge.bridge.mcp.settings import load_mcp_settings

TOKEN = "s3cret-admin-token-0123456789abcdef"


def test_serve_url_and_token_pick_http_and_hide_the_token() -> None:
    s = load_mcp_settings(
        {
            "OTPBRIDGE_SERVE_URL": "http://127.0.0.1:8025/",
            "OTPBRIDGE_API_TOKEN": TOKEN,
            "OTPBRIDGE_REDIS_URL": "redis://:pw@127.0.0.1:6379/0",  # serve wins
        }
    )
    assert s.backend == "http"
    assert s.serve_url == "http://127.0.0.1:8025"
    assert s.api_token is not None
    assert s.api_token.reveal() == TOKEN
    assert TOKEN not in repr(s)
    assert s.redis_url is None
    with pytest.raises(AttributeError):
        s.backend = "redis"  # type: ignore[misc]


def test_token_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text(TOKEN + "\n")
    s = load_mcp_settings(
        {"OTPBRIDGE_SERVE_URL": "https://otp.corp.example", "OTPBRIDGE_API_TOKEN_FILE": str(path)}
    )
    assert s.api_token is not None
    assert s.api_token.reveal() == TOKEN


def test_redis_alone_picks_redis_and_hides_the_password() -> None:
    s = load_mcp_settings({"OTPBRIDGE_REDIS_URL": "redis://:pw-xyz@127.0.0.1:6379/0"})
    assert s.backend == "redis"
    assert "pw-xyz" not in repr(s)


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({}, "OTPBRIDGE_SERVE_URL"),
        ({"OTPBRIDGE_SERVE_URL": "http://127.0.0.1:8025"}, "OTPBRIDGE_API_TOKEN"),
        ({"OTPBRIDGE_SERVE_URL": "ftp://x", "OTPBRIDGE_API_TOKEN": TOKEN}, "http(s) URL"),
        (
            {"OTPBRIDGE_SERVE_URL": "http://u:p@h", "OTPBRIDGE_API_TOKEN": TOKEN},
            "must not carry credentials",
        ),
        (
            {"OTPBRIDGE_SERVE_URL": "http://h", "OTPBRIDGE_API_TOKEN_FILE": "/nonexistent/t"},
            "OTPBRIDGE_API_TOKEN_FILE",
        ),
        ({"OTPBRIDGE_REDIS_URL": "mysql://x"}, "OTPBRIDGE_REDIS_URL"),
    ],
)
def test_misconfiguration_is_a_clear_error(env: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError, match=None) as info:
        load_mcp_settings(env)
    assert says in str(info.value)
