"""Publish-once: at most one ``extracted``/``failed`` event per message, however often a job runs.

One Lua script does the check and the write atomically: SADD the message key to the inbox's
published set, and only if it was new XADD the event. It refuses to write when the inbox hash is
gone (deleted or expired), so a late job never resurrects an inbox's stream without a TTL, and it
gives the set and the stream the inbox's remaining TTL. All keys share the inbox's hash tag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

import redis

from worker.events import STREAM_MAXLEN
from worker.keys import Keys

__all__ = ["PublishOutcome", "Publisher"]

_PUBLISH_ONCE: Final = """
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
local ttl = redis.call('PTTL', KEYS[3])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return id
"""


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    """``published`` with the stream id, ``duplicate`` (already published) or ``inbox_gone``."""

    status: Literal["published", "duplicate", "inbox_gone"]
    event_id: str | None = None


class Publisher:
    """Writes events of one Redis through the publish-once script (EVALSHA, loaded on demand)."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self._keys = keys
        self._script = client.register_script(_PUBLISH_ONCE)

    def publish(self, inbox_id: str, message_key: str, fields: Mapping[str, str]) -> PublishOutcome:
        flat: list[str] = []
        for name, value in fields.items():
            flat += (name, value)
        result = self._script(
            keys=[
                self._keys.published(inbox_id),
                self._keys.events(inbox_id),
                self._keys.inbox(inbox_id),
            ],
            args=[message_key, str(STREAM_MAXLEN), *flat],
        )
        if result == -1:
            return PublishOutcome("inbox_gone")
        if result == 0:
            return PublishOutcome("duplicate")
        event_id = result.decode() if isinstance(result, bytes) else str(result)
        return PublishOutcome("published", event_id)
