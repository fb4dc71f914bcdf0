"""``otpbridge wait`` that times out while mail did arrive says why, and ``otpbridge inbox show``
lists each mail's verdict — against a real Redis, with the real worker's results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from email.message import EmailMessage

import pytest
import redis
from pipeline_helpers import Ingest, code_mail, heartbeat, link_mail, run_jobs

from otpbridge.bridge.cli import main
from otpbridge.bridge.sdk import Client

ADDRESS = "agents+{id}@corp.example"
_CLI = "import sys; from otpbridge.bridge.cli import main; sys.exit(main())"


def _order_mail(to: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Shop <orders@shop.example.com>"
    msg["To"] = to
    msg["Delivered-To"] = to
    msg["Subject"] = "Your order has shipped"
    msg.set_content(
        "Thanks for shopping with us. Your order number 4471902 is on its way; "
        "track it in your account.\n"
    )
    return msg.as_bytes()


def _start_wait(redis_url: str, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
    env.update(OTPBRIDGE_REDIS_URL=redis_url, OTPBRIDGE_ADDRESS=ADDRESS)
    return subprocess.Popen(
        [sys.executable, "-c", _CLI, "wait", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=30)
    return proc.returncode, out, err


@pytest.fixture
def client(redis_url: str) -> Client:
    c = Client.from_url(redis_url, address=ADDRESS, name="agent-a")
    heartbeat(c.redis, c.keys)
    return c


@pytest.fixture
def ingest(redis_client: redis.Redis) -> Ingest:
    return Ingest(redis_client)


def _arrive(ingest: Ingest, redis_url: str, inbox_id: str, *mails: bytes) -> None:
    """Mail arrives while the wait runs (after it began), and the worker extracts it."""
    time.sleep(1.0)
    for raw in mails:
        ingest.deliver(inbox_id, raw)
    run_jobs(redis_url)


def test_timeout_names_the_rejected_candidate(
    client: Client, ingest: Ingest, redis_url: str
) -> None:
    inbox = client.inboxes.create()
    ingest.deliver(inbox.id, _order_mail(inbox.email))  # before: not "arrived"
    run_jobs(redis_url)
    proc = _start_wait(redis_url, inbox.id, "--timeout", "4")
    _arrive(ingest, redis_url, inbox.id, _order_mail(inbox.email))
    code, out, err = _finish(proc)
    assert code == 1
    assert out == ""
    line = err.strip()
    assert "\n" not in line, err
    assert line.startswith("otpbridge wait: nothing within 4 s \u2014 1 mail arrived, no code: ")
    assert "best candidate 4471902 rejected" in line


def test_timeout_json_masks_codes_handed_to_others_and_never_shows_link_tokens(
    client: Client, ingest: Ingest, redis_url: str
) -> None:
    inbox = client.inboxes.create()
    # The wait is for a reset link: the code goes to another agent, the link is of another kind.
    proc = _start_wait(redis_url, inbox.id, "--kind", "reset_link", "--timeout", "5", "--json")
    url = "https://app.example.com/verify?t=Zq81kP0xTokenSecret"
    _arrive(
        ingest,
        redis_url,
        inbox.id,
        code_mail(inbox.email, "731904", subject="731904 is your code"),
        link_mail(inbox.email, url),
    )
    # Another agent takes the code first.
    other = Client.from_url(redis_url, address=ADDRESS, name="agent-b")
    try:
        assert other.messages.wait_for_otp(inbox.id, timeout=5) is not None
    finally:
        other.close()
    code, out, err = _finish(proc)
    assert code == 1
    report = json.loads(out)
    assert report["status"] == "timeout"
    assert report["mails_arrived"] == 2
    states = [(v["kind"], v["code_handed_out"]) for v in report["verdicts"]]
    assert states == [("confirm_link", False), ("otp", True)]
    for text in (out, err):
        assert "731904" not in text
        assert "Zq81kP0x" not in text
    assert "it carries a confirm_link, not a reset_link" in err
    assert "no link: no link-shaped candidate; it carries a code" in err
    assert len(err.strip().splitlines()) == 3  # the head, one line per mail


def test_timeout_without_mail_says_none_arrived(client: Client, redis_url: str) -> None:
    inbox = client.inboxes.create()
    code, out, err = _finish(_start_wait(redis_url, inbox.id, "--timeout", "0.5", "--json"))
    assert code == 1
    assert json.loads(out)["mails_arrived"] == 0
    assert err.strip() == "otpbridge wait: nothing within 0.5 s (no mail arrived)"


def test_inbox_show_lists_verdicts_and_reasons(
    client: Client,
    ingest: Ingest,
    redis_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTPBRIDGE_REDIS_URL", redis_url)
    monkeypatch.setenv("OTPBRIDGE_ADDRESS", ADDRESS)
    inbox = client.inboxes.create(allowed_senders=["accounts.example.com"])
    ingest.deliver(inbox.id, _order_mail(inbox.email))  # refused: not an allowed sender
    ingest.deliver(inbox.id, code_mail(inbox.email, "582913"))
    run_jobs(redis_url)
    capsys.readouterr()  # the worker's log lines

    assert main(["inbox", "show", inbox.id]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith(f"{inbox.id}\t{inbox.email}")
    assert "senders: accounts.example.com; 2 recent mail(s)" in lines[1]
    assert "extracted otp" in lines[2]
    assert any(line.strip().startswith("code 582913 chosen") for line in lines)
    assert any("refused" in line and "orders@shop.example.com" in line for line in lines)

    assert main(["inbox", "show", inbox.id, "--json", "--limit", "1"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["inbox"]["id"] == inbox.id
    assert [v["state"] for v in shown["verdicts"]] == ["extracted"]
    assert shown["verdicts"][0]["reasons"]
    assert shown["verdicts"][0]["code_handed_out"] is False

    assert main(["inbox", "show", "a" * 20]) == 2
    assert "does not exist" in capsys.readouterr().err
