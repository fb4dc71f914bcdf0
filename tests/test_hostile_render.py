"""Rendering hostile mail for ``list_emails``: the worker renders every mail it extracts
(:func:`worker.mailbody.render`), so it returns quickly, small and without raising whatever the
bytes (issue 14); the agent then only reads what was stored."""

from __future__ import annotations

import base64
import random
import time
import tracemalloc
from pathlib import Path

import pytest

from otpbridge.worker.mailbody import (
    MAX_TEXT_CHARS,
    STORED_HTML_CHARS,
    STORED_TEXT_CHARS,
    Rendered,
    html_to_text,
    render,
)

GOLDEN = Path(__file__).parent / "golden"
_MB = 1024 * 1024


def _parse(raw: bytes) -> Rendered:
    return render(raw)


def _nested_multipart(depth: int, inner: bytes = b"Your code is 482913\r\n") -> bytes:
    opens = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
        for i in range(depth)
    )
    closes = b"".join(b"\r\n--b%d--\r\n" % i for i in reversed(range(depth)))
    leaf = b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + inner
    return b"From: a@b.example\r\nMIME-Version: 1.0\r\n" + opens + leaf + closes


def _html_mail(html: bytes) -> bytes:
    return b"From: a@b.example\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html


def _bounded(raw: bytes, *, seconds: float = 10.0, trace: bool = True) -> Rendered:
    """Parse ``raw`` timed, then (``trace``) again under tracemalloc: the peak of the Python
    heap stays under 50 MB (tracemalloc slows allocation down, hence two runs)."""
    _parse(_html_mail(b"<p>warm-up</p>"))  # the lazy imports are not the mail's cost
    began = time.perf_counter()
    email = _parse(raw)
    elapsed = time.perf_counter() - began
    assert elapsed < seconds, f"{elapsed:.1f} s"
    assert len(email.text) <= MAX_TEXT_CHARS
    assert email.html is None or len(email.html) <= STORED_HTML_CHARS
    if trace:
        tracemalloc.start()
        try:
            _parse(raw)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 50 * _MB, f"peak {peak / _MB:.0f} MB"
    return email


def test_thousand_level_multipart_does_not_recurse() -> None:
    raw = _nested_multipart(1000)
    email = _bounded(raw)
    assert email.text == ""  # the part is deeper than anything real mail nests: skipped
    assert email.html is None


def test_moderately_nested_multipart_is_still_read() -> None:
    assert "482913" in _bounded(_nested_multipart(12)).text


def test_twenty_thousand_nested_blockquotes_render_small() -> None:
    html = b"<p>Your code is 482913</p>" + b"<blockquote>quoted " * 20_000
    assert 250_000 < len(html) < 400_000
    email = _bounded(_html_mail(html))
    assert "482913" in email.text
    assert len(email.text) < 1_000_000
    assert ">" * 9 not in email.text  # nesting beyond a few levels renders flat
    assert email.html is not None
    assert email.html.startswith("<p>Your code is 482913</p>")


@pytest.mark.parametrize(
    "html",
    [
        b"<ul><li>item " * 20_000,  # list indentation grows per level like quotes do
        b"<ol><li>" * 30_000 + b"</ol>" * 30_000,
        b"<!--x>" * 50_000,  # unterminated constructs: the stdlib parser rescans per opener
        b"<a<a" * 60_000,
        b"</" * 100_000,
        b"<![if x>" * 40_000,
        b"&" * 300_000,
        b"<p>" + b"x" * (3 * _MB),
    ],
)
def test_html_bombs_render_bounded(html: bytes) -> None:
    email = _bounded(_html_mail(html), trace=len(html) > _MB)
    assert email.html is not None


def test_many_parts_and_huge_headers_are_cut() -> None:
    many = b"".join(b"--m\r\nContent-Type: text/x-junk\r\n\r\nj\r\n" for _ in range(100_000))
    raw = (
        b'Content-Type: multipart/mixed; boundary="m"\r\n\r\n'
        + many
        + b"--m\r\nContent-Type: text/plain\r\n\r\nlate 482913\r\n--m--\r\n"
    )
    assert _bounded(raw).text == ""  # past the part budget

    params = b"; ".join(b"p%d=v" % i for i in range(40_000))
    raw = b"Content-Type: text/plain; " + params + b"\r\nX: " + b"y" * _MB + b"\r\n\r\nbody 482913"
    assert "482913" in _bounded(raw).text

    lines = b"".join(b"X-H%d: v\r\n" % i for i in range(200_000))
    _bounded(lines + b"\r\nbody\r\n")


def test_large_bodies_are_capped() -> None:
    plain = b"Content-Type: text/plain\r\n\r\n" + b"0123456789\r\n" * 1_000_000
    assert len(_bounded(plain).text) == STORED_TEXT_CHARS
    encoded = base64.encodebytes(b"<p>" + b"y" * 3 * _MB)
    raw = b"Content-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n" + encoded
    email = _bounded(raw)
    assert email.html is not None
    assert len(email.html) == STORED_HTML_CHARS


def test_ordinary_mail_still_reads_as_before() -> None:
    raw = (
        b"From: a@b.example\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="outer"\r\n\r\npreamble\r\n'
        b'--outer\r\nContent-Type: multipart/alternative; boundary="outer-alt"\r\n\r\n'
        b"--outer-alt\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\nCode: 482913 f=FCr dich\r\n"
        b"--outer-alt\r\nContent-Type: text/html; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes("<p>Code: <b>482913</b> für dich</p>".encode())
        + b"--outer-alt--\r\n"
        b"--outer\r\nContent-Type: text/plain\r\nContent-Disposition: attachment\r\n\r\n"
        b"attached 999999\r\n--outer--\r\nepilogue\r\n"
    )
    email = _parse(raw)
    assert email.text == "Code: 482913 für dich"
    assert email.html == "<p>Code: <b>482913</b> für dich</p>"

    html_only = _parse(_html_mail(b"<table><tr><td><p>Hi,</p><p>code: 482913</p></td></tr>"))
    assert "Hi, code: 482913" in html_only.text
    assert _parse(b"no header at all").text == "no header at all"
    assert _parse(b"Subject: x\n\n\xff\xfe body").text == "\ufffd\ufffd body"
    assert _parse(b"").text == ""


def test_golden_mails_keep_their_bodies() -> None:
    for path in sorted(GOLDEN.glob("*.eml"))[:60]:
        email = _parse(path.read_bytes())
        assert email.text.strip() or email.html, path.name


def _mutations(rng: random.Random, seeds: list[bytes]) -> list[bytes]:
    pieces = [
        b"\r\n",
        b"\n\n",
        b"--",
        b"Content-Type: multipart/mixed; boundary=",
        b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\n',
        b"Content-Type: text/html; charset=",
        b"Content-Transfer-Encoding: base64\r\n",
        b"Content-Transfer-Encoding: quoted-printable\r\n",
        b"charset=unknown-8bit",
        b"charset=base64",
        b"charset=utf-16",
        b"=?utf-8?b?",
        b"<blockquote>",
        b"<!--",
        b"<![CDATA[",
        b"<script>",
        b"=\r\n",
        b"=ZZ",
        b"\x00",
        b"\xff\xfe",
        b"boundary*0=",
        b";;;;",
        b'"',
    ]
    out: list[bytes] = []
    for _ in range(300):
        mail = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 8)):
            op = rng.randrange(5)
            at = rng.randrange(len(mail) + 1)
            if op == 0 and mail:
                mail[rng.randrange(len(mail))] = rng.randrange(256)
            elif op == 1:
                mail[at:at] = rng.choice(pieces)
            elif op == 2:
                del mail[at : at + rng.randint(1, 200)]
            elif op == 3:
                mail[at:at] = mail[rng.randrange(len(mail) + 1) :][: rng.randint(1, 2000)]
            else:
                mail[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        out.append(bytes(mail))
    return out


def test_fuzzed_mail_never_raises() -> None:
    rng = random.Random(14)
    seeds = [p.read_bytes() for p in sorted(GOLDEN.glob("*.eml"))[::10]]
    seeds += [_nested_multipart(30), _html_mail(b"<blockquote>x" * 200)]
    seeds += [bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000))) for _ in range(20)]
    began = time.perf_counter()
    for mail in _mutations(rng, seeds) + seeds:
        email = _parse(mail)
        assert isinstance(email.text, str)
        assert len(email.text) <= MAX_TEXT_CHARS
    assert time.perf_counter() - began < 60


def test_html_to_text_never_raises_on_odd_markup() -> None:
    for markup in ("", "<", "<![", "<!", "</", "<?", "&#xffffffff;", "&#0;", "<a href='>", "\x00"):
        assert isinstance(html_to_text(markup), str)
