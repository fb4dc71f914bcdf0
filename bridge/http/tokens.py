"""Per-inbox bearer tokens: random, shown once, stored only as their SHA-256.

``<prefix>:token:<sha256 hex>`` → the inbox id, and ``<prefix>:tokenof:{<id>}`` → the hash of
the inbox's current token (so rotation and deletion find the old one); both expire with the
inbox (PEXPIREAT). A token is 32 random bytes (256 bits, ``secrets.token_urlsafe``): a plain
hash is enough — nobody can guess a preimage of that size, so no salt or slow hash is needed,
and a lookup is one GET. Rotation swaps the pair in one Lua script: a rotated-out token stops
working at once, and two rotations racing never leave two live tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any, Final

import redis.asyncio as aredis

__all__ = ["TOKEN_BYTES", "TokenStore", "admin_matches", "token_hash"]

#: Random bytes per inbox token (the issue asks for at least 128 bits).
TOKEN_BYTES: Final = 32

#: KEYS[1] tokenof:{id}; KEYS[2] the new token:<hash> (absent to revoke); ARGV: the new hash
#: ("" to revoke), inbox id, expiry (ms since the epoch), the token key prefix. The old token's
#: key is built inside the script: fine on one Redis primary (Cluster is out of scope, §1).
_SWAP: Final = """
local old = redis.call('GET', KEYS[1])
if old then redis.call('DEL', ARGV[4] .. old) end
if ARGV[1] == '' then
  redis.call('DEL', KEYS[1])
  return old and 1 or 0
end
redis.call('SET', KEYS[2], ARGV[2], 'PXAT', ARGV[3])
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[3])
return old and 1 or 0
"""

#: KEYS[1] tokenof:{id}; ARGV: the token key prefix, ms. Shortens the life of the inbox's token
#: (both keys) to at most ARGV[2] ms from now.
_RETIRE: Final = """
local h = redis.call('GET', KEYS[1])
if not h then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 or ttl > tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('PEXPIRE', ARGV[1] .. h, ARGV[2])
end
return 1
"""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def admin_matches(presented: str, admin_token: str) -> bool:
    """Constant-time comparison (of fixed-length digests, so the length leaks nothing)."""
    return hmac.compare_digest(
        hashlib.sha256(presented.encode()).digest(), hashlib.sha256(admin_token.encode()).digest()
    )


class TokenStore:
    """Issues, looks up, rotates and revokes inbox tokens in Redis."""

    def __init__(self, client: aredis.Redis, prefix: str = "otpb") -> None:
        self._r = client
        self._token_prefix = f"{prefix}:token:"
        self._prefix = prefix
        self._swap: Any = client.register_script(_SWAP)
        self._retire: Any = client.register_script(_RETIRE)

    def _owner_key(self, inbox_id: str) -> str:
        return f"{self._prefix}:tokenof:{{{inbox_id}}}"

    async def issue(self, inbox_id: str, expires_at_ms: int) -> str:
        """A new token for the inbox, replacing any earlier one (that stops working now).
        The plaintext is returned once and never stored."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        digest = token_hash(token)
        await self._swap(
            keys=[self._owner_key(inbox_id), self._token_prefix + digest],
            args=[digest, inbox_id, max(1, expires_at_ms), self._token_prefix],
        )
        return token

    async def inbox_of(self, token: str) -> str | None:
        """The inbox this token opens, ``None`` for an unknown, revoked or expired token."""
        if not token or len(token) > 512:
            return None
        raw = await self._r.get(self._token_prefix + token_hash(token))
        if raw is None:
            return None
        return raw.decode() if isinstance(raw, bytes) else str(raw)

    async def revoke(self, inbox_id: str) -> bool:
        """Forget the inbox's token; ``False`` when it had none."""
        found = await self._swap(
            keys=[self._owner_key(inbox_id)], args=["", inbox_id, 0, self._token_prefix]
        )
        return bool(found)

    async def retire(self, inbox_id: str, within_s: float) -> bool:
        """After a deletion: the token keeps answering ``404`` (not ``401``: its holder learns
        the inbox is gone, as the contract says) for at most ``within_s``, then it is gone."""
        found = await self._retire(
            keys=[self._owner_key(inbox_id)],
            args=[self._token_prefix, max(1, int(within_s * 1000))],
        )
        return bool(found)
