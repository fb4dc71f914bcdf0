"""The pure wait logic: stream order, sender allowlists, expiry, failures."""

from __future__ import annotations

import pytest

from otpbridge.bridge.errors import ExtractionFailedError, WatcherDownError
from otpbridge.bridge.sdk.matching import (
    PENDING_GRACE_S,
    Pick,
    StreamMatcher,
    WaitFor,
    sender_allowed,
    stream_id_after,
)
from otpbridge.bridge.sdk.models import Link, Message, Otp
from otpbridge.bridge.sdk.records import (
    check_watchers,
    new_inbox_id,
    normalize_senders,
    render_address,
)
from otpbridge.worker.keys import INBOX_ID_RE

NOW = 1_800_000_000_000


def _received(mk: str, sender: str = "Acme <no-reply@acme.example>") -> dict[str, str]:
    return {
        "type": "received",
        "message_key": mk,
        "from": sender,
        "subject": "Code",
        "received_at": str(NOW - 1000),
    }


def _extracted(
    mk: str, code: str = "", link: str = "", link_kind: str = "", expires_at: str = ""
) -> dict[str, str]:
    return {
        "type": "extracted",
        "message_key": mk,
        "kind": "otp" if code else "confirm_link",
        "code": code,
        "link": link,
        "link_kind": link_kind,
        "confidence": "0.9",
        "expires_at": expires_at,
        "result": "{}",
        "extracted_at": str(NOW),
    }


def test_stream_ids_compare_numerically() -> None:
    assert stream_id_after("10-0", "9-5")
    assert stream_id_after("9-10", "9-9")
    assert not stream_id_after("9-9", "9-9")
    assert stream_id_after("1-0", None)


@pytest.mark.parametrize(
    ("sender", "allowed", "ok"),
    [
        ("GitHub <noreply@github.com>", ("github.com",), True),
        ("x@mail.github.com", ("github.com",), True),
        ("x@evilgithub.com", ("github.com",), False),
        ("x@github.com.evil.example", ("github.com",), False),
        ("Ops <ops@corp.example>", ("ops@corp.example",), True),
        ("other@corp.example", ("ops@corp.example",), False),
        ("not an address", ("github.com",), False),
        ("anyone@anywhere.example", (), True),
    ],
)
def test_sender_allowed(sender: str, allowed: tuple[str, ...], ok: bool) -> None:
    assert sender_allowed(sender, allowed) is ok


def test_otp_above_the_floor_skips_expired_and_foreign() -> None:
    m = StreamMatcher(WaitFor("otp"), ("acme.example",), floors={"code": "2-0"}, now_ms=NOW)
    assert m.feed("1-0", _received("a")) is None
    assert m.feed("2-0", _extracted("a", code="111111")) is None  # at the floor: handed out
    assert m.feed("3-0", _received("b", "Evil <x@evil.example>")) is None
    assert m.feed("4-0", _extracted("b", code="666666")) is None  # foreign sender
    assert m.feed("5-0", _received("c")) is None
    assert m.feed("6-0", _extracted("c", code="222222", expires_at=str(NOW - 1))) is None
    assert m.feed("7-0", _received("d")) is None
    found = m.feed("8-0", _extracted("d", code="333333", expires_at=str(NOW + 60_000)))
    assert isinstance(found, Otp)
    assert found.code == "333333"
    assert found.message.message_key == "d"
    assert found.expires_at is not None


def test_link_kind_filter_and_message_filters() -> None:
    m = StreamMatcher(WaitFor("link", link_kind="reset_link"), (), floors={}, now_ms=NOW)
    m.feed("1-0", _received("a"))
    assert (
        m.feed("2-0", _extracted("a", link="https://x.example/c", link_kind="confirm_link")) is None
    )
    m.feed("3-0", _received("b"))
    found = m.feed("4-0", _extracted("b", link="https://x.example/r", link_kind="reset_link"))
    assert isinstance(found, Link)
    assert found.kind == "reset_link"

    mm = StreamMatcher(WaitFor("message", subject="code", from_="acme"), (), {}, NOW)
    assert isinstance(mm.feed("1-0", _received("a")), Message)


def test_failed_event_raises_only_for_allowed_or_unknown_senders() -> None:
    m = StreamMatcher(WaitFor("otp"), ("acme.example",), floors={}, now_ms=NOW)
    m.feed("1-0", _received("a", "x@evil.example"))
    assert m.feed("2-0", {"type": "failed", "message_key": "a", "error": "boom"}) is None
    m.feed("3-0", _received("b"))
    with pytest.raises(ExtractionFailedError, match="boom"):
        m.feed("4-0", {"type": "failed", "message_key": "b", "error": "boom"})
    # The bridge fails oversize mail before any received event: raises without an allowlist.
    open_m = StreamMatcher(WaitFor("otp"), (), floors={}, now_ms=NOW)
    with pytest.raises(ExtractionFailedError, match="too large"):
        open_m.feed("1-0", {"type": "failed", "message_key": "z", "error": "too large"})


def test_inbox_ids_addresses_and_senders() -> None:
    ids = {new_inbox_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(INBOX_ID_RE.match(i) for i in ids)
    assert render_address("agents+{id}@corp.example", "abc") == "agents+abc@corp.example"
    with pytest.raises(Exception, match="placeholder"):
        render_address("agents@corp.example", "abc")
    assert normalize_senders([" @GitHub.com ", "Ops@Corp.Example"]) == (
        "github.com",
        "ops@corp.example",
    )


def test_watcher_checks() -> None:
    check_watchers({"mb:INBOX": NOW - 5_000, "old:INBOX": None}, NOW, 60)
    with pytest.raises(WatcherDownError, match="no bridge has ever run"):
        check_watchers({}, NOW, 60)
    with pytest.raises(WatcherDownError, match="120 s ago"):
        check_watchers({"mb:INBOX": NOW - 120_000}, NOW, 60)


def _pick(what: str = "otp") -> tuple[StreamMatcher, Pick]:
    matcher = StreamMatcher(WaitFor(what), (), floors={}, now_ms=NOW)  # type: ignore[arg-type]
    return matcher, Pick(matcher)


def _feed(matcher: StreamMatcher, pick: Pick, entries: list[tuple[str, dict[str, str]]]) -> None:
    for entry_id, fields in entries:
        pick.offer(entry_id, matcher.feed(entry_id, fields))


def test_pick_prefers_the_newest_code_of_the_backlog() -> None:
    matcher, pick = _pick()
    _feed(
        matcher,
        pick,
        [
            ("1-0", _received("a")),
            ("2-0", _extracted("a", code="111111")),
            ("3-0", _received("b")),
            ("4-0", _extracted("b", code="222222")),
        ],
    )
    assert pick.ready(0.0)
    assert isinstance(pick.best, Otp)
    assert (pick.best.code, pick.best_id) == ("222222", "4-0")


def test_pick_waits_briefly_for_a_newer_mail_still_being_extracted() -> None:
    matcher, pick = _pick()
    _feed(
        matcher,
        pick,
        [("1-0", _received("a")), ("2-0", _extracted("a", code="111111")), ("3-0", _received("b"))],
    )
    assert not pick.ready(100.0)
    assert pick.block_limit(100.0) == PENDING_GRACE_S
    _feed(matcher, pick, [("4-0", _extracted("b", code="222222"))])
    assert pick.ready(100.5)
    assert isinstance(pick.best, Otp)
    assert pick.best.code == "222222"


def test_pick_settles_for_what_it_has_after_the_grace() -> None:
    matcher, pick = _pick()
    _feed(
        matcher,
        pick,
        [("1-0", _received("a")), ("2-0", _extracted("a", code="111111")), ("3-0", _received("b"))],
    )
    assert not pick.ready(100.0)
    assert pick.ready(100.0 + PENDING_GRACE_S)
    assert isinstance(pick.best, Otp)
    assert pick.best.code == "111111"


def test_message_waits_consume_in_order() -> None:
    matcher, pick = _pick("message")
    _feed(matcher, pick, [("1-0", _received("a")), ("2-0", _received("b"))])
    assert pick.ready(0.0)
    assert isinstance(pick.best, Message)
    assert pick.best.message_key == "a"


def test_floors_are_per_slot_and_windows_narrow() -> None:
    # A consumed code does not hide links; one link kind does not supersede another.
    floors = {"code": "4-0", "link:confirm_link": "4-0"}
    m = StreamMatcher(WaitFor("link", link_kind="any"), (), floors=floors, now_ms=NOW)
    m.feed("1-0", _received("a"))
    assert m.feed("2-0", _extracted("a", link="https://x/c", link_kind="confirm_link")) is None
    m.feed("3-0", _received("b"))
    found = m.feed("4-0", _extracted("b", link="https://x/m", link_kind="magic_link"))
    assert isinstance(found, Link)
    assert found.kind == "magic_link"
    # since: only mail the bridge routed at or after that time (the stream id's clock).
    s = StreamMatcher(WaitFor("otp"), (), floors={}, now_ms=NOW, since_ms=3)
    s.feed("2-0", _received("a"))
    assert s.feed("3-0", _extracted("a", code="111111")) is None
    s.feed("5-0", _received("b"))
    assert isinstance(s.feed("6-0", _extracted("b", code="222222")), Otp)
    # after: only mail routed after that message.
    a = StreamMatcher(WaitFor("otp"), (), floors={}, now_ms=NOW, after_key="b")
    a.feed("1-0", _received("a"))
    a.feed("2-0", _received("b"))
    assert a.feed("3-0", _extracted("a", code="111111")) is None
    assert a.feed("4-0", _extracted("b", code="222222")) is None
    a.feed("5-0", _received("c"))
    assert isinstance(a.feed("6-0", _extracted("c", code="333333")), Otp)
