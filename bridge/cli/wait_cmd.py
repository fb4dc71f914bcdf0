"""``otpbridge wait ID [--kind …] [--timeout S] [--json]``: block until a code or link arrives.

Prints the code (or the URL) alone on stdout so shells can capture it; exit 1 on timeout, 2 when
the pipeline is broken (bridge down, extraction failed, unknown inbox). A timeout while mail did
arrive says what became of each mail and why (the extractor's reasons, see
:mod:`bridge.sdk.verdicts`); ``--json`` prints that as ``{"status": "timeout", …}``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from otpbridge.bridge.sdk import Client, Link, LinkKindFilter, Otp

__all__ = ["register"]

# The SDK and redis are imported in ``run``: ``otpbridge wait --help`` must start fast.

#: ``--kind`` → the SDK's link filter (``otp`` waits for a code instead).
_LINK_KINDS: dict[str, LinkKindFilter] = {
    "link": "any",
    "magic_link": "magic_link",
    "confirm_link": "confirm_link",
    "reset_link": "reset_link",
}


def register(sub: Any) -> None:
    p = sub.add_parser("wait", help="block until a code or link arrives in an inbox")
    p.add_argument("inbox_id", metavar="ID")
    p.add_argument("--kind", choices=("otp", *_LINK_KINDS), default="otp")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds (default 60)")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=run)


def _json(found: Otp | Link) -> str:
    from otpbridge.bridge.sdk import Otp  # noqa: PLC0415 - see the imports above

    message = found.message
    out: dict[str, Any] = {
        "message_key": message.message_key,
        "from": message.from_,
        "subject": message.subject,
        "received_at": message.received_at.isoformat() if message.received_at else None,
        "sender_auth": message.sender_auth or None,
        "confidence": found.confidence,
    }
    if isinstance(found, Otp):
        out.update(
            kind="otp",
            code=found.code,
            expires_at=found.expires_at.isoformat() if found.expires_at else None,
        )
    else:
        out.update(kind=found.kind, link=found.url)
    return json.dumps(out, ensure_ascii=False)


#: Mails told about on stderr after a timeout (the newest; ``--json`` carries up to 50).
_SHOWN = 3
_JSON_VERDICTS = 50


def _timeout_report(
    client: Client, args: argparse.Namespace, started: float
) -> tuple[str, dict[str, Any]]:
    """The stderr text and the ``--json`` object of a wait that found nothing: which mails
    arrived since it began and why none of them gave what it waited for."""
    import redis  # noqa: PLC0415

    from otpbridge.bridge.errors import BridgeError  # noqa: PLC0415
    from otpbridge.bridge.sdk.verdicts import summary, verdict_result  # noqa: PLC0415

    head = f"otpbridge wait: nothing within {args.timeout:g} s"
    try:
        verdicts = client.messages.last_verdicts(args.inbox_id, limit=_JSON_VERDICTS, since=started)
    except (BridgeError, redis.RedisError) as exc:  # e.g. the inbox expired meanwhile
        return f"{head} (no report: {exc})", {"status": "timeout", "timeout_s": args.timeout}
    report = {
        "status": "timeout",
        "timeout_s": args.timeout,
        "mails_arrived": len(verdicts),
        "verdicts": [verdict_result(v) for v in verdicts],
    }
    want: Literal["otp", "link"] = "otp" if args.kind == "otp" else "link"
    kind = _LINK_KINDS.get(args.kind, "any")
    if not verdicts:
        return f"{head} (no mail arrived)", report
    if len(verdicts) == 1:
        return f"{head} \u2014 1 mail arrived, {summary(verdicts[0], want, kind)}", report
    more = "+" if len(verdicts) >= _JSON_VERDICTS else ""
    lines = [f"{head} \u2014 {len(verdicts)}{more} mails arrived:"]
    for v in verdicts[:_SHOWN]:
        subject = (
            v.message.subject if len(v.message.subject) <= 60 else v.message.subject[:59] + "\u2026"
        )
        lines.append(
            f"  {v.message.from_address or v.message.from_} {subject!r}: {summary(v, want, kind)}"
        )
    if len(verdicts) > _SHOWN:
        lines.append(f"  \u2026 and {len(verdicts) - _SHOWN}{more} more (otpbridge inbox show ID)")
    return "\n".join(lines), report


def run(args: argparse.Namespace) -> int:
    import redis  # noqa: PLC0415 - see the imports above

    from otpbridge.bridge.cli.sdk_env import client_from_env  # noqa: PLC0415
    from otpbridge.bridge.errors import BridgeError  # noqa: PLC0415
    from otpbridge.bridge.sdk import Otp  # noqa: PLC0415

    client = client_from_env("otpbridge wait")
    if client is None:
        return 2
    found: Otp | Link | None
    # Only mail that arrives from now on counts as "arrived" in a timeout's report.
    started = time.time()
    try:
        with client:
            if args.kind == "otp":
                found = client.messages.wait_for_otp(args.inbox_id, timeout=args.timeout)
            else:
                found = client.messages.wait_for_link(
                    args.inbox_id, kind=_LINK_KINDS[args.kind], timeout=args.timeout
                )
            if found is None:
                text, report = _timeout_report(client, args, started)
    except (BridgeError, ValueError) as exc:
        print(f"otpbridge wait: {exc}", file=sys.stderr)
        return 2
    except redis.RedisError as exc:
        print(f"otpbridge wait: Redis: {exc}", file=sys.stderr)
        return 2
    if found is None:
        print(text, file=sys.stderr)
        if args.json:
            print(json.dumps(report, ensure_ascii=False), flush=True)
        return 1
    if args.json:
        print(_json(found), flush=True)
    else:
        print(found.code if isinstance(found, Otp) else found.url, flush=True)
    return 0
