"""Signature images and paper scans: checked by decoding, never by declared type."""

import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

MAX_SIGNATURE_BYTES = 512 * 1024
MAX_SIGNATURE_SIZE = (2400, 1200)
MIN_SIGNATURE_SIZE = (40, 20)
MAX_SCAN_BYTES = 10 * 1024 * 1024
MAX_SCAN_PIXELS = 40_000_000


def signature_font_path() -> Path:
    return settings.FONT_DIR / "LiberationSerif-Italic.ttf"


def clean_signature_png(data: bytes) -> bytes:
    """Return *data* re-encoded as a clean PNG, or raise ValidationError.

    Accept only a real PNG within the byte and pixel limits with some ink on it;
    re-encoding drops any text chunks or trailing bytes it carried.
    """
    if len(data) > MAX_SIGNATURE_BYTES:
        raise ValidationError(_("The signature image is too large (at most 512 KB)."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise ValidationError(_("The signature must be a PNG image."))
            width, height = image.size
            if width > MAX_SIGNATURE_SIZE[0] or height > MAX_SIGNATURE_SIZE[1]:
                raise ValidationError(_("The signature image is too large (at most 2400 × 1200 pixels)."))
            if width < MIN_SIGNATURE_SIZE[0] or height < MIN_SIGNATURE_SIZE[1]:
                raise ValidationError(_("The signature image is too small."))
            image.load()
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("The signature must be a PNG image.")) from error
    if _is_blank(rgba):
        raise ValidationError(_("The signature is empty: sign in the box first."))
    out = io.BytesIO()
    rgba.save(out, format="PNG")  # optimize=True: about 7 % smaller at 4× the time, on every signing post
    return out.getvalue()


def _is_blank(rgba: Image.Image) -> bool:
    """True if nothing is drawn: fully transparent, or white everywhere it is opaque."""
    alpha = rgba.getchannel("A")
    if alpha.getbbox() is None:
        return True
    ink = Image.new("L", rgba.size, 0)
    ink.paste(rgba.convert("L").point(lambda v: 255 if v < 200 else 0), mask=alpha)
    return ink.getbbox() is None


def typed_signature_png(name: str) -> bytes:
    """Render *name* as a signature in Liberation Serif Italic (the document's own font family)."""
    font = ImageFont.truetype(str(signature_font_path()), 72)
    left, top, right, bottom = ImageDraw.Draw(Image.new("RGBA", (1, 1))).textbbox((0, 0), name, font=font)
    width, height = min(right - left + 40, MAX_SIGNATURE_SIZE[0]), bottom - top + 40
    image = Image.new("RGBA", (max(width, MIN_SIGNATURE_SIZE[0]), max(height, MIN_SIGNATURE_SIZE[1])), (0, 0, 0, 0))
    ImageDraw.Draw(image).text((20 - left, 20 - top), name, font=font, fill=(20, 40, 120, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")  # not optimize=True: see clean_signature_png
    return out.getvalue()


def clean_pdf_or_image(data: bytes, *, max_bytes: int) -> str:
    """Return "pdf", "png" or "jpg" for *data* checked by its content (never its name), or raise."""
    if len(data) > max_bytes:
        raise ValidationError(_("The file is too large (at most %(mb)s MB).") % {"mb": max_bytes // (1024 * 1024)})
    if data.startswith(b"%PDF-"):
        clean_pdf(data)
        return "pdf"
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise ValidationError(_("The file must be a PDF, PNG or JPEG file."))
            if image.size[0] * image.size[1] > MAX_SCAN_PIXELS:
                raise ValidationError(_("The image has too many pixels."))
            image.verify()
            return "png" if image.format == "PNG" else "jpg"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("The file must be a PDF, PNG or JPEG file.")) from error


def clean_pdf(data: bytes) -> None:
    """Raise ValidationError unless *data* is a whole PDF file: its header, and its end marker near the end."""
    if not data.startswith(b"%PDF-"):
        raise ValidationError(_("This is not a PDF file."))
    if b"%%EOF" not in data[-2048:]:
        raise ValidationError(_("The PDF file is damaged."))


CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
