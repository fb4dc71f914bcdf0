"""extract.parse.quotes: where a reply's or forward's quote starts, and its bounds on hostile text.

The whole-mail behaviour is in the goldens (tests/golden/quote-*); these pin the markers."""

from __future__ import annotations

import random
import time

import pytest

from otpbridge.extract.parse.quotes import is_reply_subject, quote_start, strip_quotes

OLD = "Your verification code is 482913."


@pytest.mark.parametrize(
    "marker",
    [
        "On Mon, 7 Dec 2026 at 10:02, Brightmoor <no-reply@brightmoor.example> wrote:",
        "Am Mo., 7. Dez. 2026 um 10:02 Uhr schrieb Brightmoor <no-reply@brightmoor.example>:",
        "Le lun. 7 déc. 2026 à 10:02, Brightmoor a écrit :",
        "El lun, 7 dic 2026 a las 10:02, Brightmoor escribió:",
        "Brightmoor <no-reply@brightmoor.example> 于2026年12月7日周一 10:02写道：",
        "-----Original Message-----",
        "---------- Forwarded message ---------",
        "Begin forwarded message:",
        "From: Brightmoor\nSent: Monday\nTo: robin@vale-home.example\nSubject: Your code",
        "差出人: Brightmoor\n送信日時: 2026年12月7日\n件名: Your code",
    ],
)
def test_markers_start_the_quote(marker: str) -> None:
    text = f"Thanks, sorted.\n\n{marker}\n{OLD}\n"
    assert quote_start(text) == text.index(marker)
    assert strip_quotes([text], [], "Re: Your code").plain == ("Thanks, sorted.",)


def test_no_new_content_above_keeps_the_forwarded_mail() -> None:
    text = f"---------- Forwarded message ---------\nFrom: A\nDate: Mon\nSubject: B\n\n{OLD}"
    out = strip_quotes([text], [], "Your code")
    assert out.plain == (text,)
    assert not out.cut


def test_sign_in_details_are_no_header_block() -> None:
    text = f"Sign-in request\n\nFrom: Firefox on Linux\nDate: Mon\nTo: robin@x.example\n\n{OLD}"
    assert quote_start(text) == -1


def test_html_container_cut_and_subject_dropped() -> None:
    html = f'<div>Done, thanks</div><div class="gmail_quote"><p>{OLD}</p></div>'
    out = strip_quotes([], [html], "Re: 482913 is your code")
    assert out.html == ("<div>Done, thanks</div>",)
    assert out.subject == ""
    assert out.cut


def test_reply_prefixes() -> None:
    for subject in ("Re: x", "AW: x", "SV: x", "Odp: x", "回复：x", "RE[2]: x", "Fwd: x", "WG: x"):
        assert is_reply_subject(subject), subject
    assert not is_reply_subject("Your Reset code")


@pytest.mark.parametrize(
    "text",
    [
        "From: x\nSubject y\n" * 6000,
        "wrote " * 20000,
        ("x wrote " * 50 + "\n") * 300,
        ("original message " * 20 + "\n") * 300,
        "commented on\n" * 10000,
        "> a\n" * 30000,
    ],
)
def test_hostile_text_is_bounded(text: str) -> None:
    start = time.process_time()
    strip_quotes([text], [text.replace("\n", "<br>")], "Re: x")
    assert time.process_time() - start < 1.0


def test_random_text_never_raises() -> None:
    rng = random.Random(10)
    alphabet = "<>/=\"' \n:-_*&;#abcdefwrote写道From Subject blockquote type=cite gmail_quote"
    for _ in range(300):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 400)))
        strip_quotes([s], [s], s[:40])
