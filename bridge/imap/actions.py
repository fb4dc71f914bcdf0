"""What the bridge does to a mail in the mailbox once it is routed (``OTPBRIDGE_AFTER_ROUTE``).

``keep`` touches nothing (the folder is even opened read-only). ``move`` prefers ``UID MOVE``;
without it, COPY + ``\\Deleted`` + ``UID EXPUNGE`` of that one UID. A bare EXPUNGE would also
remove mail other clients flagged ``\\Deleted``, so without UIDPLUS the flag stays and the
server's owner decides.
"""

from __future__ import annotations

import imapclient
import structlog

from bridge.settings import AfterRoute

__all__ = ["apply_after_route", "needs_write_access"]

_SEEN = b"\\Seen"
_DELETED = b"\\Deleted"

log = structlog.get_logger()


def needs_write_access(after: AfterRoute) -> bool:
    return after.action != "keep"


def _expunge_one(client: imapclient.IMAPClient, uid: int) -> None:
    client.add_flags([uid], [_DELETED], silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge([uid])
    else:
        log.warning("after_route_no_uidplus", uid=uid, hint="message left flagged \\Deleted")


def apply_after_route(client: imapclient.IMAPClient, uid: int, after: AfterRoute) -> None:
    """Apply ``after`` to ``uid``; IMAP errors propagate (the caller reconnects)."""
    if after.action == "keep":
        return
    if after.action == "seen":
        client.add_flags([uid], [_SEEN], silent=True)
    elif after.action == "delete":
        _expunge_one(client, uid)
    elif after.action == "move" and after.folder is not None:
        if client.has_capability("MOVE"):
            client.move([uid], after.folder)
        else:
            client.copy([uid], after.folder)
            _expunge_one(client, uid)
