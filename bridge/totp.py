"""TOTP codes for services that use authenticator apps instead of mail (pyotp)."""

from __future__ import annotations

import hashlib
import time
from typing import Any, ClassVar, Final
from urllib.parse import parse_qs, urlsplit

import pyotp

from otpbridge.bridge.errors import ConfigError

__all__ = ["totp"]

_DIGESTS: Final = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


class _ServiceTotp(pyotp.TOTP):
    # The service picks the secret, not us: many still issue 80-bit (16-character) secrets,
    # which pyotp's default 112-bit floor would refuse.
    min_secret_length_bits: ClassVar[int] = 80


def _from_uri(uri: str) -> _ServiceTotp:
    parts = urlsplit(uri)
    if parts.netloc.lower() != "totp":
        raise ConfigError("the otpauth URI is not a TOTP (time-based) URI")
    query = {k.lower(): v[0] for k, v in parse_qs(parts.query).items()}
    algorithm = query.get("algorithm", "SHA1").upper()
    if algorithm not in _DIGESTS or "secret" not in query:
        raise ConfigError("the otpauth URI lacks a secret or names an unknown algorithm")
    return _ServiceTotp(
        query["secret"],
        digits=int(query.get("digits", "6")),
        digest=_DIGESTS[algorithm],
        interval=int(query.get("period", "30")),
    )


def totp(secret_or_uri: str, *, at: float | None = None) -> str:
    """The current code for a base32 secret or an ``otpauth://totp/...`` URI (digits, period
    and algorithm are taken from the URI)."""
    text = secret_or_uri.strip()
    try:
        generator: Any = (
            _from_uri(text)
            if text.lower().startswith("otpauth://")
            else _ServiceTotp(text.replace(" ", "").upper())
        )
        return str(generator.at(int(time.time() if at is None else at)))
    except (ValueError, TypeError):
        # The exception text may quote the secret: say what is expected instead.
        raise ConfigError(
            "not a TOTP secret (base32, e.g. JBSWY3DPEHPK3PXP) or otpauth://totp/... URI"
        ) from None
