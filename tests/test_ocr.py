"""Codes shown as images: rendered PNG/GIF/JPEG pictures of a code in real mails, through the
real worker job (OCR with Debian's tesseract) on a real Redis, to the agent's wait."""

from __future__ import annotations

import base64
import io
import json
import shutil
import struct
import sys
import time
import zlib
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
import redis
import structlog
from PIL import Image, ImageDraw, ImageFont
from pipeline_helpers import Ingest, run_jobs

import otpbridge.worker.ocr
from otpbridge import Client
from otpbridge.extract import Extraction, extract_document, parse_document
from otpbridge.extract.image_code import (
    OCR_MAX_CONFIDENCE,
    CodeImage,
    ImageText,
    code_images,
    image_verdict,
    states_code_without_one,
    with_image_text,
)
from otpbridge.worker.errors import WorkerConfigError
from otpbridge.worker.events import decode_fields
from otpbridge.worker.keys import Keys
from otpbridge.worker.settings import WorkerSettings

CODE = "482913"
needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="needs Debian's tesseract-ocr (CI installs it)"
)
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if _DEJAVU.exists():
        return ImageFont.truetype(str(_DEJAVU), size)
    return ImageFont.load_default(size=size)


def picture(
    text: str,
    fmt: str = "PNG",
    size: int = 36,
    colours: tuple[object, object] = ("black", "white"),
    mode: str = "RGB",
) -> bytes:
    """``text`` drawn (default: black on white) in a plain font, as a mail's code box is."""
    font = _font(size)
    width = int(font.getlength(text)) + 48
    img = Image.new(mode, (width, size + 40), colours[1])
    ImageDraw.Draw(img).text((24, 16), text, fill=colours[0], font=font)
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


def image_mail(
    html: str,
    images: dict[str, tuple[bytes, str]] | None = None,
    *,
    text: str | None = None,
    subject: str = "Your Acme sign-in",
) -> bytes:
    """An HTML mail (with an optional text part) whose ``images`` (cid → bytes, subtype) are
    inline parts of a multipart/related."""
    msg = EmailMessage()
    msg["From"] = "Acme <no-reply@acme.example.com>"
    msg["To"] = "agent@corp.example"
    msg["Subject"] = subject
    if text is None:
        msg.set_content(html, subtype="html")
        html_part = msg
    else:
        msg.set_content(text)
        msg.add_alternative(html, subtype="html")
        html_part = msg.get_payload()[1]
    for cid, (data, subtype) in (images or {}).items():
        html_part.add_related(data, maintype="image", subtype=subtype, cid=f"<{cid}>")
    return msg.as_bytes()


def png_header(width: int, height: int) -> bytes:
    """A valid PNG signature and header claiming ``width`` x ``height``, with 1 pixel of data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


LOGO = "<p><img src='cid:logo@acme' alt='Acme'></p>"
BOX = '<p>Hello,</p><p>Your verification code is:</p><p><img src="cid:code@acme"></p>'
FOOT = "<p>It expires in 10 minutes. If you did not ask for it, ignore this mail.</p>"


@pytest.fixture
def sdk(redis_url: str) -> Iterator[Client]:
    client = Client.from_url(redis_url, address="agents+{id}@corp.example")
    yield client
    client.close()


def _through_worker(
    redis_url: str, redis_client: redis.Redis, sdk: Client, raw: bytes
) -> tuple[str, dict[str, str], float]:
    """Deliver ``raw`` like the bridge, run the real job; (inbox id, extracted event, s)."""
    inbox = sdk.inboxes.create(ttl=600)
    Ingest(redis_client).deliver(inbox.id, raw)
    started = time.perf_counter()
    run_jobs(redis_url)
    took = time.perf_counter() - started
    events = [decode_fields(f) for _, f in redis_client.xrange(Keys().events(inbox.id))]
    assert [e["type"] for e in events] == ["received", "extracted"]  # never "failed"
    return inbox.id, events[1], took


def _reasons(event: dict[str, str]) -> list[str]:
    return list(json.loads(event["result"])["reasons"])


@needs_tesseract
@pytest.mark.parametrize(("fmt", "subtype"), [("PNG", "png"), ("GIF", "gif"), ("JPEG", "jpeg")])
def test_inline_cid_image_code_reaches_the_agent(
    redis_url: str, redis_client: redis.Redis, sdk: Client, fmt: str, subtype: str
) -> None:
    images = {
        "logo@acme": (picture("ACME 2024", fmt, 28), subtype),  # a logo above: not the code
        "code@acme": (picture(CODE, fmt), subtype),
    }
    raw = image_mail(LOGO + BOX + FOOT, images, subject="Your Acme verification code")
    assert extract_document(parse_document(raw)).code is None  # nothing in the text
    inbox_id, event, took = _through_worker(redis_url, redis_client, sdk, raw)
    otp = sdk.messages.wait_for_otp(inbox_id, timeout=5)
    assert otp is not None
    assert otp.code == CODE
    assert 0.5 <= otp.confidence <= OCR_MAX_CONFIDENCE
    assert _reasons(event)[0].startswith("code read from an image (OCR")
    assert took < 10, took


@needs_tesseract
def test_data_uri_image_with_a_text_part(
    redis_url: str, redis_client: redis.Redis, sdk: Client
) -> None:
    uri = "data:image/png;base64," + base64.b64encode(picture("Code: 715302")).decode()
    html = f'<p>Use the code below to sign in to Acme.</p><img alt="" src="{uri}">{FOOT}'
    raw = image_mail(html, text="Use the code shown in this mail to sign in to Acme.")
    inbox_id, event, _ = _through_worker(redis_url, redis_client, sdk, raw)
    otp = sdk.messages.wait_for_otp(inbox_id, timeout=5)
    assert otp is not None
    assert otp.code == "715302"
    assert any("OCR" in r for r in _reasons(event))


@needs_tesseract
def test_code_in_text_wins_and_no_image_is_read(
    redis_url: str, redis_client: redis.Redis, sdk: Client
) -> None:
    html = "<p>Your verification code is <b>305117</b></p><p><img src='cid:code@acme'></p>"
    raw = image_mail(html, {"code@acme": (picture(CODE), "png")})
    inbox_id, event, _ = _through_worker(redis_url, redis_client, sdk, raw)
    otp = sdk.messages.wait_for_otp(inbox_id, timeout=5)
    assert otp is not None
    assert otp.code == "305117"
    assert not any("OCR" in r for r in _reasons(event))


@needs_tesseract
def test_image_without_code_words_is_not_read(
    redis_url: str, redis_client: redis.Redis, sdk: Client
) -> None:
    html = "<p>Here is the photo from Saturday's meetup.</p><p><img src='cid:photo@acme'></p>"
    raw = image_mail(html, {"photo@acme": (picture(CODE), "png")}, subject="Meetup photos")
    _, event, _ = _through_worker(redis_url, redis_client, sdk, raw)
    assert event["kind"] == "none"
    assert not any("OCR" in r for r in _reasons(event))


@needs_tesseract
@pytest.mark.parametrize("size", [(100_000, 100_000), (10_000, 10_000), (3_000, 3_000)])
def test_decompression_bomb_header_is_refused_quickly(
    redis_url: str, redis_client: redis.Redis, sdk: Client, size: tuple[int, int]
) -> None:
    raw = image_mail(BOX + FOOT, {"code@acme": (png_header(*size), "png")})
    _, event, took = _through_worker(redis_url, redis_client, sdk, raw)
    assert event["kind"] == "none"
    assert took < 2, took


@needs_tesseract
@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 50,
        picture(CODE)[:300],  # cut short
        b"GIF89a" + bytes(range(256)) * 4,
        b"not an image at all",
    ],
)
def test_corrupt_image_is_no_code_not_a_failed_job(
    redis_url: str, redis_client: redis.Redis, sdk: Client, data: bytes
) -> None:
    raw = image_mail(BOX + FOOT, {"code@acme": (data, "png")})
    _, event, _ = _through_worker(redis_url, redis_client, sdk, raw)
    assert event["kind"] == "none"


@needs_tesseract
@pytest.mark.parametrize(
    "data",
    [
        picture(CODE, colours=("white", "#1a1a2e")),  # a dark code box
        picture(CODE, colours=((255, 255, 255, 255), (0, 0, 0, 0)), mode="RGBA"),  # for dark mail
        picture(CODE, colours=((0, 0, 0, 255), (0, 0, 0, 0)), mode="RGBA"),
        picture(CODE, size=12),  # small: upscaled for tesseract
        picture("4 8 2 9 1 3", "GIF", 48),
    ],
    ids=["dark", "transparent-light", "transparent-dark", "small", "spaced"],
)
def test_read_image_variants(data: bytes) -> None:
    text = otpbridge.worker.ocr.read_image(data)
    assert text is not None
    assert "".join(text.lines).replace(" ", "") == CODE


def test_ocr_off_reads_no_image(
    redis_url: str, redis_client: redis.Redis, sdk: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    called: list[bytes] = []
    monkeypatch.setattr(otpbridge.worker.ocr, "_tesseract", lambda png, _t: called.append(png))
    raw = image_mail(BOX + FOOT, {"code@acme": (picture(CODE), "png")})
    inbox = sdk.inboxes.create(ttl=600)
    Ingest(redis_client).deliver(inbox.id, raw)
    settings = WorkerSettings(redis_url=redis_url, ocr="off")
    from otpbridge.worker.runner import build_worker  # noqa: PLC0415

    connection = redis.Redis.from_url(redis_url)
    try:
        build_worker(settings, connection).work(burst=True, logging_level="WARNING")
    finally:
        connection.close()
        otpbridge.worker.jobs.configure_jobs(Keys())  # back to the default (on)
    assert called == []
    assert sdk.messages.wait_for_otp(inbox.id, timeout=0.2) is None


@pytest.mark.parametrize("missing", ["tesseract", "Pillow"])
def test_unavailable_ocr_is_logged_once_and_the_job_goes_on(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.setattr(otpbridge.worker.ocr._State, "available", None)
    if missing == "tesseract":
        monkeypatch.setattr(otpbridge.worker.ocr.shutil, "which", lambda _name: None)
    else:
        monkeypatch.setitem(sys.modules, "PIL.Image", None)  # import raises ImportError
    raw = image_mail(BOX + FOOT, {"code@acme": (picture(CODE), "png")})
    document = parse_document(raw)
    first = extract_document(document)
    with structlog.testing.capture_logs() as logs:
        for _ in range(3):
            assert otpbridge.worker.ocr.second_look(raw, document, first) is first
    assert [e["event"] for e in logs] == ["ocr_unavailable"]
    assert missing in logs[0]["reason"]


def test_settings_read_otpbridge_ocr() -> None:
    env = {"OTPBRIDGE_REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert WorkerSettings.from_env(env).ocr == "auto"
    assert WorkerSettings.from_env({**env, "OTPBRIDGE_OCR": "off"}).ocr == "off"
    assert "ocr='off'" in repr(WorkerSettings.from_env({**env, "OTPBRIDGE_OCR": "OFF"}))
    with pytest.raises(WorkerConfigError, match="OTPBRIDGE_OCR"):
        WorkerSettings.from_env({**env, "OTPBRIDGE_OCR": "on"})


# The pure side (extract.image_code): when, which image, where its text goes, the verdict.


def test_states_code_without_one() -> None:
    said = parse_document(image_mail(BOX))
    assert states_code_without_one(said, extract_document(said))
    silent = parse_document(image_mail("<p>Photos from the trip</p>", subject="Trip"))
    assert not states_code_without_one(silent, extract_document(silent))
    has = parse_document(image_mail("<p>Your verification code is 305117.</p>"))
    assert not states_code_without_one(has, extract_document(has))
    assert not states_code_without_one(said, Extraction(error="unreadable mail: x"))


def test_code_images_prefers_the_image_after_the_code_words_and_skips_pixels() -> None:
    pixel = "<img src='cid:pixel@acme' width='1' height='1'>"
    raw = image_mail(
        LOGO + BOX + pixel + FOOT,
        {
            "logo@acme": (picture("ACME"), "png"),
            "code@acme": (picture(CODE), "png"),
            "pixel@acme": (picture("1"), "png"),
            "unused@acme": (picture("999999"), "png"),
        },
    )
    found = code_images(raw)
    assert [i.source for i in found] == ["cid", "cid"]
    assert found[0].data == picture(CODE)
    assert found[0].before.endswith("code is")
    assert found[1].data == picture("ACME")


def test_code_images_data_uri_bounds() -> None:
    small = base64.b64encode(picture(CODE)).decode()
    huge = "A" * (3 * 1024 * 1024)
    html = (
        f"<p>Your code:</p><img src='data:image/png;base64,{small}'>"
        f"<img src='data:image/png;base64,{huge}'><img src='data:text/html;base64,{small}'>"
        "<img src='https://cdn.example/code.png'>"
    )
    found = code_images(image_mail(html))
    assert [(i.source, i.ctype) for i in found] == [("data", "image/png")]


def test_image_text_goes_where_the_image_stands() -> None:
    raw = image_mail(BOX + FOOT + "<p>Acme Inc., 1 Main St</p>")
    document = parse_document(raw)
    image = CodeImage(b"", "image/png", "cid", "Hello Your verification code is")
    text = ImageText((CODE,), ((CODE, 0.93),))
    joined = with_image_text(document, image, text)
    assert joined.html_text.index("code is") < joined.html_text.index(CODE)
    assert joined.html_text.index(CODE) < joined.html_text.index("expires")
    assert CODE in joined.emphasized
    second = extract_document(joined)
    verdict = image_verdict(extract_document(document), second, text)
    assert verdict.code == CODE
    assert verdict.confidence == pytest.approx(min(OCR_MAX_CONFIDENCE, second.confidence * 0.93))
    assert verdict.reasons[0] == "code read from an image (OCR, characters 0.93 sure)"


def test_image_verdict_keeps_the_first_when_the_image_has_no_code() -> None:
    document = parse_document(image_mail(BOX))
    first = extract_document(document)
    text = ImageText(("ACME",), (("ACME", 0.9),))
    image = CodeImage(b"", "image/png", "cid", "")
    verdict = image_verdict(first, extract_document(with_image_text(document, image, text)), text)
    assert verdict.code is None
    assert verdict.reasons[-1] == "an image was read (OCR): no code in it"
