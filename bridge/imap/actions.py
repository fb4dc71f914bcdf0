"""What the bridge does to a mail in the mailbox once it is routed (``OTPBRIDGE_AFTER_ROUTE``).

``keep`` touches nothing (the folder is even opened read-only). ``move`` prefers ``UID MOVE``;
without it, COPY + ``\\Deleted`` + ``UID EXPUNGE`` of exactly those UIDs. A bare EXPUNGE would
remove mail other clients flagged ``\\Deleted``, so without UIDPLUS the flag stays and the
server's owner decides.
"""

from __future__ import annotations

import imapclient
import structlog

from otpbridge.bridge.settings import AfterRoute

__all__ = ["apply_after_route", "needs_write_access"]

_SEEN = b"\\Seen"
_DELETED = b"\\Deleted"

log = structlog.get_logger()


def needs_write_access(after: AfterRoute) -> bool:
    return after.action != "keep"


def _expunge(client: imapclient.IMAPClient, uids: list[int]) -> None:
    client.add_flags(uids, [_DELETED], silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(uids)
    else:
        log.warning(
            "after_route_no_uidplus", count=len(uids), hint="messages left flagged \\Deleted"
        )


def apply_after_route(client: imapclient.IMAPClient, uids: list[int], after: AfterRoute) -> None:
    """Apply ``after`` to ``uids`` (one command each, whatever their number); IMAP errors
    propagate (the caller reconnects)."""
    if after.action == "keep" or not uids:
        return
    if after.action == "seen":
        client.add_flags(uids, [_SEEN], silent=True)
    elif after.action == "delete":
        _expunge(client, uids)
    elif after.action == "move" and after.folder is not None:
        if client.has_capability("MOVE"):
            client.move(uids, after.folder)
        else:
            client.copy(uids, after.folder)
            _expunge(client, uids)
