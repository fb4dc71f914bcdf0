"""TOTP codes for services that use authenticator apps instead of mail (pyotp)."""

from __future__ import annotations

import time

import pyotp

from bridge.errors import ConfigError

__all__ = ["totp"]


def totp(secret_or_uri: str, *, at: float | None = None) -> str:
    """The current code for a base32 secret or an ``otpauth://totp/...`` URI (digits, period and
    algorithm are taken from the URI)."""
    text = secret_or_uri.strip()
    try:
        if text.lower().startswith("otpauth://"):
            generator = pyotp.parse_uri(text)
            if not isinstance(generator, pyotp.TOTP):
                raise ConfigError("the otpauth URI is not a TOTP (time-based) URI")
        else:
            generator = pyotp.TOTP(text.replace(" ", "").upper())
        return str(generator.at(time.time() if at is None else at))
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"not a TOTP secret or otpauth:// URI ({type(exc).__name__})") from None
