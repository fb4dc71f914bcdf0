"""Which inbox a mail belongs to: the address template applied to its recipient headers.

Routing looks at every occurrence of ``Delivered-To``, ``X-Original-To``, ``X-Envelope-To``,
``Envelope-To``, ``To`` and ``Cc`` (DESIGN.md §1). Exactly one live inbox routes the mail; none
or several send it to the ``unrouted`` stream, so an agent never sees mail meant for another.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import Message
from typing import Final, Literal

import redis

from otpbridge.bridge.imap.headers import addresses, header_values
from otpbridge.worker.keys import INBOX_ID_RE, Keys

__all__ = ["ROUTING_HEADERS", "AddressTemplate", "Route", "route_messages"]

ROUTING_HEADERS: Final = (
    "Delivered-To",
    "X-Original-To",
    "X-Envelope-To",
    "Envelope-To",
    "To",
    "Cc",
)

UnroutedReason = Literal["no_recipient_match", "inbox_not_found", "ambiguous"]


class AddressTemplate:
    """``agents+{id}@corp.example`` → finds ``{id}`` in any address, case-insensitively."""

    def __init__(self, template: str) -> None:
        self.template = template
        before, after = template.split("{id}", 1)
        self._pattern = re.compile(
            rf"^{re.escape(before)}(?P<id>[a-z0-9]+){re.escape(after)}$", re.IGNORECASE
        )

    def inbox_id(self, address: str) -> str | None:
        match = self._pattern.match(address.strip())
        if match is None:
            return None
        candidate = match.group("id").lower()
        return candidate if INBOX_ID_RE.match(candidate) else None

    def candidates(self, headers: Message) -> list[str]:
        """Distinct inbox ids named by the routing headers, in header order (bounded, linear:
        see :mod:`bridge.imap.headers`)."""
        values: list[str] = []
        for name in ROUTING_HEADERS:
            values.extend(header_values(headers, name))
        found: list[str] = []
        for address in addresses(values):
            inbox_id = self.inbox_id(address)
            if inbox_id is not None and inbox_id not in found:
                found.append(inbox_id)
        return found


@dataclass(frozen=True, slots=True)
class Route:
    """The routing decision: ``inbox_id`` set, or ``reason`` why not."""

    inbox_id: str | None
    reason: UnroutedReason | None = None


def route_messages(
    template: AddressTemplate, headers: Sequence[Message], client: redis.Redis, keys: Keys
) -> list[Route]:
    """Decide each mail with the live inboxes in Redis (an inbox exists iff its hash does), in
    one round trip."""
    candidates = [template.candidates(h) for h in headers]
    pipe = client.pipeline(transaction=False)
    for found in candidates:
        for inbox_id in found:
            pipe.exists(keys.inbox(inbox_id))
    replies = iter(pipe.execute() if any(candidates) else ())
    routes: list[Route] = []
    for found in candidates:
        live = [i for i in found if next(replies)]
        if not found:
            routes.append(Route(None, "no_recipient_match"))
        elif not live:
            routes.append(Route(None, "inbox_not_found"))
        elif len(live) > 1:
            routes.append(Route(None, "ambiguous"))
        else:
            routes.append(Route(live[0]))
    return routes
