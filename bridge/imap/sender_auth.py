"""Whether the receiving mail server authenticated a mail's From domain (RFC 8601 headers).

``Authentication-Results`` headers are only as trustworthy as the server that added them: a
sender can write any header it likes. So only headers whose authserv-id is one the operator
names (``OTPBRIDGE_TRUSTED_AUTHSERV_IDS``; the MTA must strip incoming ones with that id, as
RFC 8601 §5 asks) count. The verdict: ``pass`` when DMARC passed, or (no DMARC result) when a
DKIM signature of the From domain or a parent domain of it verified; ``fail`` when DMARC
failed; ``none`` otherwise. A ``fail`` makes an inbox's sender allowlist refuse the mail.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from email.message import Message
from email.utils import parseaddr
from typing import Final, Literal

__all__ = ["SenderAuth", "sender_auth"]

SenderAuth = Literal["pass", "fail", "none"]

_COMMENT: Final = re.compile(r"\([^()]*\)")
_RESULT: Final = re.compile(r"^\s*(dmarc|dkim)\s*=\s*([a-z]+)\b(.*)$", re.IGNORECASE | re.DOTALL)
_HEADER_D: Final = re.compile(r"\bheader\.d\s*=\s*([^\s;]+)", re.IGNORECASE)


def _authserv_id(value: str) -> str:
    head = value.split(";", 1)[0].strip().split()
    return head[0].lower() if head else ""


def _aligned(signer: str, from_domain: str) -> bool:
    signer = signer.strip().strip('"').rstrip(".").lower()
    return bool(signer) and (from_domain == signer or from_domain.endswith("." + signer))


def sender_auth(headers: Message, trusted: Collection[str]) -> SenderAuth:
    """The verdict for ``headers`` (a parsed header block) by the ``trusted`` authserv-ids."""
    from_domain = parseaddr(str(headers.get("From", "")))[1].rpartition("@")[2].lower()
    dmarc: set[str] = set()
    dkim_pass = False
    for value in headers.get_all("Authentication-Results", []):
        text = _COMMENT.sub("", " ".join(str(value).split()))
        if _authserv_id(text) not in trusted:
            continue
        for clause in text.split(";")[1:]:
            found = _RESULT.match(clause)
            if found is None:
                continue
            method, result, rest = found.group(1).lower(), found.group(2).lower(), found.group(3)
            if method == "dmarc":
                dmarc.add(result)
            elif result == "pass":
                signer = _HEADER_D.search(rest)
                dkim_pass = dkim_pass or (
                    signer is not None and _aligned(signer.group(1), from_domain)
                )
    if "fail" in dmarc:
        return "fail"
    if "pass" in dmarc or dkim_pass:
        return "pass"
    return "none"
