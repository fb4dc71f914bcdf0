"""A second look at a mail whose code is an image: OCR with Debian's tesseract (``otpbridge[ocr]``).

Only when the first verdict found no code while the mail says it carries one
(:func:`~otpbridge.extract.image_code.states_code_without_one`) and shows an inline image
(:func:`~otpbridge.extract.image_code.code_images`). One image is read per mail. The bytes
are untrusted: Pillow reads the header first and refuses more than :data:`MAX_PIXELS` before
decoding anything (its decompression-bomb guard stays on, as an error), only common formats
are opened, and tesseract only ever sees the PNG we re-encode, under a wall-clock timeout.
Any failure is "no code in the image": OCR never fails a job. The text read is never logged.

Pillow is imported on first use; the ``tesseract`` binary comes from the OS
(``apt-get install tesseract-ocr``). Without either the worker logs once and goes on.
The tesseract CLI is called directly (``tesseract stdin stdout tsv``) rather than through a
wrapper: one process with a timeout, nothing written to disk.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
import warnings
from typing import TYPE_CHECKING, Final

import structlog
from rq.timeouts import JobTimeoutException

from otpbridge.extract import Document, Extraction, extract_document
from otpbridge.extract.image_code import (
    MAX_IMAGE_BYTES,
    CodeImage,
    ImageText,
    code_images,
    image_verdict,
    states_code_without_one,
    with_image_text,
)

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = ["MAX_PIXELS", "OCR_TIMEOUT_S", "ocr_available", "read_image", "second_look"]

#: Pixels of one image (from its header, before decoding): a code box is ~0.05 Mpx.
MAX_PIXELS: Final = 4_000_000
#: Smaller than this on a side is a spacer or a tracking pixel, not text.
_MIN_WIDTH, _MIN_HEIGHT = 24, 10
#: Wall-clock seconds of one tesseract run (it takes ~0.25 s for a code box).
OCR_TIMEOUT_S: Final = 10.0
#: Text lines are upscaled to about this height: tesseract wants ~20 px capitals.
_TARGET_HEIGHT = 64
_MAX_SCALE = 4
#: Formats opened; anything else in an ``image/*`` part is skipped.
_FORMATS: Final = ("PNG", "GIF", "JPEG", "WEBP", "BMP")
_TSV_COLUMNS = 12

log = structlog.get_logger()


class _State:
    """Whether OCR can run in this process: checked once, reported once."""

    available: bool | None = None


def ocr_available() -> bool:
    """Pillow importable and a ``tesseract`` binary on PATH; logs once when not."""
    if _State.available is None:
        reason = ""
        try:
            import PIL.Image  # noqa: F401, PLC0415 - the ocr extra is optional
        except ImportError:
            reason = "Pillow is not installed: pip install 'otpbridge[ocr]'"
        if not reason and shutil.which("tesseract") is None:
            reason = "no tesseract binary: apt-get install tesseract-ocr"
        _State.available = not reason
        if reason:
            log.info("ocr_unavailable", reason=reason)
    return _State.available


def _page_colour(frame: PILImage) -> str:
    """What transparent pixels become: the page the drawn ones stand out from. Light text
    (drawn for a dark mail) goes on black, dark text on white."""
    from PIL import ImageStat  # noqa: PLC0415 - the ocr extra is optional

    alpha = frame.getchannel("A")
    if alpha.getextrema()[0] == 255 or alpha.getbbox() is None:  # opaque, or nothing drawn
        return "white"
    return "black" if ImageStat.Stat(frame.convert("L"), mask=alpha).mean[0] > 128 else "white"


def _prepared(data: bytes) -> bytes | None:
    """The image as a grey PNG fit for tesseract, or None when it is refused (too large,
    too small, not an image we open, broken)."""
    from PIL import Image  # noqa: PLC0415 - the ocr extra is optional

    if not data or len(data) > MAX_IMAGE_BYTES:
        return None
    with warnings.catch_warnings():
        # Pillow warns (and only raises at twice its limit) on a decompression bomb: refuse.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data), formats=_FORMATS) as img:  # reads the header only
            width, height = img.size
            if width * height > MAX_PIXELS or width < _MIN_WIDTH or height < _MIN_HEIGHT:
                return None
            img.seek(0)  # an animation's first frame
            frame = img.convert("RGBA")
    page = Image.new("RGBA", frame.size, _page_colour(frame))
    page.alpha_composite(frame)
    grey = page.convert("L")
    scale = min(_MAX_SCALE, max(1, _TARGET_HEIGHT // max(1, height)))
    while scale > 1 and width * height * scale * scale > MAX_PIXELS:
        scale -= 1
    if scale > 1:
        grey = grey.resize((width * scale, height * scale), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    grey.save(out, "PNG")
    return out.getvalue()


def _parse_tsv(tsv: str) -> ImageText:
    lines: dict[tuple[str, str, str], list[str]] = {}
    words: list[tuple[str, float]] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) != _TSV_COLUMNS or not cols[11].strip():
            continue
        try:
            confidence = float(cols[10]) / 100
        except ValueError:
            continue
        lines.setdefault((cols[2], cols[3], cols[4]), []).append(cols[11].strip())
        words.append((cols[11].strip(), max(0.0, min(1.0, confidence))))
    return ImageText(tuple(" ".join(ws) for ws in lines.values()), tuple(words))


def _refusing(data: bytes) -> bytes | None:
    """:func:`_prepared`, with a broken or hostile image (Pillow raises) as a refusal."""
    try:
        return _prepared(data)
    except JobTimeoutException:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken or hostile image is no code, not a crash
        log.info("ocr_image_refused", error=type(exc).__name__)
        return None


def _tesseract(png: bytes, timeout_s: float) -> ImageText | None:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core: workers scale by process
    try:
        done = subprocess.run(
            ["tesseract", "stdin", "stdout", "--psm", "6", "-l", "eng", "tsv"],
            input=png,
            capture_output=True,
            timeout=timeout_s,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        log.warning("ocr_timeout", timeout_s=timeout_s)
        return None
    except OSError as exc:
        log.warning("ocr_failed", error=type(exc).__name__)
        return None
    if done.returncode != 0:
        log.warning("ocr_failed", returncode=done.returncode)
        return None
    return _parse_tsv(done.stdout.decode("utf-8", "replace"))


def read_image(data: bytes, timeout_s: float = OCR_TIMEOUT_S) -> ImageText | None:
    """The text of one image (None: refused or unreadable). Raises nothing but RQ's timeout."""
    png = _refusing(data)
    return None if png is None else _tesseract(png, timeout_s)


def _choose(raw: bytes) -> tuple[CodeImage, ImageText | None] | None:
    """The first offered image that passes the bounds, and its text: one OCR run per mail
    (a run that fails or times out is not repeated on the next image)."""
    for image in code_images(raw):
        png = _refusing(image.data)
        if png is not None:
            return image, _tesseract(png, OCR_TIMEOUT_S)
    return None


def second_look(raw: bytes, document: Document, first: Extraction) -> Extraction:
    """``first``, or a better verdict when the mail's code is in an image. Never raises but
    RQ's job timeout (which must reach RQ)."""
    if not states_code_without_one(document, first) or not ocr_available():
        return first
    started = time.perf_counter()
    try:
        chosen = _choose(raw)
        if chosen is None:
            return first
        image, text = chosen
        if text is None:
            return first
        second = extract_document(with_image_text(document, image, text))
        verdict = image_verdict(first, second, text)
    except JobTimeoutException:
        raise
    except Exception as exc:  # noqa: BLE001 - OCR is a bonus; the first verdict stands
        log.warning("ocr_failed", error=type(exc).__name__)
        return first
    log.info(
        "ocr_read",
        source=image.source,
        ms=round((time.perf_counter() - started) * 1000),
        found=verdict.code is not None,
    )
    return verdict
