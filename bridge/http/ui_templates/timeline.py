"""One inbox's stream (DESIGN.md §3) folded into one row per mail: what an operator reads when
an agent says "no code came".

Per mail: when it arrived, from whom, the bridge's sender decision, then what became of it
(extracted, failed, refused, still pending, dropped), how long that took, the extractor's kind,
confidence and reasons, and who was handed the code or link. Codes and link tokens never leave
this module whole: the page shows ``28••••`` and ``https://host/path?…``; the admin who needs
the full value has the API. Pure: no I/O, no clock.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from otpbridge.bridge.sdk.consume import link_slot
from otpbridge.bridge.sdk.models import HandOut
from otpbridge.bridge.sdk.wire import hand_outs
from otpbridge.worker.events import (
    EVENT_DROPPED,
    EVENT_EXTRACTED,
    EVENT_FAILED,
    EVENT_RECEIVED,
    decode_fields,
)

__all__ = ["MailRow", "Outcome", "build_timeline", "mask_code", "mask_link"]

Outcome = Literal["pending", "extracted", "failed", "refused"]

_DOT: Final = "\u2022"
#: Reasons shown per mail (the extractor gives a few candidates; the best ones say enough).
_MAX_REASONS: Final = 3
#: The extractor's own reason lines kept per mail (it writes up to four).
_MAX_GIVEN_REASONS: Final = 6
#: "code 847291 chosen …" / "code 2026 rejected …": the value a reason line names.
_CODE_LINE: Final = re.compile(r"\bcode (\S+) (?=chosen|rejected)")


def _mask_match(match: re.Match[str]) -> str:
    return f"code {mask_code(match.group(1))} "


def mask_code(code: str) -> str:
    """The first two characters of a code of six or more (one of a shorter one), then dots:
    enough to match what the agent typed, not enough to use."""
    code = code.strip()
    if not code:
        return ""
    keep = 2 if len(code) >= 6 else 1
    return code[:keep] + _DOT * (len(code) - keep)


def mask_link(url: str) -> str:
    """Scheme, host and the first path segment; the rest (tokens live there and in the query)
    becomes ``…``."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "\u2026"
    if not parts.scheme or not parts.netloc:
        return "\u2026"
    segments = [s for s in parts.path.split("/") if s]
    path = "/" + segments[0] if segments else "/"
    if len(segments) > 1:
        path += "/\u2026"
    if parts.query or parts.fragment:
        path += "?\u2026"
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{path}"


def _ms(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _entry_ms(entry_id: str) -> int | None:
    return _ms(entry_id.partition("-")[0])


@dataclass(slots=True)
class MailRow:
    """One mail of the inbox; times are epoch ms, ``None`` when the stream did not say."""

    message_key: str
    #: IMAP INTERNALDATE (when the mail server stored it; second resolution).
    received_ms: int | None = None
    #: The bridge's clock when it saw the mail (what status and metrics measure from).
    seen_ms: int | None = None
    from_: str = ""
    subject: str = ""
    sender_auth: str = ""
    sender_allowed: bool | None = None
    refused: str = ""
    outcome: Outcome = "pending"
    #: When the ``extracted``/``failed`` event was written.
    done_ms: int | None = None
    kind: str = ""
    code_masked: str = ""
    code_length: int = 0
    link_masked: str = ""
    link_kind: str = ""
    confidence: float | None = None
    language: str = ""
    expires_in_s: int | None = None
    error: str = ""
    reasons: tuple[str, ...] = ()
    dropped: bool = False
    handed: tuple[HandOut, ...] = ()
    carried: dict[str, str] = field(default_factory=dict)

    @property
    def latency_ms(self) -> int | None:
        """From the mail server's arrival time to the event (INTERNALDATE has 1 s resolution,
        so this may read up to a second long)."""
        if self.done_ms is None or self.received_ms is None:
            return None
        return max(0, self.done_ms - self.received_ms)

    @property
    def pipeline_ms(self) -> int | None:
        """From the bridge seeing the mail to the event: the pipeline's own share."""
        if self.done_ms is None or self.seen_ms is None:
            return None
        return max(0, self.done_ms - self.seen_ms)


def _scrub(text: str, secrets: Iterable[str], limit: int = 200) -> str:
    """``text`` (a reason, a subject) never quotes a code or link whole: the extractor's reasons
    name keywords and positions, but a mail decides what its words are, and many subjects
    carry the code ("284913 is your code")."""
    for value in secrets:
        if len(value) >= 4:
            text = text.replace(value, mask_code(value))
    return text[:limit]


def _candidate_reasons(result: Mapping[str, Any]) -> list[str]:
    """Reasons built from ``candidates`` and ``links``: what an extractor without its own
    ``reasons`` lines (events written before it had them) still tells."""
    reasons: list[str] = []
    candidates = result.get("candidates")
    for cand in candidates[:_MAX_REASONS] if isinstance(candidates, list) else ():
        if not isinstance(cand, dict):
            continue
        score = cand.get("score")
        text = str(cand.get("reason") or "").strip()
        shown = mask_code(str(cand.get("value") or ""))
        prefix = f"{shown} ({score:.2f})" if isinstance(score, int | float) else shown
        reasons.append(f"{prefix}: {text}" if text else prefix)
    links = result.get("links")
    for item in links[:_MAX_REASONS] if isinstance(links, list) else ():
        if isinstance(item, dict) and item.get("kind"):
            score = item.get("score")
            label = str(item.get("text") or "").strip()[:60]
            how = f"{score:.2f}" if isinstance(score, int | float) else "?"
            reasons.append(f"link {item['kind']} ({how}){': ' + label if label else ''}")
    return reasons


def _apply_result(row: MailRow, result: Mapping[str, Any], code: str, link: str) -> None:
    row.language = str(result.get("language") or "")
    expires = result.get("expires_in_s")
    row.expires_in_s = expires if isinstance(expires, int) else None
    values = [code, link]
    candidates = result.get("candidates")
    for cand in candidates if isinstance(candidates, list) else ():
        if isinstance(cand, dict):
            values.append(str(cand.get("value") or ""))
    # The extractor's own "why" lines (DESIGN §6 ``reasons``: chosen and best rejected code
    # and link), else what its candidates say.
    given = result.get("reasons")
    if isinstance(given, list) and given:
        reasons = [r for r in given[:_MAX_GIVEN_REASONS] if isinstance(r, str)]
    else:
        reasons = _candidate_reasons(result)
    if result.get("error"):
        reasons.append(f"error: {result['error']}")
    row.reasons = tuple(_scrub(_CODE_LINE.sub(_mask_match, r), values) for r in reasons)


def _received(row: MailRow, f: Mapping[str, str]) -> None:
    row.received_ms = _ms(f.get("received_at"))
    row.seen_ms = _ms(f.get("seen_at")) or _ms(f.get("routed_at"))
    row.from_ = f.get("from", "")
    row.subject = f.get("subject", "")
    row.sender_auth = f.get("sender_auth", "")
    allowed = f.get("sender_allowed")
    row.sender_allowed = None if allowed in (None, "") else allowed == "1"
    row.refused = f.get("refused", "")
    if row.refused and row.outcome == "pending":
        row.outcome = "refused"


def _extracted(row: MailRow, entry_id: str, f: Mapping[str, str]) -> None:
    row.outcome = "extracted"
    row.done_ms = _ms(f.get("extracted_at")) or _entry_ms(entry_id)
    row.kind = f.get("kind", "")
    code, link = f.get("code", ""), f.get("link", "")
    row.code_masked, row.code_length = mask_code(code), len(code)
    row.link_masked = mask_link(link) if link else ""
    row.link_kind = f.get("link_kind", "")
    try:
        row.confidence = float(f.get("confidence") or "nan")
    except ValueError:
        row.confidence = None
    if row.confidence is not None and row.confidence != row.confidence:  # NaN: not given
        row.confidence = None
    if code:
        row.carried["code"] = entry_id
    if link and row.link_kind:
        row.carried[link_slot(row.link_kind)] = entry_id
    try:
        result = json.loads(f.get("result") or "{}")
    except ValueError:
        result = {}
    if isinstance(result, dict):
        _apply_result(row, result, code, link)
    # The received event came first (stream order): its subject may quote the code.
    row.subject = _scrub(row.subject, (code, link), limit=len(row.subject))


def build_timeline(entries: Iterable[Any], consumed: Mapping[str, str]) -> list[MailRow]:
    """``entries``: ``XRANGE`` of the inbox stream (bytes or str); ``consumed``: the inbox's
    consumption hash (decoded). Newest mail first."""
    rows: dict[str, MailRow] = {}
    for raw_id, raw_fields in entries:
        entry_id = raw_id.decode() if isinstance(raw_id, bytes) else str(raw_id)
        f = decode_fields(raw_fields)
        key = f.get("message_key", "")
        if not key:
            continue
        row = rows.get(key)
        if row is None:
            row = rows[key] = MailRow(key)
            row.carried["message"] = entry_id
        kind = f.get("type")
        if kind == EVENT_RECEIVED:
            _received(row, f)
        elif kind == EVENT_EXTRACTED:
            _extracted(row, entry_id, f)
        elif kind == EVENT_FAILED:
            row.outcome = "failed"
            row.done_ms = _entry_ms(entry_id)
            row.error = f.get("error", "")[:200]
        elif kind == EVENT_DROPPED:
            row.dropped = True
    out = list(rows.values())
    for row in out:
        row.handed = hand_outs(row.message_key, row.carried, dict(consumed))
    out.reverse()
    return out
