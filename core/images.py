"""Signature images and paper scans: checked by decoding, never by declared type."""

import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

MAX_SIGNATURE_BYTES = 512 * 1024
MAX_SIGNATURE_SIZE = (2400, 1200)
MIN_SIGNATURE_SIZE = (40, 20)
MAX_SCAN_BYTES = 10 * 1024 * 1024
MAX_SCAN_PIXELS = 40_000_000
# A paper signature's scan: the signed page, or the whole signed pledge (a few pages and its signature pages).
MAX_SCAN_PAGES = 20
# The longest side of a scanned page once rebuilt: A4 at 150 dpi, enough to read a signature and a seal.
SCAN_PAGE_PIXELS = 1754
# A signature's PNG is written on every signing post: zlib level 1 takes half the time of the default
# (6) for a file about a third larger (a typed name: 16 KB, not 12 KB), measured in bench/profile_pages.py.
SIGNATURE_PNG_COMPRESSION = 1


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
    rgba.save(out, format="PNG", compress_level=SIGNATURE_PNG_COMPRESSION)
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
    image.save(out, format="PNG", compress_level=SIGNATURE_PNG_COMPRESSION)
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


def inert_scan(data: bytes, *, timeout: float = 60) -> tuple[bytes, str]:
    """Return *data* (a PDF, PNG or JPEG checked by content) rebuilt so that it carries nothing but pixels.

    A PDF is rasterised by poppler (which runs none of its scripts) and rebuilt from its page
    images, so that no JavaScript, form, link, attachment or embedded HTML survives; at most
    ``MAX_SCAN_PAGES`` pages, each fitted in ``SCAN_PAGE_PIXELS``. An image is decoded and
    re-encoded without its metadata or trailing bytes. Return the new bytes and their extension
    ("pdf", "png" or "jpg"); raise ValidationError for a file that cannot be read.
    """
    import subprocess

    from core import pdf as pdf_engine

    if data.startswith(b"%PDF-"):
        try:
            pages = pdf_engine.pdf_to_pngs(
                data,
                timeout=timeout,
                last_page=MAX_SCAN_PAGES + 1,
                scale_to=SCAN_PAGE_PIXELS,
                image_format="jpeg",
            )
        except subprocess.TimeoutExpired as error:
            raise ValidationError(_("The scan took too long to read: send a smaller file.")) from error
        except (subprocess.CalledProcessError, OSError) as error:
            raise ValidationError(_("The PDF file cannot be read.")) from error
        if not pages:
            raise ValidationError(_("The PDF file cannot be read."))
        if len(pages) > MAX_SCAN_PAGES:
            raise ValidationError(_("A scan has at most %(count)s pages.") % {"count": MAX_SCAN_PAGES})
        # Opened lazily (decoded one by one as they are written); pdftoppm's JPEGs are RGB already.
        images = [Image.open(io.BytesIO(page)) for page in pages]
        out = io.BytesIO()
        images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=150.0)
        return out.getvalue(), "pdf"
    extension = clean_pdf_or_image(data, max_bytes=MAX_SCAN_BYTES)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if extension == "png":
                upright.convert("RGBA" if "A" in upright.getbands() else "RGB").save(out, format="PNG")
            else:
                upright.convert("RGB").save(out, format="JPEG", quality=90)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("The file must be a PDF, PNG or JPEG file.")) from error
    return out.getvalue(), extension
