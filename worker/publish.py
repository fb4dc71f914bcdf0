"""Publish-once: at most one ``extracted``/``failed`` event per message, however often a job runs.

One Lua script does the check and the write atomically: SADD the message key to the inbox's
published set, and only if it was new XADD the event. It refuses to write when the inbox hash is
gone (deleted or expired), so a late job never resurrects an inbox's stream without a TTL, and it
gives the set and the stream the inbox's remaining TTL. All keys share the inbox's hash tag.
With the event it stores the mail as ``list_emails`` shows it (bounded text and HTML, see
:mod:`worker.mailbody`), so agents never parse MIME.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import redis
from redis.exceptions import NoScriptError

from otpbridge.worker.events import ACTIVITY_MAXLEN, STREAM_MAXLEN
from otpbridge.worker.keys import Keys
from otpbridge.worker.mailbody import Rendered

__all__ = ["PublishOutcome", "Publisher"]

#: KEYS: published set, events stream, inbox hash, rendered-mail hash, activity stream.
#: ARGV: message key, stream maxlen, text, html, "1" when there is HTML, "1" when there is a
#: rendering at all, the inbox id, the activity maxlen, then the event's fields.
_PUBLISH_ONCE: Final = """
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 9))
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[8], '*', 'i', ARGV[7])
local ttl = redis.call('PTTL', KEYS[3])
if ARGV[6] == '1' then
  redis.call('HSET', KEYS[4], 'text', ARGV[3], 'html', ARGV[4], 'has_html', ARGV[5])
end
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
  if ARGV[6] == '1' then redis.call('PEXPIRE', KEYS[4], ttl) end
end
return id
"""


#: How Redis names the script (EVALSHA); computed once per process, not per job.
_PUBLISH_ONCE_SHA: Final = hashlib.sha1(_PUBLISH_ONCE.encode()).hexdigest()  # noqa: S324


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    """``published`` with the stream id, ``duplicate`` (already published) or ``inbox_gone``."""

    status: Literal["published", "duplicate", "inbox_gone"]
    event_id: str | None = None


class Publisher:
    """Writes events of one Redis through the publish-once script (EVALSHA; loaded when Redis
    answers NOSCRIPT)."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self._client = client
        self._keys = keys

    def publish(
        self,
        inbox_id: str,
        message_key: str,
        fields: Mapping[str, str],
        rendered: Rendered | None = None,
    ) -> PublishOutcome:
        (outcome,) = self.publish_many([(inbox_id, message_key, fields, rendered)])
        return outcome

    def publish_many(
        self, events: Sequence[tuple[str, str, Mapping[str, str], Rendered | None]]
    ) -> list[PublishOutcome]:
        """Each ``(inbox_id, message_key, fields, rendered)`` through the script (the mail as
        ``list_emails`` shows it is stored with the event), in one round trip (two the first
        time a Redis sees the script)."""
        calls = [self._call(*event) for event in events]
        results = self._run(calls)
        missing = [n for n, r in enumerate(results) if isinstance(r, NoScriptError)]
        if missing:
            # A restarted or failed-over Redis has no scripts; those calls did nothing.
            self._client.script_load(_PUBLISH_ONCE)
            for n, result in zip(missing, self._run([calls[n] for n in missing]), strict=True):
                results[n] = result
        for result in results:
            if isinstance(result, Exception):
                raise result
        return [_outcome(result) for result in results]

    def _call(
        self,
        inbox_id: str,
        message_key: str,
        fields: Mapping[str, str],
        rendered: Rendered | None,
    ) -> list[str]:
        flat: list[str] = []
        for name, value in fields.items():
            flat += (name, value)
        return [
            self._keys.published(inbox_id),
            self._keys.events(inbox_id),
            self._keys.inbox(inbox_id),
            self._keys.rendered(inbox_id, message_key),
            self._keys.activity,
            message_key,
            str(STREAM_MAXLEN),
            rendered.text if rendered is not None else "",
            (rendered.html or "") if rendered is not None else "",
            "1" if rendered is not None and rendered.html is not None else "0",
            "1" if rendered is not None else "0",
            inbox_id,
            str(ACTIVITY_MAXLEN),
            *flat,
        ]

    def _run(self, calls: Sequence[list[str]]) -> list[object]:
        if not calls:
            return []
        with self._client.pipeline(transaction=False) as pipe:
            for call in calls:
                pipe.evalsha(_PUBLISH_ONCE_SHA, 5, *call)
            return list(pipe.execute(raise_on_error=False))


def _outcome(result: object) -> PublishOutcome:
    if result == -1:
        return PublishOutcome("inbox_gone")
    if result == 0:
        return PublishOutcome("duplicate")
    event_id = result.decode() if isinstance(result, bytes) else str(result)
    return PublishOutcome("published", event_id)
