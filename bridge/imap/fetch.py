"""Reading mail from the selected folder without touching its flags.

Headers come first (routing headers, From, Subject, Message-ID, size, INTERNALDATE), in UID
batches; the full body is read with ``BODY.PEEK[]`` only for mail that routes and is under the
size cap, several mails per FETCH. ``PEEK`` keeps ``\\Seen`` as the humans who share the
mailbox left it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from email.parser import BytesHeaderParser
from typing import Any, Final

import imapclient

from otpbridge.bridge.errors import ImapConnectionError
from otpbridge.bridge.imap.headers import Mailbox, decode_words, header_values, parse_mailbox
from otpbridge.bridge.imap.router import ROUTING_HEADERS

__all__ = [
    "BODY_BATCH_BYTES",
    "HEADER_BATCH",
    "MailHeaders",
    "fetch_bodies",
    "fetch_headers",
    "uids_after",
]

#: UIDs per header FETCH: one round trip per batch keeps a large catch-up fast and bounded.
HEADER_BATCH: Final = 100
#: Bodies per FETCH stop at this many bytes (by RFC822.SIZE; a larger mail goes alone): one
#: command per catch-up batch instead of one per mail, with bounded memory.
BODY_BATCH_BYTES: Final = 4 * 1024 * 1024
_FIELDS: Final = (
    *ROUTING_HEADERS,
    "From",
    "Subject",
    "Message-ID",
    "Authentication-Results",
    # ARC (bridge.imap.sender_auth): the first hop's results and seal.
    "ARC-Authentication-Results",
    "ARC-Seal",
)
#: The header fields routing reads are fetched only this far (an IMAP partial FETCH): a mail
#: whose routing headers are larger is cut, never read whole into the bridge.
HEADER_FETCH_BYTES: Final = 256 * 1024
_HEADER_ITEM: Final = (
    f"BODY.PEEK[HEADER.FIELDS ({' '.join(f.upper() for f in _FIELDS)})]<0.{HEADER_FETCH_BYTES}>"
)
_TEXT_CAP: Final = 500


@dataclass(frozen=True, slots=True)
class MailHeaders:
    """What routing and the ``received`` event need, before any body is read.

    The display facts (``subject``, ``sender``, ``message_id``) are decoded once, here, with
    the bounded readers of :mod:`bridge.imap.headers`: never later inside a Redis transaction.
    """

    uid: int
    headers: Message
    size: int
    internaldate_ms: int
    #: Why these headers could not be read (then routing sets the mail aside); empty normally.
    problem: str = ""
    #: Gmail's own id of the mail (``X-GM-MSGID``, the same in every label); empty elsewhere.
    gm_msgid: str = ""
    message_id: str = field(init=False, default="")
    sender: Mailbox = field(init=False, default=Mailbox("", ""))
    subject: str = field(init=False, default="")

    def __post_init__(self) -> None:
        try:
            self._read_facts()
        except Exception as exc:  # noqa: BLE001 - one mail's headers must not stop the folder
            object.__setattr__(self, "problem", f"unreadable_headers: {type(exc).__name__}")

    def _read_facts(self) -> None:
        ids = header_values(self.headers, "Message-ID")
        froms = header_values(self.headers, "From")
        subjects = header_values(self.headers, "Subject")
        object.__setattr__(self, "message_id", " ".join(ids[0][:_TEXT_CAP].split()) if ids else "")
        # Two From headers name no one sender: nobody's allowed sender.
        sender = parse_mailbox(froms[0]) if len(froms) == 1 else Mailbox("", "")
        object.__setattr__(self, "sender", sender)
        object.__setattr__(
            self, "subject", decode_words(subjects[0], _TEXT_CAP) if subjects else ""
        )


def uids_after(client: imapclient.IMAPClient, last_uid: int) -> list[int]:
    """UIDs greater than ``last_uid``, ascending.

    ``UID SEARCH UID n:*`` always matches the highest UID, even when it is below n, so the
    result is filtered again here.
    """
    found = client.search(["UID", f"{last_uid + 1}:*"])
    return sorted(int(u) for u in found if int(u) > last_uid)


def _ms(value: Any) -> int:
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    return 0


def _gm_msgid(value: Any) -> str:
    """Gmail's 64-bit message id as decimal text; empty when absent or not a number."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    text = str(value) if isinstance(value, int | str) else ""
    return text if text.isdigit() and len(text) <= 20 else ""


def fetch_headers(
    client: imapclient.IMAPClient, uids: Sequence[int], *, gmail: bool = False
) -> list[MailHeaders]:
    """Headers of ``uids`` in ascending UID order; vanished UIDs (expunged meanwhile) are absent.

    ``gmail`` (the server has ``X-GM-EXT-1``): ``X-GM-MSGID`` comes in the same FETCH.
    """
    parser = BytesHeaderParser()
    out: list[MailHeaders] = []
    items = [_HEADER_ITEM, "RFC822.SIZE", "INTERNALDATE", *(("X-GM-MSGID",) if gmail else ())]
    for start in range(0, len(uids), HEADER_BATCH):
        batch = list(uids[start : start + HEADER_BATCH])
        data = client.fetch(batch, items)
        for uid in sorted(data):
            item = data[uid]
            raw = next((v for k, v in item.items() if bytes(k).startswith(b"BODY[HEADER")), b"")
            size = int(item.get(b"RFC822.SIZE", 0))
            date = _ms(item.get(b"INTERNALDATE"))
            gm_msgid = _gm_msgid(item.get(b"X-GM-MSGID"))
            try:
                headers = parser.parsebytes(bytes(raw or b""))
            except Exception as exc:  # noqa: BLE001 - set this mail aside, go on with the rest
                problem = f"unreadable_headers: {type(exc).__name__}"
                out.append(
                    MailHeaders(int(uid), Message(), size, date, problem=problem, gm_msgid=gm_msgid)
                )
                continue
            out.append(MailHeaders(int(uid), headers, size, date, gm_msgid=gm_msgid))
    return out


def fetch_bodies(client: imapclient.IMAPClient, uids: Sequence[int]) -> dict[int, bytes]:
    """The raw RFC 5322 bytes of ``uids`` in one FETCH; UIDs that vanished meanwhile are absent.

    The caller keeps the batch within ``BODY_BATCH_BYTES``.
    """
    if not uids:
        return {}
    data = client.fetch(list(uids), ["BODY.PEEK[]"])
    out: dict[int, bytes] = {}
    for uid in uids:
        item = data.get(uid)
        if item is None:
            continue
        raw = item.get(b"BODY[]")
        if raw is None:
            raise ImapConnectionError(f"server returned no BODY[] for UID {uid}")
        out[uid] = bytes(raw)
    return out
