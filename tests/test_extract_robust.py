"""Bad input never raises: it gives kind none with an error, or a sane result, quickly."""

from __future__ import annotations

import random
import time

import pytest

from extract import extract_message

_HEADERS = b"From: a@b.example\r\nTo: c@d.example\r\nSubject: Your code\r\n"


def _html_mail(body: str) -> bytes:
    return (
        _HEADERS + b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    ) + body.encode()


@pytest.mark.parametrize("raw", [b"", b"   \r\n\r\n", b"\x00"])
def test_empty_input_gives_error(raw: bytes) -> None:
    result = extract_message(raw)
    assert result.kind == "none"
    assert result.error


def test_binary_garbage_does_not_raise() -> None:
    rng = random.Random(7)
    for _ in range(20):
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4000)))
        result = extract_message(raw)
        assert result.kind in {"none", "otp", "magic_link", "confirm_link", "reset_link"}
        assert result.code is None or 4 <= len(result.code) <= 10


def test_broken_mime_boundary_still_reads_text() -> None:
    raw = _HEADERS + (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="zz"\r\n\r\n'
        b"--zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Your verification code is 428193.\r\n"
        b"--zz\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"!!!not base64!!!\r\n"
    )
    result = extract_message(raw)
    assert result.error is None
    assert result.code == "428193"


def test_unknown_charset_falls_back() -> None:
    raw = _HEADERS + (
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Your verification code is =\r\n591730.\r\n"
    )
    result = extract_message(raw)
    assert result.error is None
    assert result.code == "591730"


def test_unclosed_tags_and_stray_end_tags() -> None:
    body = "<div><p>Your login code:<table><tr><td><b>730518</td></div></span></em><p>Bye"
    result = extract_message(_html_mail(body))
    assert result.code == "730518"


def test_ten_megabytes_of_html_is_bounded() -> None:
    filler = (
        "<tr><td>Row 2024 item 55.10 EUR</td><td><a href='https://x.example/p?id=1'>x</a></td></tr>"
    )
    body = "<table>" + filler * (10_000_000 // len(filler)) + "</table>"
    started = time.perf_counter()
    result = extract_message(_html_mail(body))
    elapsed = time.perf_counter() - started
    assert result.kind == "none"
    assert elapsed < 20


def test_one_megabyte_html_under_budget() -> None:
    para = "<p>Our weekly news: releases, events and 3 tips for your team.</p>"
    body = "<p>Your verification code is <b>604213</b></p>" + para * (1_000_000 // len(para))
    raw = _html_mail(body)
    extract_message(raw)  # warm caches and regex compilation
    started = time.perf_counter()
    result = extract_message(raw)
    elapsed = time.perf_counter() - started
    assert result.code == "604213"
    assert elapsed < 1.0  # the 200 ms goal is measured by tests/bench; CI machines vary
