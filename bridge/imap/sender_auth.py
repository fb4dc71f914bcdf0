"""Whether the receiving mail server authenticated a mail's From domain (RFC 8601 headers).

``Authentication-Results`` headers are only as trustworthy as the server that added them: a
sender can write any header it likes. So only headers whose authserv-id is one the operator
names (``OTPBRIDGE_TRUSTED_AUTHSERV_IDS``; the MTA must strip incoming ones with that id, as
RFC 8601 §5 asks) count, and only results about *this* From domain: a ``dmarc=pass`` whose
``header.from`` names another domain (not the From domain or a parent of it) says nothing about
the From the agent is shown.

The verdict: ``pass`` when DMARC passed for the From domain, or (no DMARC result for it) when a
DKIM signature aligned with the From domain (the domain or a parent of it) verified; ``fail``
when DMARC failed for it; ``none`` otherwise. With trusted ids set, an allowlisted inbox takes
only ``pass`` (see :mod:`bridge.imap.sender_policy`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from email.message import Message
from typing import Final, Literal

from otpbridge.bridge.imap.headers import header_values

__all__ = ["SenderAuth", "sender_auth"]

SenderAuth = Literal["pass", "fail", "none"]

_COMMENT: Final = re.compile(r"\([^()]*\)")
_RESULT: Final = re.compile(r"^\s*(dmarc|dkim)\s*=\s*([a-z]+)\b(.*)$", re.IGNORECASE | re.DOTALL)
_PROPERTY: Final = re.compile(r"\bheader\.(d|from|i)\s*=\s*([^\s;]+)", re.IGNORECASE)
#: Results read per header: honest MTAs write a handful.
_MAX_CLAUSES: Final = 64


def _authserv_id(value: str) -> str:
    head = value.split(";", 1)[0].strip().split()
    return head[0].lower() if head else ""


def _domain(value: str) -> str:
    return value.strip().strip('"').rpartition("@")[2].rstrip(".").lower()


def _aligned(signer: str, from_domain: str) -> bool:
    return bool(signer) and (from_domain == signer or from_domain.endswith("." + signer))


def _properties(rest: str) -> dict[str, str]:
    return {m.group(1).lower(): _domain(m.group(2)) for m in _PROPERTY.finditer(rest)}


def sender_auth(headers: Message, from_domain: str, trusted: Collection[str]) -> SenderAuth:
    """The verdict of the ``trusted`` authserv-ids on ``from_domain`` (the parsed From
    address's domain; empty when the From header names no single address)."""
    if not from_domain:
        return "none"
    dmarc: set[str] = set()
    dkim_pass = False
    for value in header_values(headers, "Authentication-Results"):
        text = _COMMENT.sub("", " ".join(value.split()))
        if _authserv_id(text) not in trusted:
            continue
        for clause in text.split(";", _MAX_CLAUSES)[1:_MAX_CLAUSES]:
            found = _RESULT.match(clause)
            if found is None:
                continue
            method, result = found.group(1).lower(), found.group(2).lower()
            props = _properties(found.group(3))
            if method == "dmarc":
                # No header.from: the result is about this mail's (single) From.
                if "from" not in props or _aligned(props["from"], from_domain):
                    dmarc.add(result)
            elif result == "pass":
                signer = props.get("d") or props.get("i", "")
                dkim_pass = dkim_pass or _aligned(signer, from_domain)
    if "fail" in dmarc:
        return "fail"
    if "pass" in dmarc or dkim_pass:
        return "pass"
    return "none"
