"""Per-inbox storage quota: at most N mails and M bytes of raw mail, oldest dropped first.

One inbox must not fill Redis for everyone (Redis runs with ``noeviction``: when it is full,
every write fails). The trim runs as a script inside the ingest transaction, right after the
new mail is stored, so the quota holds at every commit. A dropped mail loses its raw bytes and
its listing entry; its events stay and a ``dropped`` event marks it, so the timeline still
shows it arrived.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from redis.client import Pipeline

from otpbridge.worker.events import EVENT_DROPPED, STREAM_MAXLEN
from otpbridge.worker.keys import Keys

__all__ = ["Quota"]

#: KEYS: inbox hash, listing zset, events stream, published set.
#: ARGV: raw-mail key prefix, max mails, max bytes, bytes just stored, stream maxlen, rendered
#: key prefix.
_TRIM: Final = """
local bytes = redis.call('HINCRBY', KEYS[1], 'stored_bytes', ARGV[4])
local count = redis.call('ZCARD', KEYS[2])
local dropped = 0
while count > tonumber(ARGV[2]) or bytes > tonumber(ARGV[3]) do
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if not oldest then break end
  local raw = ARGV[1] .. oldest
  local size = redis.call('STRLEN', raw)
  redis.call('DEL', raw, ARGV[6] .. oldest)
  redis.call('ZREM', KEYS[2], oldest)
  redis.call('SREM', KEYS[4], oldest)
  bytes = redis.call('HINCRBY', KEYS[1], 'stored_bytes', -size)
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*',
             'type', '""" + EVENT_DROPPED + """', 'message_key', oldest, 'reason', 'quota')
  count = count - 1
  dropped = dropped + 1
end
return dropped
"""


@dataclass(frozen=True, slots=True)
class Quota:
    """The limits of every inbox (settings ``OTPBRIDGE_INBOX_MAX_MAILS``/``_MAX_BYTES``)."""

    max_mails: int
    max_bytes: int

    def trim(self, pipe: Pipeline, keys: Keys, inbox_id: str, stored_bytes: int) -> None:
        """Queue the trim of ``inbox_id`` after ``stored_bytes`` of new raw mail (in MULTI)."""
        pipe.eval(
            _TRIM,
            4,
            keys.inbox(inbox_id),
            keys.messages(inbox_id),
            keys.events(inbox_id),
            keys.published(inbox_id),
            keys.message(inbox_id, ""),
            self.max_mails,
            self.max_bytes,
            stored_bytes,
            STREAM_MAXLEN,
            keys.rendered(inbox_id, ""),
        )
