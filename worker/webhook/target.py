"""Where a webhook may go: URL checks and the address rule against SSRF. Pure (stdlib only).

A webhook URL is chosen by whoever creates an inbox, and the worker POSTs to it from inside the
operator's network: without a rule, ``http://169.254.169.254/`` (cloud metadata) or
``http://10.0.0.7:6379/`` would be one ``inboxes.create`` away. So a target must resolve to
globally routable unicast addresses only — not private, loopback, link-local, multicast,
reserved, unspecified or shared (CGNAT) space, in IPv4 or IPv6, including IPv4 embedded in IPv6
(``::ffff:127.0.0.1``, 6to4, NAT64) — unless the operator allows it
(``OTPBRIDGE_WEBHOOK_ALLOW_PRIVATE``, see :class:`AllowPrivate`).

Hosts are read the way browsers and resolvers read them: ``127.1``, ``0x7f.1``, ``2130706433``
and ``0177.0.0.1`` are all 127.0.0.1 (WHATWG URL's IPv4 parser, which glibc's ``inet_aton``
matches), so each of those forms is classified as the address it is, never as a name.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

__all__ = [
    "MAX_URL_LENGTH",
    "AllowPrivate",
    "IPAddress",
    "WebhookTarget",
    "address_problem",
    "literal_address",
    "parse_target",
]

#: What browsers and proxies reliably carry; longer URLs are refused at creation.
MAX_URL_LENGTH: Final = 2048

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NUMBER = re.compile(r"\A(?:0[xX][0-9a-fA-F]*|[0-9]+)\Z")
#: The well-known NAT64 prefix (RFC 6052): the gateway reaches the IPv4 address in the last 32 bits.
_NAT64: Final = ipaddress.IPv6Network("64:ff9b::/96")


def _ipv4_number(part: str) -> int | None:
    """One part of a numeric IPv4 host (``0x`` hex, ``0``-led octal, or decimal)."""
    if not _NUMBER.match(part):
        return None
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8) if all(c in "01234567" for c in part) else None
    return int(part)


def _ipv4_literal(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a numeric host denotes; ``None`` when ``host`` is a name; a
    ``ValueError`` when it is numeric but no address (a part out of range)."""
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # a trailing dot: "127.0.0.1."
    if not parts or len(parts) > 4:
        return None
    numbers = [_ipv4_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    *head, last = values
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(values)):
        raise ValueError(f"host {host!r} is a number but not an IPv4 address")
    value = last
    for n, byte in enumerate(head):
        value += byte << (8 * (3 - n))
    return ipaddress.IPv4Address(value)


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` (as in a URL, without brackets) denotes when it is a literal in any
    form a resolver accepts; ``None`` for a name. Raises ``ValueError`` for a numeric host that
    is no address (``256.1.1.1``). An IPv6 zone (``fe80::1%eth0``, ``%25`` in URLs) is dropped:
    zones only exist for link-local addresses, which are refused anyway."""
    if ":" in host:
        return ipaddress.IPv6Address(host.split("%", 1)[0])
    return _ipv4_literal(host)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_problem(ip: IPAddress) -> str | None:
    """Why a webhook may not go to ``ip`` (``loopback``, ``private``, …), or ``None``."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.teredo is not None:
            return "teredo tunnel"
        inner = _embedded_ipv4(ip)
        if inner is not None:
            problem = address_problem(inner)
            return f"{problem} (IPv4 inside IPv6)" if problem else None
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("site-local", isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local),
        ("not globally routable", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


@dataclass(frozen=True, slots=True)
class AllowPrivate:
    """The operator's exception to the address rule: everything (``all``), or the listed
    networks only (``OTPBRIDGE_WEBHOOK_ALLOW_PRIVATE=10.20.0.0/16,fd00::/8``)."""

    all: bool = False
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def parse(cls, raw: str) -> AllowPrivate:
        """``""``/``0``/``false``/``no``: nothing; ``1``/``true``/``yes``: all; else a comma
        list of CIDR networks. Raises ``ValueError`` naming the bad entry."""
        value = raw.strip().lower()
        if value in ("", "0", "false", "no", "off"):
            return cls()
        if value in ("1", "true", "yes", "on"):
            return cls(all=True)
        networks = []
        for entry in value.split(","):
            try:
                networks.append(ipaddress.ip_network(entry.strip(), strict=False))
            except ValueError:
                raise ValueError(
                    f"{entry.strip()!r} is not a network; use 1 (allow all) or CIDRs like "
                    "10.0.0.0/8,fd00::/8"
                ) from None
        return cls(networks=tuple(networks))

    def allows(self, ip: IPAddress) -> bool:
        if self.all:
            return True
        plain = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped else ip
        return any(plain.version == net.version and plain in net for net in self.networks)

    def refusal(self, addresses: Iterable[IPAddress]) -> str | None:
        """Why these resolved addresses may not be used (the first bad one decides), or
        ``None``. Every address counts: a name with one private record is refused, so a
        resolver's choice cannot turn a checked name into an internal target."""
        for ip in addresses:
            problem = address_problem(ip)
            if problem and not self.allows(ip):
                return f"{ip} is {problem}"
        return None


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    """A checked webhook URL: scheme, host (a name or an address), port, path with query."""

    url: str
    scheme: str
    host: str
    port: int
    literal: IPAddress | None


def parse_target(url: str) -> WebhookTarget:
    """Check a webhook URL's form (http/https, a host, at most ``MAX_URL_LENGTH`` characters,
    no user info, no fragment); ``ValueError`` with a clear message otherwise. Whether the
    host's address is allowed is :func:`address_problem`'s and the caller's business."""
    if not isinstance(url, str) or not url:
        raise ValueError("webhook_url must be a non-empty string")
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"webhook_url is longer than {MAX_URL_LENGTH} characters")
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise ValueError("webhook_url must not contain whitespace or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"webhook_url is not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValueError("webhook_url must start with http:// or https://")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError("webhook_url has no host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("webhook_url must not carry a user or password (sign, don't embed)")
    if parts.fragment:
        raise ValueError("webhook_url must not have a #fragment")
    if "[" not in parts.netloc and not re.fullmatch(r"[A-Za-z0-9.\-_]+", host):
        raise ValueError("webhook_url host must be an ASCII name (punycode) or an IP address")
    try:
        literal = literal_address(host)
    except ValueError as exc:
        raise ValueError(f"webhook_url: {exc}") from None
    default = 443 if scheme == "https" else 80
    return WebhookTarget(url, scheme, host, port or default, literal)
