"""Hostile mail for the extractor: bombs an attacker measured, and seeded golden mutations.

Every builder returns raw RFC 5322 bytes of at most ~10 MiB (the bridge's default
OTPBRIDGE_MAX_MESSAGE_BYTES). Builders that take a ``code`` put "Your verification code is
<code>" in the body, so a test can check that the hostile part degraded only itself. The
mutators are deterministic for a given ``random.Random``: a failing mutation can be rebuilt
from its seed.
"""

from __future__ import annotations

import base64
import random
import re
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "BOMBS",
    "GOLDEN",
    "MAX_MESSAGE_BYTES",
    "bad_charset_header_with_code",
    "bad_xmailer_with_code",
    "base64_garbage_bomb",
    "cc_group_bomb",
    "deep_multipart_bomb",
    "dense_html_parts_bomb",
    "encoded_display_name_forgery",
    "encoded_from_bomb",
    "encoded_word_subject_bomb",
    "encoded_word_xheader_bomb",
    "folded_subject_bomb",
    "from_group_bomb",
    "goldens",
    "html_anchor_bomb",
    "huge_attachment_bomb",
    "long_header_line_bomb",
    "many_headers_bomb",
    "many_parts_bomb",
    "mutate_bytes",
    "mutate_header",
    "mutate_structure",
    "nested_blockquote_bomb",
    "nul_header_with_code",
    "number_soup_bomb",
    "punycode_charset_bomb",
    "quoted_printable_bomb",
    "unclosed_boundaries_bomb",
]

MAX_MESSAGE_BYTES = 10 * 1024 * 1024
GOLDEN = Path(__file__).resolve().parent / "golden"
CODE = "739215"

_HEAD = "From: Service <no-reply@service.example>\r\nTo: agents+k3v9q2m7x1@corp.example\r\n"


def _text_mail(headers: str, code: str = CODE, subject: str = "Your code") -> bytes:
    return (
        f"{_HEAD}Subject: {subject}\r\n{headers}"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Your verification code is {code}. It expires in 10 minutes.\r\n"
    ).encode()


def _folded_words(word: str, count: int) -> str:
    """``count`` copies of ``word``, folded onto continuation lines of ~76 chars."""
    per_line = max(1, 74 // (len(word) + 1))
    line = " ".join([word] * per_line)
    full, rest = divmod(count, per_line)
    lines = [line] * full + ([" ".join([word] * rest)] if rest else [])
    return "\r\n ".join(lines)


def encoded_word_subject_bomb(words: int = 340_000, code: str = CODE) -> bytes:
    """A Subject of ``words`` RFC 2047 encoded words: quadratic in ``decode_header``."""
    subject = _folded_words("=?utf-8?b?QUJD?=", words)
    return _text_mail("", code, subject=subject)


def encoded_word_xheader_bomb(words: int = 340_000, code: str = CODE) -> bytes:
    """The same bomb in an X-header nobody needs to decode (125 s in ``decode_header``)."""
    return _text_mail(f"X-Campaign: {_folded_words('=?utf-8?q?A=42C?=', words)}\r\n", code)


def folded_subject_bomb(size: int = 8_800_000, code: str = CODE) -> bytes:
    """One Subject of ``size`` chars of folded words that look like link cues."""
    return _text_mail("", code, subject=_folded_words("confirm sign-in link", size // 21))


def long_header_line_bomb(size: int = 9_000_000, code: str = CODE) -> bytes:
    """An unfolded 9 MB header line made of many ``=?`` starts that never close."""
    return _text_mail(f"X-Junk: {'=?utf-8?q?' * (size // 10)}\r\n", code)


def many_headers_bomb(count: int = 340_000, code: str = CODE) -> bytes:
    """``count`` short headers (10 MB of header section)."""
    headers = "".join(f"X-H{i % 97}: =?utf-8?q?v{i}?=\r\n" for i in range(count))
    return _text_mail(headers, code)


def cc_group_bomb(groups: int = 2000, code: str = CODE) -> bytes:
    """``Cc: `` followed by ``a: `` 2,000 times: nested address groups."""
    return _text_mail("Cc: " + "a: " * groups + "\r\n", code)


def from_group_bomb(groups: int = 200_000, code: str = CODE) -> bytes:
    """A From header that is ``a: `` repeated: the address parser must not go quadratic."""
    raw = _text_mail("", code)
    return raw.replace(b"From: Service <no-reply@service.example>", b"From: " + b"a: " * groups)


def bad_xmailer_with_code(code: str = CODE) -> bytes:
    """An X-Mailer whose encoded word is bad base64 (``HeaderParseError`` in the stdlib)."""
    return _text_mail("X-Mailer: =?utf-8?b?QUJDR?=\r\n", code)


def bad_charset_header_with_code(code: str = CODE) -> bytes:
    """Headers whose encoded words name charsets that do not exist (or are not names)."""
    headers = (
        "X-Mailer: =?x-no-such-charset?q?hello?=\r\n"
        "Subject-Extra: =?\x7f?b?QUJD?= =?utf-8?x?abc?=\r\n"
        "Thread-Topic: =?utf-8*en?q?hi?= =??q?hi?=\r\n"
    )
    return _text_mail(headers, code, subject="=?no-such?q?Your_code?=")


def nul_header_with_code(code: str = CODE) -> bytes:
    """NUL bytes and lone control characters in headers and in a header's name."""
    raw = _text_mail("X-Mailer: mail\x00er =?utf-8?q?a\x00b?=\r\nX-\x00Bad: 1\r\n", code)
    return raw.replace(b"Subject: Your code", b"Subject: Your\x00 code\x0b")


def encoded_display_name_forgery() -> bytes:
    """A display name that decodes to an address: the sender is the real address after it."""
    forged = base64.b64encode(b"security@github.com <security@github.com>").decode()
    return (
        f"From: =?utf-8?b?{forged}?= <attacker@evil.example>\r\n"
        "To: agents+k3v9q2m7x1@corp.example\r\nSubject: Your GitHub code\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Your verification code is {CODE}.\r\n"
    ).encode()


def deep_multipart_bomb(depth: int = 1000, code: str = CODE) -> bytes:
    """``depth`` nested multiparts, the code in the innermost text part."""
    head = [f"{_HEAD}Subject: Your code\r\nMIME-Version: 1.0\r\n"]
    for level in range(depth):
        head.append(f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n')
    head.append("Content-Type: text/plain; charset=utf-8\r\n\r\n")
    head.append(f"Your verification code is {code}.\r\n")
    tail = "".join(f"--b{level}--\r\n" for level in reversed(range(depth)))
    return ("".join(head) + tail).encode()


def unclosed_boundaries_bomb(depth: int = 5000, code: str = CODE) -> bytes:
    """Multiparts opened and never closed, with the code first (a late one is fair to lose)."""
    head = [f"{_HEAD}Subject: Your code\r\nMIME-Version: 1.0\r\n"]
    head.append('Content-Type: multipart/mixed; boundary="top"\r\n\r\n--top\r\n')
    head.append(f"Content-Type: text/plain\r\n\r\nYour verification code is {code}.\r\n--top\r\n")
    for level in range(depth):
        head.append(f'Content-Type: multipart/mixed; boundary="u{level}"\r\n\r\n--u{level}\r\n')
    return "".join(head).encode()


def many_parts_bomb(parts: int = 100_000, code: str = CODE) -> bytes:
    """One multipart with ``parts`` tiny text parts; the code is in the first."""
    out = [
        f"{_HEAD}Subject: Your code\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
        'boundary="p"\r\n\r\n'
    ]
    out.append(f"--p\r\nContent-Type: text/plain\r\n\r\nYour verification code is {code}.\r\n")
    out.extend("--p\r\nContent-Type: text/html\r\n\r\n<p>x 2024</p>\r\n" for _ in range(parts))
    out.append("--p--\r\n")
    return "".join(out).encode()


def dense_html_parts_bomb(parts: int = 30, size: int = 300_000, code: str = CODE) -> bytes:
    """``parts`` HTML parts of ``size`` chars of dense markup each (per character the
    costliest HTML), the code in a text part first."""
    out = [
        f"{_HEAD}Subject: Your code\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
        'boundary="d"\r\n\r\n'
    ]
    out.append(f"--d\r\nContent-Type: text/plain\r\n\r\nYour verification code is {code}.\r\n")
    dense = "<tr><td>1</td></tr><h1>&amp;&#49;<br>" * (size // 36)
    out.extend(f"--d\r\nContent-Type: text/html\r\n\r\n{dense}\r\n" for _ in range(parts))
    out.append("--d--\r\n")
    return "".join(out).encode()


def huge_attachment_bomb(size: int = 9_500_000, code: str = CODE) -> bytes:
    """A text part with the code and a ~10 MB base64 attachment of random bytes."""
    blob = base64.encodebytes(random.Random(1).randbytes(size * 3 // 4)).replace(b"\n", b"\r\n")
    head = (
        f"{_HEAD}Subject: Your code\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
        'boundary="a"\r\n\r\n--a\r\nContent-Type: text/plain\r\n\r\n'
        f"Your verification code is {code}.\r\n--a\r\nContent-Type: application/pdf\r\n"
        'Content-Disposition: attachment; filename="=?utf-8?q?r=C3=A9sum=C3=A9?=.pdf"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    )
    return head.encode() + blob + b"--a--\r\n"


def base64_garbage_bomb(size: int = 9_000_000, code: str = CODE) -> bytes:
    """A text part with the code, then an HTML part whose base64 is mostly padding and junk."""
    junk = ("====!!QUJD\r\n" * (size // 12)).encode()
    head = (
        f"{_HEAD}Subject: Your code\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; "
        'boundary="g"\r\n\r\n--g\r\nContent-Type: text/plain\r\n\r\n'
        f"Your verification code is {code}.\r\n--g\r\nContent-Type: text/html\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
    )
    return head.encode() + junk + b"--g--\r\n"


def quoted_printable_bomb(size: int = 9_000_000, code: str = CODE) -> bytes:
    """Quoted-printable that is nothing but soft line breaks and escapes, code first."""
    junk = "=\r\n=3D=\r\n=Z" * (size // 12)
    return (
        f"{_HEAD}Subject: Your code\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable"
        f"\r\n\r\nYour verification code is {code}.\r\n{junk}\r\n"
    ).encode()


def nested_blockquote_bomb(depth: int = 20_000, code: str = CODE) -> bytes:
    """HTML of ``depth`` nested ``<blockquote>`` (260 KB) around the code."""
    body = "<blockquote>" * depth + f"Your verification code is <b>{code}</b>"
    body += "</blockquote>" * depth
    return (
        f"{_HEAD}Subject: Your code\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/html; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def _plain_flood(unit: str, size: int, code: str, ctype: str = "plain", cs: str = "utf-8") -> bytes:
    body = f"Your verification code is {code}.\r\n" + unit * (size // len(unit))
    if ctype == "html":
        body = f"<p>{body}</p>"
    return (
        f"{_HEAD}Subject: Your code\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/{ctype}; charset={cs}\r\n\r\n{body}\r\n"
    ).encode()


def number_soup_bomb(size: int = 9_000_000, code: str = CODE) -> bytes:
    """The code, then 9 MB of code-shaped numbers: every one is a candidate to score."""
    return _plain_flood("123456 9876-5432 AB-12-CD\r\n", size, code)


def html_anchor_bomb(size: int = 9_000_000, code: str = CODE) -> bytes:
    """The code, then 9 MB of verification-looking links and emphasised numbers."""
    unit = "<a href='https://x.example/verify?t=1'>Verify</a> <b>123456</b> "
    return _plain_flood(unit, size, code, ctype="html")


def punycode_charset_bomb(size: int = 2_000_000, code: str = CODE) -> bytes:
    """A body labelled with a charset whose decoder is quadratic (punycode)."""
    return _plain_flood("a" * 70 + "-\r\n", size, code, cs="punycode")


def encoded_from_bomb(words: int = 300_000, code: str = CODE) -> bytes:
    """A From header of encoded words and quoted strings, the address at the very end."""
    name = _folded_words('=?utf-8?q?x?= "a@b"', words)
    raw = _text_mail("", code)
    return raw.replace(b"From: Service", b"From: " + name.encode())


#: Every bomb at full size, by name. Each one carries :data:`CODE` except the forgery.
BOMBS: dict[str, Callable[[], bytes]] = {
    "encoded_word_subject": encoded_word_subject_bomb,
    "encoded_word_xheader": encoded_word_xheader_bomb,
    "folded_subject": folded_subject_bomb,
    "long_header_line": long_header_line_bomb,
    "many_headers": many_headers_bomb,
    "cc_group": cc_group_bomb,
    "from_group": from_group_bomb,
    "bad_xmailer": bad_xmailer_with_code,
    "bad_charset_header": bad_charset_header_with_code,
    "nul_header": nul_header_with_code,
    "encoded_display_name_forgery": encoded_display_name_forgery,
    "deep_multipart": deep_multipart_bomb,
    "unclosed_boundaries": unclosed_boundaries_bomb,
    "many_parts": many_parts_bomb,
    "dense_html_parts": dense_html_parts_bomb,
    "huge_attachment": huge_attachment_bomb,
    "base64_garbage": base64_garbage_bomb,
    "quoted_printable": quoted_printable_bomb,
    "nested_blockquote": nested_blockquote_bomb,
    "number_soup": number_soup_bomb,
    "html_anchors": html_anchor_bomb,
    "punycode_charset": punycode_charset_bomb,
    "encoded_from": encoded_from_bomb,
}

# -- mutations of real mail ---------------------------------------------------------------------

_HEADER_END = re.compile(rb"\r?\n\r?\n")

#: Header values that broke whole extractions: bad base64, unknown or absurd charsets, NUL.
HEADER_POISONS: dict[str, bytes] = {
    "bad_base64": b"=?utf-8?b?QUJDR?=",
    "bad_charset": b"=?x-no-such-charset?q?hello?= =?\x7f?b?QUJD?=",
    "nul": b"bad\x00value =?utf-8?q?a\x00b?=",
    "bad_qp": b"=?utf-8?q?=ZZ=?= =?utf-8?Q??=",
    "high_bytes": b"\xff\xfe=?utf-8?b?//79?=",
}


def _split(raw: bytes) -> tuple[bytes, bytes, bytes]:
    m = _HEADER_END.search(raw)
    if m is None:
        return raw, b"", b""
    return raw[: m.start()], m.group(0), raw[m.end() :]


def mutate_header(raw: bytes, poison: str, name: bytes = b"X-Mailer") -> bytes:
    """``raw`` with a header ``name`` carrying :data:`HEADER_POISONS` ``[poison]`` added
    first in the header section."""
    head, sep, body = _split(raw)
    nl = b"\r\n" if b"\r\n" in head else b"\n"
    return name + b": " + HEADER_POISONS[poison] + nl + head + sep + body


_TOKENS = (
    b"=?",
    b"?=",
    b"=?utf-8?b?",
    b"=?utf-8?q?",
    b"\x00",
    b"\r\n",
    b"\n",
    b"\r\n ",
    b"--",
    b"boundary=",
    b"charset=",
    b"multipart/mixed",
    b"<",
    b">",
    b"&#",
    b"=",
    b"\xff",
    b"\xc3",
    b"<blockquote>",
    b"<!--",
    b"<a href=",
    b"http://",
    b";",
    b'"',
    b":",
)


def mutate_bytes(raw: bytes, rng: random.Random, edits: int = 8) -> bytes:
    """Byte-level mutation: flips, deletions, duplications and hostile token insertions."""
    data = bytearray(raw)
    for _ in range(edits):
        if not data:
            data.extend(rng.choice(_TOKENS))
            continue
        at = rng.randrange(len(data))
        op = rng.randrange(5)
        if op == 0:
            data[at] = rng.randrange(256)
        elif op == 1:
            del data[at : at + rng.randrange(1, 64)]
        elif op == 2:
            data[at:at] = rng.choice(_TOKENS) * rng.choice((1, 1, 2, 20))
        elif op == 3:
            span = bytes(data[at : at + rng.randrange(1, 200)])
            data[at:at] = span * rng.randrange(1, 10)
        else:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
    return bytes(data)


def _content_types(rng: random.Random) -> bytes:
    ctype = rng.choice(
        (
            b"multipart/mixed",
            b"text/html",
            b"text/plain",
            b"message/rfc822",
            b"multipart/alternative",
            b"application/octet-stream",
            b"text/x-weird",
        )
    )
    charset = rng.choice((b"utf-8", b"latin-1", b"x-unknown", b"utf-16", b"", b"\xff", b"utf-7"))
    return b"Content-Type: " + ctype + b'; charset="' + charset + b'"; boundary="zz"'


def mutate_structure(raw: bytes, rng: random.Random) -> bytes:
    """Structure-level mutation: headers swapped, duplicated, poisoned; MIME headers rewritten;
    the body wrapped in a multipart, re-encoded, truncated or duplicated."""
    head, sep, body = _split(raw)
    nl = b"\r\n" if b"\r\n" in head else b"\n"
    lines = head.split(nl)
    op = rng.randrange(9)
    if op == 0 and len(lines) > 1:
        rng.shuffle(lines)
    elif op == 1:
        name = rng.choice((b"Subject", b"From", b"X-Mailer", b"Content-Type", b"List-Unsubscribe"))
        lines.insert(
            rng.randrange(len(lines) + 1), name + b": " + rng.choice(list(HEADER_POISONS.values()))
        )
    elif op == 2:
        lines = [ln for ln in lines if not ln.lower().startswith(b"content-")]
        lines.append(_content_types(rng))
    elif op == 3:
        lines.append(b'Content-Type: multipart/mixed; boundary="w"')
        body = b"--w" + nl + head + nl + nl + body + nl + b"--w--" + nl
    elif op == 4:
        lines = [ln for ln in lines if not ln.lower().startswith(b"content-transfer")]
        lines.append(
            b"Content-Transfer-Encoding: "
            + rng.choice((b"base64", b"quoted-printable", b"x-uuencode", b"8bit", b"bogus"))
        )
    elif op == 5:
        body = body[: rng.randrange(len(body) + 1)]
    elif op == 6:
        lines = lines + lines[rng.randrange(max(1, len(lines))) :] * rng.randrange(1, 30)
    elif op == 7:
        body = base64.encodebytes(body)[: rng.randrange(1, len(body) * 2 + 2)]
    else:
        lines = [ln.replace(b": ", b":" + nl + b" =?utf-8?q?", 1) for ln in lines]
    return nl.join(lines) + sep + body


def goldens() -> list[tuple[str, bytes]]:
    """(name, raw bytes) of every golden mail, sorted by name."""
    return [(p.stem, p.read_bytes()) for p in sorted(GOLDEN.glob("*.eml"))]
