"""Consumption lives in Redis: a code (or link, or mail) handed to one waiter is never handed to
anyone again, whichever process, client or API asks next.

Per inbox a hash ``consumed:{<id>}`` keeps, per *slot*, a floor: the stream id of the newest
event handed out. A wait only considers events above the floor of its slot, so the code it
returned and every older code (superseded: the service would reject them after a resend) are
gone for everyone. Slots: ``code``; ``link:magic_link``, ``link:confirm_link``,
``link:reset_link`` (links apart from codes, and one kind of link does not supersede another);
``message`` (``wait_for_message`` consumes mail in order).

Handing out is a compare-and-set in one script: two processes that find the same code race,
one gets it, the other is told the new floor and keeps waiting for the next. A waiter that
passes an idempotency key gets the same answer again within a grace period, so an answer lost
in transit (a proxy dropped the response) does not burn the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "CLAIM_SCRIPT",
    "IDEMPOTENCY_GRACE_S",
    "Claim",
    "link_slot",
    "parse_claim",
    "stream_id_le",
]

#: How long a repeated request with the same idempotency key gets the same answer.
IDEMPOTENCY_GRACE_S: Final = 300

#: KEYS: consumed hash, idempotency key, inbox hash.
#: ARGV: slot, message key, event id, waiter, now (ms), grace (ms), with idempotency ("1"/"0").
CLAIM_SCRIPT: Final = """
local function older_or_same(a, b)
  local ams, aseq = string.match(a, '^(%d+)-(%d+)$')
  local bms, bseq = string.match(b, '^(%d+)-(%d+)$')
  ams, aseq, bms, bseq = tonumber(ams), tonumber(aseq), tonumber(bms), tonumber(bseq)
  return ams < bms or (ams == bms and aseq <= bseq)
end
local ttl = redis.call('PTTL', KEYS[3])
if ttl == -2 then return {'gone', ''} end
local floor = redis.call('HGET', KEYS[1], 'floor:' .. ARGV[1])
if floor and older_or_same(ARGV[3], floor) then return {'taken', floor} end
redis.call('HSET', KEYS[1], 'floor:' .. ARGV[1], ARGV[3],
           'by:' .. ARGV[1] .. ':' .. ARGV[2], ARGV[4] .. '|' .. ARGV[5])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
if ARGV[7] == '1' then
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[6])
end
return {'ok', ARGV[3]}
"""


def link_slot(link_kind: str) -> str:
    return f"link:{link_kind}"


def stream_id_le(a: str, b: str) -> bool:
    """``a <= b`` in stream order (``ms-seq``)."""
    a_ms, _, a_seq = a.partition("-")
    b_ms, _, b_seq = b.partition("-")
    return (int(a_ms), int(a_seq or 0)) <= (int(b_ms), int(b_seq or 0))


@dataclass(frozen=True, slots=True)
class Claim:
    """``ok``: handed to this waiter. ``taken``: someone took it or a newer one (``floor`` is
    the slot's floor now). ``gone``: the inbox no longer exists."""

    status: Literal["ok", "taken", "gone"]
    floor: str


def parse_claim(reply: object) -> Claim:
    status, floor = (
        v.decode() if isinstance(v, bytes) else str(v)
        for v in reply  # type: ignore[attr-defined]
    )
    if status not in ("ok", "taken", "gone"):
        raise ValueError(f"unexpected claim reply {status!r}")
    return Claim(status, floor)  # type: ignore[arg-type]
