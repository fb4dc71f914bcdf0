"""What ``otpbridge demo`` shows: an agent creates an inbox, a sign-up mail arrives over SMTP,
the agent receives the code; then (without ``--once``) the user's own mail, live.
"""

from __future__ import annotations

import smtplib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from otpbridge.bridge.demo.sample import SAMPLE_SENDER, new_code, otp_mail
from otpbridge.bridge.demo.stack import DemoError, DemoStack
from otpbridge.bridge.sdk import Client
from otpbridge.bridge.sdk.models import Otp
from otpbridge.worker.events import EVENT_EXTRACTED, EVENT_FAILED, EVENT_RECEIVED, decode_fields

__all__ = ["SampleResult", "run_sample", "show_sample", "watch_inbox"]

_WAIT_S = 30.0


@dataclass(frozen=True, slots=True)
class SampleResult:
    inbox_id: str
    inbox_email: str
    sent_code: str
    received_code: str | None
    latency_s: float

    @property
    def ok(self) -> bool:
        return self.received_code == self.sent_code


def _send(port: int, rcpt: str, data: bytes) -> None:
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.sendmail(SAMPLE_SENDER, [rcpt], data)
    except (OSError, smtplib.SMTPException) as exc:
        raise DemoError(f"the SMTP front refused the sample mail: {exc}") from exc


def _await_waiting(client: redis.Redis, key: str, inbox_id: str, timeout: float = 2.0) -> None:
    """Until the agent's wait is registered, so the bridge is in fast-check mode when mail lands.

    Only a nicety for the latency shown; the wait reads the stream from its start either way.
    """
    deadline = time.monotonic() + timeout
    while client.zscore(key, inbox_id) is None and time.monotonic() < deadline:
        time.sleep(0.01)


def run_sample(stack: DemoStack, client: Client, console: Console) -> SampleResult:
    """The agent flow: create an inbox, start waiting, "sign up" (mail sent), get the code."""
    inbox = client.inboxes.create(ttl=3600, label="demo")
    console.print(f"[bold]1.[/] agent creates an inbox: [cyan]{inbox.email}[/]")
    code = new_code()
    got: list[Otp | None] = []
    failure: list[BaseException] = []

    def wait() -> None:
        try:
            got.append(client.messages.wait_for_otp(inbox_id=inbox.id, timeout=_WAIT_S))
        except Exception as exc:  # noqa: BLE001 - reported on the main thread
            failure.append(exc)

    waiter = threading.Thread(target=wait, name="demo-agent-wait", daemon=True)
    waiter.start()
    probe = redis.Redis.from_url(stack.redis_url, socket_timeout=5)
    try:
        _await_waiting(probe, stack.keys.waiting(), inbox.id)
    finally:
        probe.close()
    console.print(
        f"[bold]2.[/] agent signs up at Nimbus Notes; the site mails code [bold]{code}[/] "
        f"via SMTP 127.0.0.1:{stack.smtp_port}"
    )
    t0 = time.monotonic()
    _send(stack.smtp_port, inbox.email, otp_mail(inbox.email, code))
    waiter.join(_WAIT_S + 5)
    latency = time.monotonic() - t0
    if failure:
        raise DemoError(f"waiting for the code failed: {failure[0]}") from failure[0]
    otp = got[0] if got else None
    received = otp.code if otp is not None else None
    return SampleResult(inbox.id, inbox.email, code, received, latency)


def show_sample(result: SampleResult, console: Console) -> None:
    if result.ok:
        console.print(
            Panel.fit(
                f"[bold green]agent received code {result.received_code}[/]  "
                f"{result.latency_s * 1000:.0f} ms from SMTP send to code in hand",
                title="3. wait_for_otp",
                border_style="green",
            )
        )
    elif result.received_code is None:
        console.print(
            Panel.fit(
                f"[bold red]no code within {_WAIT_S:g}s[/] (sent {result.sent_code})",
                title="3. wait_for_otp",
                border_style="red",
            )
        )
    else:
        console.print(
            Panel.fit(
                f"[bold red]wrong code {result.received_code}[/] (sent {result.sent_code})",
                title="3. wait_for_otp",
                border_style="red",
            )
        )


@dataclass
class _Arrival:
    """What the demo knows of one mail before its extraction: when the SMTP front took it
    (``None`` for mail that came another way) and when the bridge saw it (its own clock)."""

    sent_ms: int | None
    seen_ms: int


def _took(arrival: _Arrival | None, done_ms: int) -> str:
    if arrival is None or not done_ms:
        return ""
    seen = f"{done_ms - arrival.seen_ms} ms after the bridge saw it" if arrival.seen_ms else ""
    if arrival.sent_ms is None:
        return seen
    sent = f"{done_ms - arrival.sent_ms} ms after the SMTP send"
    return f"{sent} ({seen})" if seen else sent


def _event_row(
    fields: dict[str, str],
    arrivals: dict[str, _Arrival],
    sent_at: Callable[[], int | None] = lambda: None,
) -> tuple[str, str, str] | None:
    """A printable row for one event of the watched inbox; ``sent_at`` takes the SMTP send
    time of the next mail to it."""
    kind = fields.get("type", "")
    key = fields.get("message_key", "")
    if kind == EVENT_RECEIVED:
        arrivals[key] = _Arrival(sent_at(), int(fields.get("seen_at") or 0))
        return ("received", f"from {fields.get('from', '?')}", fields.get("subject", ""))
    if kind == EVENT_EXTRACTED:
        what = fields.get("code") or fields.get("link") or "(nothing found)"
        took = _took(arrivals.pop(key, None), int(fields.get("extracted_at") or 0))
        return ("extracted", f"{fields.get('kind', '?')}: {what}", took)
    if kind == EVENT_FAILED:
        return ("failed", fields.get("error", ""), "")
    return None


def _unrouted_row(fields: dict[str, str], template: str) -> tuple[str, str, str]:
    """An ``unrouted`` record: ids and the reason only (the stream holds no content)."""
    reason = fields.get("reason", "?")
    hint = f"send to {template.replace('{id}', '<inbox id>')}"
    if reason == "inbox_not_found":
        hint = "that inbox expired or was deleted"
    return ("unrouted", f"{fields.get('folder', '?')} UID {fields.get('uid', '?')}: {reason}", hint)


def _newest(client: redis.Redis, key: str) -> str:
    newest: Any = client.xrevrange(key, count=1)
    return str(newest[0][0]) if newest else "0-0"


def watch_inbox(stack: DemoStack, inbox_id: str, email: str, console: Console) -> None:
    """Print every event of ``inbox_id``, and mail no inbox takes, until interrupted; raises
    DemoError if a part dies."""
    table = Table.grid(padding=(0, 2))
    table.add_row("SMTP", f"127.0.0.1:{stack.smtp_port}")
    table.add_row("inbox", email)
    table.add_row("Redis", stack.redis_url)
    # The demo's throwaway IMAP password (loopback only), so doctor can be pointed at it.
    table.add_row("IMAP", stack.imap_url)
    table.add_row("address template", stack.address)
    table.add_row("metrics", f"http://127.0.0.1:{stack.bridge_metrics_port}/metrics")
    console.print(Panel(table, title="the demo keeps running: send your own mail", expand=False))
    console.print(
        f"  swaks --server 127.0.0.1:{stack.smtp_port} --to {email} "
        "--header 'Subject: Your code' --body 'Your verification code is 246810'\n"
        f"  python3 -c \"import smtplib; smtplib.SMTP('127.0.0.1', {stack.smtp_port}).sendmail("
        f"'me@example.test', ['{email}'], 'Subject: hi\\n\\nYour code is 246810')\"\n"
        "  check it as an operator would, from another shell:\n"
        f"  OTPBRIDGE_REDIS_URL={stack.redis_url} OTPBRIDGE_IMAP_URL='{stack.imap_url}' "
        f"OTPBRIDGE_ADDRESS='{stack.address}' otpbridge doctor\n"
        f"  OTPBRIDGE_REDIS_URL={stack.redis_url} otpbridge doctor --agent\n"
        "  Ctrl-C stops every process the demo started."
    )
    client = redis.Redis.from_url(stack.redis_url, socket_timeout=10, decode_responses=True)
    key, unrouted = stack.keys.events(inbox_id), stack.keys.unrouted
    last = {key: _newest(client, key), unrouted: _newest(client, unrouted)}
    arrivals: dict[str, _Arrival] = {}
    try:
        while True:
            stack.check_children()
            streams: Any = dict(last)
            reply: Any = client.xread(streams, block=1000, count=50)
            for stream, entries in reply or []:
                for entry_id, raw in entries:
                    last[str(stream)] = str(entry_id)
                    fields = decode_fields(raw)
                    if str(stream) == unrouted:
                        row: tuple[str, str, str] | None = _unrouted_row(fields, stack.address)
                    else:
                        row = _event_row(fields, arrivals, lambda: stack.sent.take(email))
                    if row is not None:
                        # escape(): a subject or folder such as "[Gmail]/Spam" is not markup.
                        what, note = escape(row[1]), escape(row[2])
                        console.print(f"  [bold]{row[0]:<9}[/] {what}  [dim]{note}[/]")
    finally:
        client.close()
