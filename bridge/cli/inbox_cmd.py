"""``otpbridge inbox create|list|show|delete``: manage agent inboxes from a shell.

``show ID`` answers "why did my wait get nothing?": the inbox, then each recent mail with what
became of it and the extractor's reasons (:mod:`bridge.sdk.verdicts`; codes handed to someone
else are masked, link tokens never shown)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from otpbridge.bridge.sdk import Client, Inbox

__all__ = ["register"]

# The SDK and redis are imported in ``run``: ``otpbridge inbox --help`` must start fast.


def register(sub: Any) -> None:
    p = sub.add_parser("inbox", help="create, list, show or delete agent inboxes")
    inbox_sub = p.add_subparsers(dest="inbox_command", metavar="ACTION")
    inbox_sub.required = True

    create = inbox_sub.add_parser("create", help="make an inbox and print its address")
    create.add_argument("--ttl", type=float, default=3600.0, help="lifetime in seconds")
    create.add_argument(
        "--from",
        dest="senders",
        action="append",
        default=[],
        metavar="DOMAIN",
        help="only mail from this domain or address can satisfy a wait (repeatable)",
    )
    create.add_argument("--label", default=None)
    create.add_argument("--json", action="store_true", help="print the inbox as JSON")
    create.set_defaults(func=run)

    listing = inbox_sub.add_parser("list", help="live inboxes")
    listing.add_argument("--json", action="store_true", help="JSON Lines")
    listing.set_defaults(func=run)

    show = inbox_sub.add_parser("show", help="an inbox, its recent mails and why each gave what")
    show.add_argument("inbox_id", metavar="ID")
    show.add_argument("--limit", type=int, default=20, help="mails shown, newest first (20)")
    show.add_argument("--json", action="store_true", help="print a JSON object")
    show.set_defaults(func=run)

    delete = inbox_sub.add_parser("delete", help="remove an inbox and all its mail")
    delete.add_argument("inbox_id", metavar="ID")
    delete.set_defaults(func=run)


def _as_dict(inbox: Inbox) -> dict[str, Any]:
    return {
        "id": inbox.id,
        "email": inbox.email,
        "created_at": inbox.created_at.isoformat(),
        "expires_at": inbox.expires_at.isoformat(),
        "allowed_senders": list(inbox.allowed_senders),
        "label": inbox.label,
    }


def _as_json(inbox: Inbox) -> str:
    return json.dumps(_as_dict(inbox))


def _show(client: Client, args: argparse.Namespace) -> None:
    from otpbridge.bridge.sdk.verdicts import verdict_result  # noqa: PLC0415

    inbox = client.inboxes.get(args.inbox_id)
    verdicts = client.messages.last_verdicts(inbox.id, limit=args.limit)
    if args.json:
        body = {"inbox": _as_dict(inbox), "verdicts": [verdict_result(v) for v in verdicts]}
        print(json.dumps(body, ensure_ascii=False))
        return
    senders = ", ".join(inbox.allowed_senders) or "anyone"
    print(f"{inbox.id}\t{inbox.email}\texpires {inbox.expires_at:%Y-%m-%dT%H:%M:%SZ}")
    print(f"senders: {senders}; {len(verdicts)} recent mail(s), newest first")
    for v in verdicts:
        when = f"{v.message.received_at:%H:%M:%S}" if v.message.received_at else "--:--:--"
        what = v.state if v.state != "extracted" else f"extracted {v.kind or 'none'}"
        if v.confidence is not None and v.state == "extracted":
            what += f" ({v.confidence:.2f})"
        print(f"{when}  {what}  {v.message.from_address or v.message.from_}  {v.message.subject!r}")
        if v.error:
            print(f"    {v.state}: {v.error}")
        for reason in v.reasons:
            print(f"    {reason}")
        for h in v.handed_out:
            if h.slot != "message" or h.state == "consumed":
                whom = f" to {h.by}" if h.by else ""
                print(f"    {h.slot}: {h.state}{whom}")


def run(args: argparse.Namespace) -> int:
    import redis  # noqa: PLC0415 - see the imports above

    from otpbridge.bridge.cli.sdk_env import client_from_env  # noqa: PLC0415
    from otpbridge.bridge.errors import BridgeError  # noqa: PLC0415

    prog = f"otpbridge inbox {args.inbox_command}"
    client = client_from_env(prog)
    if client is None:
        return 2
    try:
        with client:
            if args.inbox_command == "create":
                inbox = client.inboxes.create(
                    ttl=args.ttl, allowed_senders=args.senders, label=args.label
                )
                print(_as_json(inbox) if args.json else f"{inbox.id}\t{inbox.email}")
            elif args.inbox_command == "list":
                for inbox in client.inboxes.list():
                    line = f"{inbox.id}\t{inbox.email}\t{inbox.expires_at:%Y-%m-%dT%H:%M:%SZ}"
                    print(_as_json(inbox) if args.json else line)
            elif args.inbox_command == "show":
                _show(client, args)
            elif not client.inboxes.delete(args.inbox_id):
                print(f"{prog}: no inbox {args.inbox_id}", file=sys.stderr)
                return 1
    except (BridgeError, ValueError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    except redis.RedisError as exc:
        print(f"{prog}: Redis: {exc}", file=sys.stderr)
        return 2
    return 0
