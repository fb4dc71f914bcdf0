"""An inbox's webhook as the SDK writes it: the URL check at creation, the signing secret, and
its rotation (DESIGN.md "Webhooks"). Pure, except for drawing random secrets.

Secrets are Standard Webhooks secrets: ``whsec_`` and the base64 of 32 random bytes. They are
stored in the inbox hash (the worker signs with them, so they cannot be stored hashed) and
handed to the caller twice only: by ``inboxes.create`` and by ``rotate_webhook_secret``.
"""

from __future__ import annotations

import base64
import secrets
from typing import Final

from otpbridge.worker.webhook.target import address_problem, parse_target

__all__ = [
    "ROTATE_SCRIPT",
    "ROTATION_OVERLAP_S",
    "SECRET_BYTES",
    "check_webhook_url",
    "new_webhook_secret",
    "webhook_fields",
]

#: 256 bits; Standard Webhooks asks for 24 to 64 bytes.
SECRET_BYTES: Final = 32
#: After a rotation deliveries carry a signature with the old secret too, for this long (the
#: header takes several), so a receiver can switch to the new secret without dropping any.
ROTATION_OVERLAP_S: Final = 24 * 3600

#: KEYS: the inbox hash. ARGV: new secret, overlap end (ms; "0": none).
#: Returns -1 (no inbox), 0 (the inbox has no webhook) or 1. One script, so two rotations at
#: once cannot both report success while one of their secrets is already gone.
ROTATE_SCRIPT: Final = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if (redis.call('HGET', KEYS[1], 'webhook_url') or '') == '' then return 0 end
local old = redis.call('HGET', KEYS[1], 'webhook_secret') or ''
if ARGV[2] == '0' then old = '' end
redis.call('HSET', KEYS[1], 'webhook_secret', ARGV[1], 'webhook_secret_prev', old,
           'webhook_secret_prev_until', ARGV[2])
return 1
"""


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def check_webhook_url(url: str) -> str:
    """``url`` if it may be an inbox's webhook, else a ``ValueError`` saying why.

    A literal non-public address (``http://10.0.0.7/``, ``http://127.1/``) is refused here; a
    name is resolved and checked by the worker at each delivery, where the operator may allow
    private targets (``OTPBRIDGE_WEBHOOK_ALLOW_PRIVATE``).
    """
    target = parse_target(url)
    if target.literal is not None:
        problem = address_problem(target.literal)
        if problem:
            raise ValueError(
                f"webhook_url points at {target.literal}, a {problem} address: webhooks go to "
                "public addresses (an operator can allow private ones for a host name with "
                "OTPBRIDGE_WEBHOOK_ALLOW_PRIVATE on the workers)"
            )
    return url


def webhook_fields(url: str | None) -> tuple[dict[str, str], str | None]:
    """The inbox hash fields of a new inbox's webhook and its secret (none without a URL)."""
    if url is None:
        return {}, None
    secret = new_webhook_secret()
    return {"webhook_url": check_webhook_url(url), "webhook_secret": secret}, secret
