"""The ``/ui`` pages as server-rendered HTML strings.

Every value that comes from a mail, an inbox or the environment goes through :func:`esc`
(``html.escape`` with quotes): a subject ``<script>…`` shows as text. No ``style=`` attributes
and no inline handlers, so the Content-Security-Policy can allow only the nonce'd ``<style>``
and ``<script>`` of the response.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from otpbridge.bridge.http.ui_templates.assets import CSS, LIVE_JS
from otpbridge.bridge.http.ui_templates.timeline import MailRow, mask_link
from otpbridge.bridge.sdk.models import Inbox

__all__ = [
    "BridgeRow",
    "InboxRow",
    "UnroutedRow",
    "esc",
    "inbox_list_body",
    "inbox_page_body",
    "login_body",
    "page",
    "timeline_html",
]

_OUTCOME_CLASS: Final = {"extracted": "ok", "failed": "bad", "refused": "bad", "pending": "warn"}


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="milliseconds")


def when(ms: int | None) -> str:
    """``<time>`` in UTC, to the second (the ISO value with ms in ``datetime``)."""
    if ms is None:
        return '<span class="mute">—</span>'
    shown = datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")
    return f'<time datetime="{esc(_iso(ms))}">{esc(shown)} UTC</time>'


def duration(ms: int | None) -> str:
    if ms is None:
        return "—"
    if ms < 1000:
        return f"{ms} ms"
    if ms < 60_000:
        return f"{ms / 1000:.1f} s"
    minutes, seconds = divmod(ms // 1000, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    return f"{minutes // 60} h {minutes % 60} min"


def relative(ms: int, now_ms: int) -> str:
    delta = ms - now_ms
    return f"in {duration(delta)}" if delta >= 0 else f"{duration(-delta)} ago"


@dataclass(frozen=True, slots=True)
class InboxRow:
    inbox: Inbox
    mails: int
    processed: int
    last_event: str
    last_event_ms: int | None


@dataclass(frozen=True, slots=True)
class BridgeRow:
    name: str
    status: str
    error: str
    ts_ms: int | None


@dataclass(frozen=True, slots=True)
class UnroutedRow:
    at_ms: int
    reason: str
    message_id: str


def _unrouted(rows: Sequence[UnroutedRow], now_ms: int) -> str:
    if not rows:
        return '<p class="mute">None recently.</p>'
    items = "".join(
        f'<tr><td>{when(r.at_ms)} <span class="mute small">{esc(relative(r.at_ms, now_ms))}'
        f"</span></td><td>{esc(r.reason)}</td><td><code>{esc(r.message_id)}</code></td></tr>"
        for r in rows
    )
    return (
        '<p class="mute small">Mail that reached the mailbox but no live inbox: the address '
        "was mistyped, or the inbox had expired or been deleted.</p>"
        '<table id="unrouted"><thead><tr><th>Seen</th><th>Reason</th><th>Message-ID</th></tr>'
        f"</thead><tbody>{items}</tbody></table>"
    )


def page(title: str, body: str, nonce: str, *, signed_in: bool, live: bool = False) -> str:
    nav = ""
    if signed_in:
        nav = (
            '<form method="post" action="/ui/logout"><button type="submit">Sign out</button></form>'
        )
    script = f'<script nonce="{esc(nonce)}">{LIVE_JS}</script>' if live else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{esc(title)} · otpbridge</title>"
        f'<style nonce="{esc(nonce)}">{CSS}</style></head><body>'
        f'<header><a href="/ui">otpbridge</a><span class="mute">inbox timeline</span>{nav}'
        f"</header><main>{body}</main>{script}</body></html>"
    )


def login_body(error: str | None = None) -> str:
    err = f'<p class="error" role="alert">{esc(error)}</p>' if error else ""
    return (
        '<form class="login" method="post" action="/ui/login">'
        "<h1>Sign in</h1>"
        '<p class="mute">Paste the admin token (<code>OTPBRIDGE_API_TOKEN</code>). The session '
        "cookie lasts until you sign out or the token changes.</p>"
        f"{err}"
        '<label for="token">Admin token</label>'
        '<input id="token" name="token" type="password" autocomplete="current-password" '
        "required autofocus>"
        '<button type="submit">Sign in</button></form>'
    )


def _bridges(bridges: Sequence[BridgeRow], now_ms: int) -> str:
    if not bridges:
        return (
            '<p class="bad">No bridge has ever reported: no mail can arrive. Start '
            "<code>otpbridge bridge</code> and check <code>otpbridge doctor</code>.</p>"
        )
    items = []
    for b in bridges:
        cls = "ok" if b.status == "ok" else "bad"
        age = relative(b.ts_ms, now_ms) if b.ts_ms is not None else "never"
        err = f' <span class="mute">{esc(b.error)}</span>' if b.error else ""
        items.append(
            f'<li><code>{esc(b.name)}</code> <span class="badge {cls}">{esc(b.status)}</span> '
            f'<span class="mute small">heartbeat {esc(age)}</span>{err}</li>'
        )
    return f'<ul class="bridges">{"".join(items)}</ul>'


def inbox_list_body(
    rows: Sequence[InboxRow],
    bridges: Sequence[BridgeRow],
    unrouted: Sequence[UnroutedRow],
    now_ms: int,
    *,
    total: int,
) -> str:
    head = (
        "<tr><th>Inbox</th><th>Label</th><th>Address</th><th>Expires</th>"
        "<th>Mails</th><th>Processed</th><th>Last event</th></tr>"
    )
    body = []
    for r in rows:
        i = r.inbox
        expires = int(i.expires_at.timestamp() * 1000)
        last = (
            f"{esc(r.last_event)} {esc(relative(r.last_event_ms, now_ms))}"
            if r.last_event_ms is not None
            else '<span class="mute">none</span>'
        )
        body.append(
            f'<tr data-inbox="{esc(i.id)}"><td><a href="/ui/inboxes/{esc(i.id)}">'
            f"<code>{esc(i.id)}</code></a></td><td>{esc(i.label or '')}</td>"
            f"<td><code>{esc(i.email)}</code></td>"
            f'<td title="{esc(_iso(expires))}">{esc(relative(expires, now_ms))}</td>'
            f"<td>{r.mails}</td><td>{r.processed}</td><td>{last}</td></tr>"
        )
    table = (
        f'<table id="inboxes"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'
        if body
        else '<p class="mute">No live inboxes.</p>'
    )
    more = (
        f'<p class="mute small">Showing the {len(rows)} expiring last of {total}.</p>'
        if total > len(rows)
        else ""
    )
    return (
        f"<h1>Live inboxes ({total})</h1><h2>Bridges</h2>{_bridges(bridges, now_ms)}"
        f"<h2>Inboxes</h2>{more}{table}"
        f"<h2>Mail no inbox took</h2>{_unrouted(unrouted, now_ms)}"
    )


def _sender(row: MailRow) -> str:
    parts = []
    if row.sender_allowed is True:
        parts.append('<span class="badge ok">allowed</span>')
    elif row.sender_allowed is False:
        reason = f" ({esc(row.refused)})" if row.refused else ""
        parts.append(f'<span class="badge bad">refused{reason}</span>')
    elif row.refused:
        parts.append(f'<span class="badge bad">refused ({esc(row.refused)})</span>')
    else:
        parts.append('<span class="mute small">no allowlist</span>')
    if row.sender_auth:
        cls = {"pass": "ok", "fail": "bad"}.get(row.sender_auth, "mute")
        parts.append(f'<div class="small {cls}">auth: {esc(row.sender_auth)}</div>')
    return "".join(parts)


def _result(row: MailRow) -> str:
    cls = _OUTCOME_CLASS.get(row.outcome, "mute")
    out = [f'<span class="badge {cls}" data-outcome="{esc(row.outcome)}">{esc(row.outcome)}</span>']
    if row.dropped:
        out.append(' <span class="badge warn">raw mail dropped (quota)</span>')
    if row.outcome == "pending":
        out.append('<div class="small mute">waiting for a worker</div>')
    if row.error:
        out.append(f'<div class="small bad">{esc(row.error)}</div>')
    if row.outcome == "extracted":
        facts = [f"kind <b>{esc(row.kind or 'none')}</b>"]
        if row.confidence is not None:
            facts.append(f"confidence {row.confidence:.2f}")
        if row.language:
            facts.append(f"lang {esc(row.language)}")
        if row.expires_in_s is not None:
            facts.append(f"valid {esc(duration(row.expires_in_s * 1000))}")
        out.append(f'<div class="small">{" · ".join(facts)}</div>')
        if row.code_masked:
            out.append(
                f'<div>code <code class="code" title="masked; the API returns it whole">'
                f"{esc(row.code_masked)}</code></div>"
            )
        if row.link_masked:
            out.append(
                f'<div class="small">{esc(row.link_kind or "link")} '
                f"<code>{esc(row.link_masked)}</code></div>"
            )
    if row.reasons:
        items = "".join(f"<li>{esc(r)}</li>" for r in row.reasons)
        out.append(f'<ul class="reasons">{items}</ul>')
    return "".join(out)


def _handed(row: MailRow) -> str:
    if not row.handed:
        return '<span class="mute small">not handed out</span>'
    items = []
    for h in row.handed:
        if h.state == "consumed":
            at = when(int(h.at.timestamp() * 1000)) if h.at else ""
            items.append(
                f'<div class="small">{esc(h.slot)} → <code>{esc(h.by or "?")}</code> {at}</div>'
            )
        else:
            items.append(f'<div class="small mute">{esc(h.slot)}: superseded by a newer one</div>')
    return "".join(items)


def timeline_html(rows: Sequence[MailRow]) -> str:
    """The timeline table alone: the page embeds it, the live script re-fetches it."""
    if not rows:
        return (
            '<p class="mute" id="no-mail">No mail has reached this inbox yet. If an agent is '
            "waiting for one, check the address it typed, the sender's logs and the bridges "
            'on the <a href="/ui">inbox list</a>.</p>'
        )
    head = (
        "<tr><th>Received</th><th>From / subject</th><th>Sender</th><th>Result</th>"
        "<th>Latency</th><th>Handed to</th></tr>"
    )
    body = []
    for r in rows:
        latency = (
            f"{esc(duration(r.latency_ms))}"
            f'<div class="small mute">bridge → event {esc(duration(r.pipeline_ms))}</div>'
            if r.done_ms is not None
            else '<span class="mute">—</span>'
        )
        body.append(
            f'<tr class="mail" data-key="{esc(r.message_key)}" data-outcome="{esc(r.outcome)}">'
            f'<td>{when(r.received_ms)}<div class="small mute">seen {when(r.seen_ms)}</div></td>'
            f'<td class="subject"><div>{esc(r.from_)}</div><div><b>{esc(r.subject)}</b></div></td>'
            f"<td>{_sender(r)}</td><td>{_result(r)}</td><td>{latency}</td>"
            f"<td>{_handed(r)}</td></tr>"
        )
    return f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"


def inbox_page_body(
    inbox: Inbox, rows: Sequence[MailRow], now_ms: int, *, events_url: str, rows_url: str
) -> str:
    expires = int(inbox.expires_at.timestamp() * 1000)
    created = int(inbox.created_at.timestamp() * 1000)
    senders = ", ".join(inbox.allowed_senders) or "anyone"
    # A webhook URL may carry a secret in its path or query: shown like a link, masked.
    webhook = mask_link(inbox.webhook_url) if inbox.webhook_url else "none"
    facts = (
        '<dl class="facts">'
        f"<dt>Address</dt><dd><code>{esc(inbox.email)}</code></dd>"
        f"<dt>Label</dt><dd>{esc(inbox.label or '—')}</dd>"
        f"<dt>Created</dt><dd>{when(created)}</dd>"
        f"<dt>Expires</dt><dd>{when(expires)} ({esc(relative(expires, now_ms))})</dd>"
        f"<dt>Allowed senders</dt><dd>{esc(senders)}</dd>"
        f"<dt>Webhook</dt><dd>{esc(webhook)}</dd></dl>"
    )
    return (
        f"<h1>Inbox <code>{esc(inbox.id)}</code></h1>{facts}"
        f'<h2>Timeline <span id="live">live · connecting…</span></h2>'
        f'<div id="timeline" data-events="{esc(events_url)}" data-rows="{esc(rows_url)}">'
        f"{timeline_html(rows)}</div>"
    )
