"""Which IMAP service a mailbox lives on, and what that means for polling, backoff and folders.

A profile is picked from the host name before connecting and refined by what the server says
after login (greeting and CAPABILITY):

=================  =========================================  ==========  ===============
profile            recognised by                              fast check  connections
=================  =========================================  ==========  ===============
exchange-online    ``outlook.office365.com``,                 IDLE only   20 per mailbox
                   ``*.outlook.com``, ``*.office365.com``
exchange           greeting "Microsoft Exchange" elsewhere    IDLE only   16 per user
gmail              ``imap.gmail.com``, ``imap.googlemail.com``  IDLE only   15 per account
                   or the ``X-GM-EXT-1`` capability
dovecot            greeting "Dovecot"                         10 ms       10 per user + IP
generic            anything else                              10 ms       unknown
=================  =========================================  ==========  ===============

**Fast check.** The bridge NOOPs while an agent waits because Dovecot *holds* IDLE notices for
``imap_idle_notify_interval`` (500 ms in the embedded server, 2 min by default): a NOOP sees
new mail at once. Neither Microsoft nor Google documents such a hold, or any IMAP command rate
a client may use; what they document are budgets that punish a client for sustained load:
Exchange Online's per-user throttling budget of server time, recharged every minute, with
over-budget requests delayed and then refused (Microsoft, "Exchange Online Throttling and
Limits FAQ"), and Gmail's per-account IMAP limits, after which IMAP access is suspended for a
while (Google Workspace Admin Help, "Gmail bandwidth limits"). 100 NOOPs a second for as long as
agents wait is exactly the kind of load those budgets exist for, and against a server that
pushes EXISTS in IDLE it buys no latency. So these profiles default to IDLE only (``0``); the
latency is then the provider's own IDLE push, which was not measured for this project (no
tenant to measure against). An operator who sees slow pushes sets ``OTPBRIDGE_FAST_CHECK_MS``
(an explicit value always wins; ``1000`` is one cheap command a second per watched folder).

**Throttling answers** (``[THROTTLED]``, ``[UNAVAILABLE]``, ``[OVERQUOTA]``, "Too many
simultaneous connections", "server busy", a BYE saying so) raise :class:`ImapThrottledError`;
the watcher then waits :data:`THROTTLE_BASE_S` doubling to :data:`THROTTLE_MAX_S` instead of
the 1 s of an ordinary reconnect, since reconnecting at once spends the same budget again.

**Connection limits** (for ``otpbridge doctor``): Gmail allows 15 simultaneous IMAP connections
per account (Google Workspace Admin Help, "Gmail bandwidth limits"); Exchange Online 20 IMAP
connections per mailbox (Microsoft, "Exchange Online Throttling and Limits FAQ": maximum
concurrent IMAP connections 20); on-premises Exchange's ``MaxConnectionsPerUser`` defaults to
16 (Set-ImapSettings); Dovecot's ``mail_max_userip_connections`` to 10 per user and IP.

**Special-use folders** (RFC 6154): a configured folder ``\\Junk`` is the folder whose LIST
attributes carry ``\\Junk`` ("Junk Email" on Exchange, "[Gmail]/Spam" on Gmail, "Junk" on
Dovecot); a server that announces none falls back to the common names below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import imapclient

from otpbridge.bridge.errors import ImapConnectionError

__all__ = [
    "THROTTLE_BASE_S",
    "THROTTLE_MAX_S",
    "ImapThrottledError",
    "ProviderProfile",
    "bye_error",
    "detect",
    "fast_check_ms",
    "is_throttled",
    "resolve_folder",
]

#: First wait after a throttling answer (jittered down to half); doubles per answer...
THROTTLE_BASE_S: Final = 30.0
#: ...up to this long.
THROTTLE_MAX_S: Final = 600.0

_THROTTLE_HINTS: Final = re.compile(
    r"\[(?:THROTTLED|UNAVAILABLE|OVERQUOTA|LIMIT)\]|too many (?:simultaneous )?connections"
    r"|server (?:is )?busy|try again later|rate limit",
    re.IGNORECASE,
)


class ImapThrottledError(ImapConnectionError):
    """The server refused for load (``[THROTTLED]``, ``[UNAVAILABLE]``, too many connections):
    reconnect, but only after a long wait."""


@dataclass(frozen=True, slots=True)
class ProviderProfile:
    name: str
    #: NOOP interval while an agent waits when OTPBRIDGE_FAST_CHECK_MS is not set; 0 = IDLE only.
    fast_check_ms: int
    #: Simultaneous IMAP connections the provider allows per account (None: not known).
    connection_limit: int | None
    #: Where the limit comes from, for doctor's message.
    limit_source: str = ""


EXCHANGE_ONLINE: Final = ProviderProfile(
    "exchange-online", 0, 20, "Exchange Online allows 20 IMAP connections per mailbox"
)
EXCHANGE: Final = ProviderProfile(
    "exchange", 0, 16, "Exchange's MaxConnectionsPerUser defaults to 16"
)
GMAIL: Final = ProviderProfile("gmail", 0, 15, "Gmail allows 15 IMAP connections per account")
DOVECOT: Final = ProviderProfile(
    "dovecot", 10, 10, "Dovecot's mail_max_userip_connections defaults to 10 per user and IP"
)
GENERIC: Final = ProviderProfile("generic", 10, None)

_EXCHANGE_ONLINE_HOSTS: Final = ("outlook.office365.com", "outlook.office.com")
_EXCHANGE_ONLINE_SUFFIXES: Final = (".outlook.com", ".office365.com")
_GMAIL_HOSTS: Final = ("imap.gmail.com", "imap.googlemail.com")


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def detect(
    host: str, capabilities: Iterable[object] = (), greeting: bytes | str | None = None
) -> ProviderProfile:
    """The profile of ``host``; ``capabilities`` and ``greeting`` (known after connecting)
    recognise servers behind other host names."""
    name = host.lower().rstrip(".")
    caps = {_text(c).upper() for c in capabilities}
    hello = _text(greeting or "")
    if name in _EXCHANGE_ONLINE_HOSTS or name.endswith(_EXCHANGE_ONLINE_SUFFIXES):
        return EXCHANGE_ONLINE
    if name in _GMAIL_HOSTS or "X-GM-EXT-1" in caps:
        return GMAIL
    if "Microsoft Exchange" in hello:
        return EXCHANGE
    if "Dovecot" in hello:
        return DOVECOT
    return GENERIC


def fast_check_ms(profile: ProviderProfile, configured: int, explicit: bool) -> int:
    """The NOOP interval to use: the operator's value if set, else the profile's."""
    return configured if explicit else profile.fast_check_ms


def is_throttled(text: str) -> bool:
    return bool(_THROTTLE_HINTS.search(text))


def bye_error(responses: Sequence[Any]) -> ImapConnectionError:
    """The error for a BYE among ``responses``, with its text (throttling recognised)."""
    said = ""
    for item in responses:
        if isinstance(item, tuple) and len(item) >= 2 and _text(item[0]).upper() == "BYE":
            said = " ".join(_text(part) for part in item[1:])[:200]
            break
    if said and is_throttled(said):
        return ImapThrottledError(f"server sent BYE: {said}")
    return ImapConnectionError(f"server sent BYE: {said}" if said else "server sent BYE")


#: Names tried when no folder announces the attribute (LIST without special-use flags).
FALLBACK_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "\\Junk": ("Junk", "Junk Email", "Junk E-mail", "[Gmail]/Spam", "Spam", "INBOX.Junk"),
    "\\Sent": ("Sent", "Sent Items", "Sent Messages", "[Gmail]/Sent Mail", "INBOX.Sent"),
    "\\Trash": ("Trash", "Deleted Items", "Deleted Messages", "[Gmail]/Trash", "INBOX.Trash"),
    "\\Drafts": ("Drafts", "[Gmail]/Drafts", "INBOX.Drafts"),
    "\\Archive": ("Archive", "Archives", "INBOX.Archive"),
    "\\All": ("[Gmail]/All Mail", "All Mail"),
    "\\Flagged": ("[Gmail]/Starred", "Flagged"),
}


def resolve_folder(conn: imapclient.IMAPClient, folder: str) -> str:
    """``folder`` itself, or for a special-use name (``\\Junk``) the folder LIST marks with
    that attribute, else the first common name that exists. Raises ImapConnectionError when
    none does."""
    if not folder.startswith("\\"):
        return folder
    listed = conn.list_folders()
    wanted = folder.lower().encode()
    for flags, _delimiter, name in listed:
        if any(_text(flag).lower().encode() == wanted for flag in flags):
            return _text(name)
    names = {_text(entry[2]).lower(): _text(entry[2]) for entry in listed}
    for candidate in FALLBACK_NAMES.get(folder, ()):
        if candidate.lower() in names:
            return names[candidate.lower()]
    raise ImapConnectionError(
        f"no folder is marked {folder} (RFC 6154 SPECIAL-USE) or has a common name for it; "
        "name the folder in OTPBRIDGE_FOLDERS"
    )
