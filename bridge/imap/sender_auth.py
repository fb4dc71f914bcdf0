"""Whether the receiving mail server authenticated a mail's From domain (RFC 8601 headers).

``Authentication-Results`` headers are only as trustworthy as the server that added them: a
sender can write any header it likes. So only headers the operator vouches for count
(``OTPBRIDGE_TRUSTED_AUTHSERV_IDS``, or ``trusted_authserv_ids`` of a ``[[mailbox]]``), and only
results about *this* From domain: a ``dmarc=pass`` whose ``header.from`` names another domain
(not the From domain or a parent of it) says nothing about the From the agent is shown.

How each receiving server writes them, and which of its headers is believed:

- **Postfix with OpenDKIM/OpenDMARC, rspamd, Google** (``mx.google.com; dkim=pass
  header.i=@… header.s=…; spf=pass (…) smtp.mailfrom=…; dmarc=pass (p=REJECT …)
  header.from=…``): RFC 8601 headers that start with the server's authserv-id. A header counts
  when its id is trusted; the MTA must strip incoming headers claiming that id (RFC 8601 §5;
  OpenDMARC, rspamd and Google do).
- **Exchange Online** (``spf=pass (sender IP is …) smtp.mailfrom=…; dkim=pass (signature was
  verified) header.d=…;dmarc=pass action=none header.from=…;compauth=pass reason=100``) writes
  no authserv-id at all. With the value ``exchange-online`` trusted, the *topmost*
  ``Authentication-Results`` header counts when it has that shape — Exchange Online adds its
  own above everything the sender wrote, so a forged copy further down is never read — and
  ``compauth=fail`` (Microsoft's composite verdict: spoofed) makes the mail ``fail`` even when
  DMARC found no policy. Caveat: mail that never passed Exchange's inbound filter (sent inside
  the tenant) may carry a sender-written header on top.
- **ARC** (RFC 8617, forwarded mail whose DKIM signature a forwarder broke) turns a DMARC
  ``fail`` into ``pass`` only when all of these hold: a trusted header says ``arc=pass``; the
  ``ARC-Authentication-Results`` of the first hop (``i=1``, exactly one) shows ``dmarc=pass``
  for the From domain; and the first hop's ``ARC-Seal`` was made by a domain the operator names
  with an ``arc:`` entry (``arc:google.com``). ``arc=pass`` only proves the chain is intact —
  anyone can seal a first hop that claims ``dmarc=pass`` — so without an ``arc:`` entry ARC
  never decides. On Exchange Online, ``compauth=pass reason=130`` (Microsoft's own ARC
  override, applied only for sealers the tenant admin configured as trusted ARC sealers) is a
  ``pass``.

The verdict: ``fail`` when ``compauth=fail``, or when DMARC failed for the From domain and ARC
(above) does not rescue it; ``pass`` when DMARC passed for the From domain, or (no DMARC result
for it) when a DKIM signature aligned with the From domain (the domain or a parent of it)
verified; ``none`` otherwise. With trusted ids set, an allowlisted inbox takes only ``pass``
(see :mod:`bridge.senders`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from email.message import Message
from typing import Final, Literal

from otpbridge.bridge.imap.headers import header_values

__all__ = ["ARC_PREFIX", "EXCHANGE_ONLINE", "SenderAuth", "sender_auth"]

SenderAuth = Literal["pass", "fail", "none"]

#: The trusted-ids value that believes Exchange Online's id-less topmost header.
EXCHANGE_ONLINE: Final = "exchange-online"
#: A trusted-ids entry ``arc:<domain>`` believes first-hop ARC seals made by that domain.
ARC_PREFIX: Final = "arc:"

_COMMENT: Final = re.compile(r"\([^()]*\)")
_RESULT: Final = re.compile(
    r"^\s*(dmarc|dkim|compauth|arc)\s*=\s*([a-z]+)\b(.*)$", re.IGNORECASE | re.DOTALL
)
_PROPERTY: Final = re.compile(r"\bheader\.(d|from|i)\s*=\s*([^\s;]+)", re.IGNORECASE)
_REASON: Final = re.compile(r"\breason\s*=\s*(\d+)", re.IGNORECASE)
_METHOD_FIRST: Final = re.compile(r"^\s*[a-z][a-z0-9_-]*\s*=", re.IGNORECASE)
_TAG: Final = re.compile(r"^\s*([a-z]+)\s*=\s*(\S*)\s*$", re.IGNORECASE)
#: Results read per header: honest MTAs write a handful.
_MAX_CLAUSES: Final = 64
#: compauth reason of Exchange Online's ARC override (trusted ARC sealers).
_COMPAUTH_ARC_REASON: Final = "130"


def _authserv_id(value: str) -> str:
    head = value.split(";", 1)[0].strip().split()
    return head[0].lower() if head else ""


def _domain(value: str) -> str:
    return value.strip().strip('"').rpartition("@")[2].rstrip(".").lower()


def _aligned(signer: str, from_domain: str) -> bool:
    return bool(signer) and (from_domain == signer or from_domain.endswith("." + signer))


def _properties(rest: str) -> dict[str, str]:
    return {m.group(1).lower(): _domain(m.group(2)) for m in _PROPERTY.finditer(rest)}


def _clean(value: str) -> str:
    return _COMMENT.sub("", " ".join(value.split()))


@dataclass
class _Findings:
    dmarc: set[str] = field(default_factory=set)
    dkim_pass: bool = False
    compauth: set[str] = field(default_factory=set)
    compauth_arc: bool = False
    arc_pass: bool = False

    def read(self, clauses: list[str], from_domain: str) -> None:
        for clause in clauses[:_MAX_CLAUSES]:
            found = _RESULT.match(clause)
            if found is None:
                continue
            method, result = found.group(1).lower(), found.group(2).lower()
            rest = found.group(3)
            props = _properties(rest)
            if method == "dmarc":
                # No header.from: the result is about this mail's (single) From.
                if "from" not in props or _aligned(props["from"], from_domain):
                    self.dmarc.add(result)
            elif method == "dkim":
                if result == "pass":
                    signer = props.get("d") or props.get("i", "")
                    self.dkim_pass = self.dkim_pass or _aligned(signer, from_domain)
            elif method == "compauth":
                self.compauth.add(result)
                reason = _REASON.search(rest)
                if result == "pass" and reason and reason.group(1) == _COMPAUTH_ARC_REASON:
                    self.compauth_arc = True
            elif result == "pass":  # arc
                self.arc_pass = True


def _trusted_headers(values: list[str], trusted: Collection[str]) -> list[list[str]]:
    """The result clauses of each header the operator vouches for."""
    out: list[list[str]] = []
    for index, value in enumerate(values):
        text = _clean(value)
        parts = text.split(";", _MAX_CLAUSES)
        if index == 0 and EXCHANGE_ONLINE in trusted and _METHOD_FIRST.match(parts[0]):
            # Exchange Online: no authserv-id, the first clause already is a result.
            out.append(parts)
        elif _authserv_id(text) in trusted and not _METHOD_FIRST.match(parts[0]):
            out.append(parts[1:])
    return out


def _tags(value: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for part in _clean(value).split(";", _MAX_CLAUSES)[:_MAX_CLAUSES]:
        found = _TAG.match(part)
        if found is not None:
            tags.setdefault(found.group(1).lower(), found.group(2))
    return tags


def _first_hop_vouches(headers: Message, from_domain: str, trusted: Collection[str]) -> bool:
    """ARC: the first hop's seal is by a domain named with ``arc:`` and its results say
    ``dmarc=pass`` for the From domain (exactly one ``i=1`` of each)."""
    sealers = {t[len(ARC_PREFIX) :].strip().lower() for t in trusted if t.startswith(ARC_PREFIX)}
    if not sealers:
        return False
    seals = [
        tags for tags in map(_tags, header_values(headers, "ARC-Seal")) if tags.get("i") == "1"
    ]
    if len(seals) != 1:
        return False
    sealer = _domain(seals[0].get("d", ""))
    if not any(_aligned(name, sealer) for name in sealers):
        return False
    firsts = [
        parts
        for value in header_values(headers, "ARC-Authentication-Results")
        if (parts := _clean(value).split(";", _MAX_CLAUSES))
        and parts[0].replace(" ", "").lower() == "i=1"
    ]
    if len(firsts) != 1:
        return False
    hop = _Findings()
    hop.read(firsts[0][2:], from_domain)  # after "i=1" and the first hop's authserv-id
    return hop.dmarc == {"pass"}


def sender_auth(headers: Message, from_domain: str, trusted: Collection[str]) -> SenderAuth:
    """The verdict of the ``trusted`` receiving servers on ``from_domain`` (the parsed From
    address's domain; empty when the From header names no single address)."""
    if not from_domain:
        return "none"
    found = _Findings()
    for clauses in _trusted_headers(header_values(headers, "Authentication-Results"), trusted):
        found.read(clauses, from_domain)
    if "fail" in found.compauth:
        return "fail"
    if "fail" in found.dmarc:
        if found.compauth_arc:
            return "pass"
        if found.arc_pass and _first_hop_vouches(headers, from_domain, trusted):
            return "pass"
        return "fail"
    if "pass" in found.dmarc or found.dkim_pass:
        return "pass"
    return "none"
