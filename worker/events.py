"""Stream events (DESIGN.md §3). All field values are strings on the wire."""

from __future__ import annotations

from typing import Final, Literal

__all__ = [
    "ACTIVITY_MAXLEN",
    "EVENT_DROPPED",
    "EVENT_EXTRACTED",
    "EVENT_FAILED",
    "EVENT_RECEIVED",
    "EVENT_SCHEMA",
    "STREAM_MAXLEN",
    "EventType",
    "decode_fields",
]

EventType = Literal["received", "extracted", "failed", "dropped"]

#: Schema version carried by ``received`` and ``extracted`` events (``v``): lets an SDK tell a
#: server that decides senders and renders mail (2) from an older one (no ``v``: 1).
EVENT_SCHEMA: Final = "2"

EVENT_RECEIVED: Final = "received"
EVENT_EXTRACTED: Final = "extracted"
EVENT_FAILED: Final = "failed"
#: The raw mail of a message was removed to keep the inbox within its quota; its earlier events
#: stay, so the timeline still shows it arrived.
EVENT_DROPPED: Final = "dropped"

#: Approximate cap of one inbox stream; an agent inbox sees a handful of mails.
STREAM_MAXLEN: Final = 1000
#: Approximate cap of the activity stream (``Keys.activity``): readers keep up in milliseconds;
#: a reader that falls behind further re-reads its streams (every few seconds anyway).
ACTIVITY_MAXLEN: Final = 10_000


def decode_fields(fields: dict[bytes, bytes] | dict[str, str]) -> dict[str, str]:
    """Stream entry fields as ``str`` whether or not the client decodes responses."""
    out: dict[str, str] = {}
    for k, v in fields.items():
        ks = k.decode() if isinstance(k, bytes) else k
        vs = v.decode("utf-8", "replace") if isinstance(v, bytes) else v
        out[ks] = vs
    return out
