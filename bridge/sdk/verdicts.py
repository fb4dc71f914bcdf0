"""What became of an inbox's recent mails, and why: the answer to "the wait timed out, but did
mail come?" (issue 10, item 3).

A wait that finds nothing returns ``None``; ``messages.last_verdicts(inbox_id)`` then tells,
per mail (newest first), whether it is still being extracted, was refused by the inbox's sender
rules, failed, was dropped for quota, or was extracted — and then what the extractor found and
its own reason lines (the chosen and the best rejected code and link, DESIGN §6). It is folded
from the inbox stream and the consumption hash, the same reads as ``list_emails``: no Redis
layout of its own. Pure: entries in, verdicts out.

A code that was handed out to another client (``HandOut.by`` is not the viewer) is masked in
the reasons and the subject: seeing why a wait came back empty must not give away a code some
other agent is about to type. Reason lines never quote a URL (the extractor writes the host and
label only), so no link token leaves here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final, Literal

from otpbridge.bridge.sdk.consume import link_slot
from otpbridge.bridge.sdk.matching import message_allowed
from otpbridge.bridge.sdk.models import HandOut, Message, ms_to_datetime
from otpbridge.bridge.sdk.results import extraction_reasons, iso_time, message_result
from otpbridge.bridge.sdk.wire import as_str, hand_outs
from otpbridge.worker.events import (
    EVENT_DROPPED,
    EVENT_EXTRACTED,
    EVENT_FAILED,
    EVENT_RECEIVED,
    decode_fields,
)

__all__ = [
    "MAX_VERDICTS",
    "Verdict",
    "VerdictState",
    "fold_verdicts",
    "mask_code",
    "summary",
    "verdict_result",
]

#: ``pending``: not extracted yet; ``refused``: the sender rules refused it (never extracted);
#: ``dropped``: removed for the inbox quota before it was extracted.
VerdictState = Literal["pending", "extracted", "failed", "refused", "dropped"]

#: The most verdicts one call returns (the inbox stream holds about 1000 events anyway).
MAX_VERDICTS: Final = 200
_DOT: Final = "\u2022"
#: A URL quoted in a reason line (a plain-text link's label can be the URL itself).
_URL: Final = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>\]]+", re.IGNORECASE)
#: The extractor's line for a code or link that was not chosen (DESIGN §6 ``reasons``).
_REJECTED: Final = re.compile(
    r"^(?P<what>code \S+|link to \S+) (?P<verdict>rejected|not chosen) \((?P<score>[^)]*)\): "
    r"(?P<why>.*)$",
    re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """One mail of the inbox and what the pipeline made of it."""

    message: Message
    state: VerdictState
    #: The extractor's ``kind`` (``otp``, ``magic_link``, …, ``none``); empty until extracted.
    kind: str = ""
    has_code: bool = False
    #: The kind of the link handed over (empty: none).
    link_kind: str = ""
    confidence: float | None = None
    #: The extractor's reason lines (codes handed to someone else masked), then its error.
    reasons: tuple[str, ...] = ()
    #: Why it failed (``failed``) or was refused (``refused``: ``sender_not_allowed``, …).
    error: str = ""
    #: The raw mail was dropped for the quota (also after extraction).
    dropped: bool = False
    handed_out: tuple[HandOut, ...] = ()

    @property
    def code_handed_out(self) -> bool:
        """Its code was handed to a waiter already (or made stale by a newer one)."""
        return any(h.slot == "code" for h in self.handed_out)

    @property
    def link_handed_out(self) -> bool:
        return any(h.slot.startswith("link:") for h in self.handed_out)


def mask_code(code: str) -> str:
    """Two characters of a code of six or more (one of a shorter one), then dots."""
    keep = 2 if len(code) >= 6 else 1
    return code[:keep] + _DOT * max(0, len(code) - keep)


def _hide_urls(line: str) -> str:
    """Scheme and host of each URL, the rest (where tokens live) as ``…``."""
    return _URL.sub(
        lambda m: m.group(0).split("/", 3)[0] + "//" + _host(m.group(0)) + "/\u2026", line
    )


def _host(url: str) -> str:
    return url.split("/", 3)[2] if url.count("/") >= 2 else ""


@dataclass
class _Row:
    key: str
    message: Message | None = None
    state: VerdictState = "pending"
    refused: str = ""
    fields: dict[str, str] | None = None
    error: str = ""
    dropped: bool = False


def _fold_rows(entries: Iterable[Any]) -> tuple[list[_Row], dict[str, dict[str, str]]]:
    rows: dict[str, _Row] = {}
    carried: dict[str, dict[str, str]] = {}
    for raw_id, raw_fields in entries:
        entry_id = as_str(raw_id)
        f = decode_fields(raw_fields)
        key = f.get("message_key", "")
        if not key:
            continue
        row = rows.setdefault(key, _Row(key))
        slots = carried.setdefault(key, {})
        kind = f.get("type")
        if kind == EVENT_RECEIVED:
            row.message = _message(entry_id, f)
            row.refused = f.get("refused", "")
            slots["message"] = entry_id
        elif kind == EVENT_EXTRACTED:
            row.state, row.fields = "extracted", f
            if f.get("code"):
                slots["code"] = entry_id
            if f.get("link") and f.get("link_kind"):
                slots[link_slot(f["link_kind"])] = entry_id
        elif kind == EVENT_FAILED:
            row.state, row.error = "failed", f.get("error", "")[:200]
        elif kind == EVENT_DROPPED:
            row.dropped = True
    return list(rows.values()), carried


def _message(entry_id: str, f: Mapping[str, str]) -> Message:
    try:
        received = int(f.get("received_at") or "")
    except ValueError:
        received = None
    allowed = f.get("sender_allowed")
    return Message(
        message_key=f.get("message_key", ""),
        subject=f.get("subject", ""),
        from_=f.get("from", ""),
        received_at=ms_to_datetime(received),
        event_id=entry_id,
        sender_auth=f.get("sender_auth", ""),
        from_address=f.get("from_address", ""),
        sender_allowed=None if allowed in (None, "") else allowed == "1",
    )


def _entry_ms(entry_id: str) -> int:
    try:
        return int(entry_id.partition("-")[0])
    except ValueError:
        return 0


def _verdict(
    row: _Row, message: Message, handed: tuple[HandOut, ...], allowed: tuple[str, ...], viewer: str
) -> Verdict:
    state: VerdictState = row.state
    error = row.error
    if state == "pending" and (row.refused or not message_allowed(message, allowed)):
        state, error = "refused", row.refused or "sender_not_allowed"
    elif state == "pending" and row.dropped:
        state = "dropped"
    if row.fields is None:
        return Verdict(message, state, error=error, dropped=row.dropped, handed_out=handed)
    f = row.fields
    try:
        result = json.loads(f.get("result") or "{}")
    except ValueError:
        result = {}
    reasons = [
        _hide_urls(r) for r in extraction_reasons(result if isinstance(result, dict) else None)
    ]
    code = f.get("code", "")
    secret = code and any(h.slot == "code" and h.by and h.by != viewer for h in handed)
    if secret:
        reasons = [r.replace(code, mask_code(code)) for r in reasons]
        message = replace(message, subject=message.subject.replace(code, mask_code(code)))
    try:
        confidence: float | None = float(f.get("confidence") or "")
    except ValueError:
        confidence = None
    return Verdict(
        message,
        state,
        kind=f.get("kind", ""),
        has_code=bool(code),
        link_kind=f.get("link_kind", "") if f.get("link") else "",
        confidence=confidence,
        reasons=tuple(reasons),
        error=error,
        dropped=row.dropped,
        handed_out=handed,
    )


def fold_verdicts(
    entries: Iterable[Any],
    consumed: Mapping[str, str],
    allowed_senders: tuple[str, ...] = (),
    *,
    limit: int = 10,
    since_ms: int | None = None,
    viewer: str = "",
) -> list[Verdict]:
    """``entries``: ``XRANGE`` of the inbox stream; ``consumed``: its consumption hash
    (decoded). Newest mail first, at most ``limit``; with ``since_ms`` only mail the bridge
    routed at or after it. ``viewer``: who asks (codes handed to others are masked)."""
    rows, carried = _fold_rows(entries)
    out: list[Verdict] = []
    for row in reversed(rows):
        if len(out) >= limit:
            break
        message = row.message or Message(row.key, "", "", None)
        if since_ms is not None and (row.message is None or _entry_ms(message.event_id) < since_ms):
            continue
        handed = hand_outs(row.key, carried.get(row.key, {}), dict(consumed))
        out.append(_verdict(row, message, handed, allowed_senders, viewer))
    return out


def verdict_result(v: Verdict) -> dict[str, Any]:
    """A verdict as JSON (HTTP, ``--json``): never a code or a link."""
    return {
        "message": message_result(v.message),
        "state": v.state,
        "kind": v.kind or None,
        "has_code": v.has_code,
        "link_kind": v.link_kind or None,
        "confidence": None if v.confidence is None else round(v.confidence, 3),
        "reasons": list(v.reasons),
        "error": v.error or None,
        "dropped": v.dropped,
        "code_handed_out": v.code_handed_out,
        "link_handed_out": v.link_handed_out,
        "handed_out": [
            {"slot": h.slot, "state": h.state, "by": h.by or None, "at": iso_time(h.at)}
            for h in v.handed_out
        ],
    }


def _best_rejected(v: Verdict, what: str) -> str:
    """The extractor's best rejected ``code``/``link`` line, retold: "best candidate 279017
    rejected (0.31 < 0.5) — …"."""
    for line in v.reasons:
        m = _REJECTED.match(line)
        if m and m["what"].startswith(what):
            name = m["what"].replace("code ", "candidate ", 1)
            return f"best {name} {m['verdict']} ({m['score']}) \u2014 {m['why']}"
    return f"no {what}-shaped candidate"


def summary(v: Verdict, want: Literal["otp", "link"] = "otp", link_kind: str = "any") -> str:
    """One line on why this mail gave a ``want`` wait (of ``link_kind``) nothing (for
    ``otpbridge wait``)."""
    if v.state == "pending":
        return "not extracted yet (the worker is busy or down)"
    if v.state == "refused":
        return f"refused by the inbox's sender rules ({v.error})"
    if v.state == "failed":
        return f"extraction failed: {v.error}"
    if v.state == "dropped":
        return "dropped for the inbox quota before it was extracted"
    slot_taken = [
        h for h in v.handed_out if (h.slot == "code") == (want == "otp") and h.slot != "message"
    ]
    has = v.has_code if want == "otp" else bool(v.link_kind)
    noun = "code" if want == "otp" else "link"
    if has and slot_taken:
        h = slot_taken[0]
        whom = f"to {h.by}" if h.state == "consumed" else "(a newer one superseded it)"
        return f"its {noun} was handed out already {whom}"
    if has and want == "link" and link_kind not in ("any", v.link_kind):
        return f"it carries a {v.link_kind}, not a {link_kind}"
    if has:
        return f"a {noun} is there ({v.kind}), outside this wait's window or sender rules"
    other = f"; it carries a {v.link_kind}" if want == "otp" and v.link_kind else ""
    if want == "link" and v.has_code:
        other = "; it carries a code"
    return f"no {noun}: {_best_rejected(v, 'code' if want == 'otp' else 'link')}{other}"
