"""Memory (issue 6 §3): Redis bytes per live idle inbox, and the processes' RSS.

    .venv/bin/python tests/bench/memory_bench.py              # 10,000 inboxes, 200 mails
    .venv/bin/python tests/bench/memory_bench.py --quick      # CI smoke test

Creates ``--inboxes`` inboxes through the SDK (as agents do) and reports the growth of Redis'
``used_memory`` per inbox, cross-checked with ``MEMORY USAGE`` of each key an idle inbox owns.
Then delivers ``--mails`` verification mails (one per inbox) through the running bridge and
worker and reports the Redis bytes one received + extracted mail adds. RSS of ``otpbridge
bridge`` and ``otpbridge worker`` (with its work horses) idle, after the inboxes, after mail.
"""

from __future__ import annotations

import argparse
from typing import Any

from harness import (
    ADDRESS_TEMPLATE,
    Deliverer,
    Stack,
    otp_mail,
    print_json,
    print_table,
    rss_bytes,
    wait_until,
)


def used_memory(stack: Stack) -> int:
    return int(stack.redis.info("memory")["used_memory"])


def key_usage(stack: Stack, inbox_ids: list[str], live: int, sample: int = 200) -> dict[str, float]:
    """Average ``MEMORY USAGE`` per inbox of each key family, over a sample of inboxes."""
    picked = inbox_ids[:sample]
    keys = stack.keys
    totals: dict[str, int] = {}
    for inbox_id in picked:
        owned = {
            "inbox": [keys.inbox(inbox_id)],
            "events": [keys.events(inbox_id)],
            "msgs": [keys.messages(inbox_id)],
            "pub": [keys.published(inbox_id)],
            "msg": [
                keys.message(inbox_id, mk.decode() if isinstance(mk, bytes) else str(mk))
                for mk in stack.redis.zrange(keys.messages(inbox_id), 0, -1)
            ],
        }
        for family, names in owned.items():
            for name in names:
                size = int(stack.redis.memory_usage(name, samples=0) or 0)
                totals[family] = totals.get(family, 0) + size
    out = {family: total / len(picked) for family, total in totals.items()}
    zset = int(stack.redis.memory_usage(keys.inboxes, samples=0) or 0)
    out["inboxes_zset_share"] = zset / live
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inboxes", type=int, default=10_000)
    parser.add_argument("--mails", type=int, default=200, help="mails delivered afterwards")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="tiny run (CI smoke test)")
    args = parser.parse_args()
    if args.quick:
        args.inboxes, args.mails = 300, 5

    with Stack() as stack:
        workers = stack.start_workers(args.workers)
        bridge = stack.start_bridge(fast_check_ms=50)
        rss: dict[str, dict[str, float]] = {"bridge": {}, "worker": {}}

        def snap(when: str) -> None:
            rss["bridge"][when] = rss_bytes(bridge.pid) / 2**20
            rss["worker"][when] = rss_bytes(workers.pid) / 2**20

        snap("idle")
        client = stack.sdk()
        before = used_memory(stack)
        inbox_ids = []
        for _ in range(args.inboxes):
            inbox_ids.append(client.inboxes.create(ttl=3600, label="bench").id)
        after = used_memory(stack)
        per_inbox = (after - before) / args.inboxes
        families = key_usage(stack, inbox_ids, len(inbox_ids))
        keys_per_inbox = sum(
            1 for _ in stack.redis.scan_iter(match=f"*{{{inbox_ids[0]}}}*", count=1000)
        )
        snap("inboxes")

        mail_ids = inbox_ids[: args.mails]
        deliverer = Deliverer(stack.dovecot)
        for n, inbox_id in enumerate(mail_ids):
            address = ADDRESS_TEMPLATE.format(id=inbox_id)
            deliverer.deliver(address, otp_mail(address, f"{200000 + n}"))
        deliverer.close()

        def extracted() -> bool:
            pipe = stack.redis.pipeline(transaction=False)
            for inbox_id in mail_ids:
                pipe.xlen(stack.keys.events(inbox_id))
            return sum(int(n) for n in pipe.execute()) >= 2 * len(mail_ids)

        wait_until(extracted, 120, "every mail to be extracted", step=0.2)
        # Only RQ bookkeeping may still settle (finished-job registries expire on their own).
        with_mail = used_memory(stack)
        per_mail = (with_mail - after) / max(1, len(mail_ids))
        mail_families = key_usage(stack, mail_ids, len(inbox_ids))
        snap("mail")

    result: dict[str, Any] = {
        "bench": "memory",
        "inboxes": args.inboxes,
        "redis_bytes_per_idle_inbox": per_inbox,
        "memory_usage_per_idle_inbox": families,
        "keys_per_idle_inbox": keys_per_inbox,
        "mails": len(mail_ids),
        "redis_bytes_per_mail": per_mail,
        "memory_usage_per_inbox_with_mail": mail_families,
        "mail_size_bytes": len(otp_mail(ADDRESS_TEMPLATE.format(id="x" * 20), "123456")),
        "rss_mb": rss,
    }
    print_table(
        f"Redis memory: {args.inboxes} idle inboxes, then {len(mail_ids)} mails",
        ["measure", "bytes"],
        [
            ["used_memory growth per idle inbox", per_inbox],
            *[[f"MEMORY USAGE {k} (per inbox)", v] for k, v in families.items() if v],
            ["used_memory growth per received+extracted mail", per_mail],
            *[[f"MEMORY USAGE {k} (inbox with 1 mail)", v] for k, v in mail_families.items() if v],
        ],
    )
    print_table(
        "RSS, MB (worker = the worker process and its children)",
        ["process", "idle", f"after {args.inboxes} inboxes", f"after {len(mail_ids)} mails"],
        [[name, v["idle"], v["inboxes"], v["mail"]] for name, v in rss.items()],
    )
    print_json(result)


if __name__ == "__main__":
    main()
