"""Who may satisfy a wait on an inbox with ``allowed_senders``: one rule for bridge and SDK.

The bridge decides when it routes a mail and writes the decision into the ``received`` event
(``sender_allowed``), so no client — old or new — has to parse a From header to get it right.
The rule compares the *parsed* From address only, never the display name: ``"noreply@github.com"
<attacker@evil.example>`` is from evil.example. When the operator trusts an MTA's
Authentication-Results (``OTPBRIDGE_TRUSTED_AUTHSERV_IDS``), an allowlisted inbox additionally
needs that MTA's ``pass`` for the From domain: ``none`` is not enough, since anyone can write
any From header.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

__all__ = ["SenderDecision", "address_matches", "decide_sender", "parse_allowed"]

#: Entries of one inbox's allowlist that are read (the SDK refuses to create more).
_MAX_ENTRIES: Final = 256


def parse_allowed(raw: str | bytes | None) -> tuple[str, ...]:
    """The inbox hash's ``allowed_senders`` JSON list; unreadable means "no entries"."""
    if not raw:
        return ()
    try:
        value = json.loads(raw)
    except ValueError:
        return ()
    if not isinstance(value, list):
        return ()
    return tuple(str(s).strip().lower() for s in value[:_MAX_ENTRIES] if isinstance(s, str))


def address_matches(address: str, allowed: Iterable[str]) -> bool:
    """``address`` equals an entry with ``@``, or its domain equals (or is a subdomain of) an
    entry without."""
    address = address.strip().lower()
    if "@" not in address:
        return False
    domain = address.rsplit("@", 1)[1]
    for entry in allowed:
        if "@" in entry:
            if address == entry:
                return True
        elif entry and (domain == entry or domain.endswith("." + entry)):
            return True
    return False


@dataclass(frozen=True, slots=True)
class SenderDecision:
    """``allowed`` plus, when refused, a short reason for operators and agents; ``decided`` is
    False when the inbox has no allowlist (everyone may)."""

    allowed: bool
    reason: str = ""
    decided: bool = True


def decide_sender(
    address: str, allowed: tuple[str, ...], sender_auth: str, *, auth_required: bool
) -> SenderDecision:
    """The decision for one mail. ``auth_required``: the bridge trusts an authserv-id, so an
    allowlisted inbox takes only an authenticated (``pass``) From domain."""
    if not allowed:
        return SenderDecision(True, decided=False)
    if not address:
        return SenderDecision(False, "sender_unparseable")
    if not address_matches(address, allowed):
        return SenderDecision(False, "sender_not_allowed")
    if sender_auth == "fail":
        return SenderDecision(False, "sender_forged")
    if auth_required and sender_auth != "pass":
        return SenderDecision(False, "sender_unauthenticated")
    return SenderDecision(True)
