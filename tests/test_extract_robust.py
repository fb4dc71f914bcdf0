"""Bad input never raises: it gives kind none with an error, or a sane result, quickly."""

from __future__ import annotations

import base64
import random
import time

import pytest

from otpbridge.extract import Extraction, extract_message
from otpbridge.extract.parse.reader import parse_document

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
        # Codes are 4-12 characters; a passphrase of small words keeps its hyphens (DESIGN §6).
        code = result.code
        assert code is None or 4 <= len(code) <= 12 or (code.count("-") >= 2 and len(code) <= 64)


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


@pytest.mark.parametrize("charset", ["ISO-2022-JP", "utf-7", "hz"])
@pytest.mark.parametrize("cte", ["7bit", ""])
def test_seven_bit_shifting_charsets_are_decoded(charset: str, cte: str) -> None:
    """Their bytes are all ASCII, yet they are no ASCII text: the label decides."""
    text = "确认码 482913" if charset == "hz" else "確認コード 482913"
    header = f"Content-Transfer-Encoding: {cte}\r\n" if cte else ""
    raw = (
        _HEADERS
        + (
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}\r\n{header}\r\n"
        ).encode()
        + text.encode(charset.lower())
    )
    assert raw.isascii()
    assert parse_document(raw).plain_text.strip() == text


def test_ascii_under_a_wrong_label_stays_ascii() -> None:
    raw = _HEADERS + (
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-16\r\n\r\n"
        b"Your verification code is 591730."
    )
    assert extract_message(raw).code == "591730"


def test_unclosed_tags_and_stray_end_tags() -> None:
    body = "<div><p>Your login code:<table><tr><td><b>730518</td></div></span></em><p>Bye"
    result = extract_message(_html_mail(body))
    assert result.code == "730518"


def _timed(raw: bytes) -> tuple[Extraction, float]:
    started = time.perf_counter()
    result = extract_message(raw)
    return result, time.perf_counter() - started


_ROW = "<tr><td>Row 2024 item 55.10 EUR</td><td><a href='https://x.example/p?id=1'>x</a></td></tr>"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("<table>" + _ROW * (10_000_000 // len(_ROW)) + "</table>", id="one-line"),
        pytest.param(("<p>Row 2024 <b>55.10</b> EUR</p>\r\n") * 300_000, id="many-lines"),
        pytest.param("<p>hi</p><!--" + "x" * 10_000_000, id="unclosed-comment"),
        pytest.param('<div title="' + "x" * 10_000_000, id="unclosed-attribute"),
    ],
)
def test_ten_megabytes_of_html_is_bounded(body: str) -> None:
    result, elapsed = _timed(_html_mail(body))
    assert result.error is None
    assert result.kind == "none"
    assert elapsed < 10  # ~0.3 s on a laptop core; generous for loaded CI machines


def test_ten_megabytes_base64_html_is_bounded() -> None:
    body = base64.encodebytes(("<p>Row 2024 item <b>55.10</b> EUR</p>" * 270_000).encode())
    raw = _HEADERS + (
        b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
    )
    result, elapsed = _timed(raw + body)
    assert result.error is None
    assert elapsed < 10


# Inputs that html.parser (Python < 3.13.4) scans in quadratic time, or that other stages did:
# each took from seconds to minutes at these sizes before being defused.
@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        pytest.param("<a" * 500_000, "html", id="unterminated-start-tags"),
        pytest.param("</" * 500_000, "html", id="unterminated-end-tags"),
        pytest.param("<?" * 500_000, "html", id="unterminated-processing-instructions"),
        pytest.param("<!--x>" * 170_000, "html", id="unclosed-comments"),
        pytest.param("<![CDATA[x>" * 100_000, "html", id="unclosed-sections"),
        pytest.param("<p>" + "x" * 1_000_000 + "</p>", "html", id="one-long-word"),
        pytest.param("<a href='https://x.example/a?b=1'>" * 30_000, "plain", id="urls-on-one-line"),
    ],
)
def test_hostile_markup_is_bounded(body: str, ctype: str) -> None:
    raw = _HEADERS + (
        f"MIME-Version: 1.0\r\nContent-Type: text/{ctype}; charset=utf-8\r\n\r\n".encode()
    )
    result, elapsed = _timed(raw + body.encode())
    assert result.error is None
    assert elapsed < 10


def test_unknown_marked_section_does_not_lose_the_mail() -> None:
    # html.parser raises on "<![name[" with a name it does not know; the code must survive.
    body = "<p>Your verification code is <b>318604</b></p><![foo[ broken ]]><p>Thanks</p>"
    result = extract_message(_html_mail(body))
    assert result.error is None
    assert result.code == "318604"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param(
            "<div><span>Enter this verification code</span><table><tr><td><b>482913</b>"
            "</td></tr></table><span>It expires in 10 minutes.</span></div>",
            "482913",
            id="span-then-table",
        ),
        pytest.param(
            "<p>Hi,</p><center>Your verification code</center><center><b>604213</b></center>",
            "604213",
            id="center-blocks",
        ),
        pytest.param(
            "<section>Use this code to sign in</section><section><b>559021</b></section>",
            "559021",
            id="sections",
        ),
    ],
)
def test_minified_blocks_do_not_run_into_each_other(body: str, code: str) -> None:
    # No whitespace between block elements: their texts must still be separate words.
    assert extract_message(_html_mail(body)).code == code


def _heavy_newsletter(code_line: str) -> str:
    """~1 MB of realistic mail HTML: most of it markup nobody sees, the code near the end."""
    logo = "data:image/png;base64," + "iVBORw0KGgo" * 4_000
    css = "<style>" + ".c{color:#333;margin:0;padding:0 4px}\n" * 800 + "</style>"
    parts = [f"<html><head>{css}</head><body>"]
    for i in range(260):
        parts.append(
            f"<!--[if mso]><table role='presentation'><tr><td width='600'><![endif]-->"
            f"<table class='row' data-track='{'t' * 2500}'><tr>"
            f"<td style='padding:8px'><img src='{logo if i % 40 == 0 else 'cid:x'}' alt=''></td>"
            f"<td>Story {i}: our team shipped 3 features this week.</td></tr></table>"
            "<!--[if mso]></td></tr></table><![endif]-->"
        )
    parts.append(f"<p>{code_line}</p></body></html>")
    return "".join(parts)


def test_code_late_in_a_one_megabyte_mail_is_found() -> None:
    body = _heavy_newsletter("Your verification code is <b>806142</b>")
    assert len(body) > 1_000_000
    result, elapsed = _timed(_html_mail(body))
    assert result.code == "806142"
    assert elapsed < 5


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
