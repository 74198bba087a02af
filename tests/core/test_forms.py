"""The shared upload fields: the kind of a file is read from its content, never its name or declared type.

Messages are asserted as users read them: in Vietnamese, the default language.
"""

import io

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core import images
from core.forms import CheckedUpload, NFCMixin, PdfUploadField, PngUploadField
from tests.pledges.conftest import drawn_png

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class SealForm(forms.Form):
    image = PngUploadField()


class ScanForm(forms.Form):
    scan = PdfUploadField(max_bytes=1024 * 1024, scans=True)


class PdfForm(forms.Form):
    document = PdfUploadField(max_bytes=1024 * 1024)


class TextForm(NFCMixin, forms.Form):
    text = forms.CharField()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> dict:
    return {name: SimpleUploadedFile("file.bin", data, content_type=content_type)}


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, format="JPEG")
    return out.getvalue()


def test_png_field_re_encodes_a_real_png_and_drops_trailing_bytes():
    form = SealForm(files=upload("image", drawn_png() + b"<script>alert(1)</script>", "image/png"))
    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data["image"]
    assert cleaned.startswith(b"\x89PNG") and b"<script>" not in cleaned


def test_png_field_refuses_svg_named_png_and_an_empty_drawing():
    svg = SealForm(files=upload("image", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png"))
    assert not svg.is_valid() and svg.errors["image"] == ["Chữ ký phải là ảnh định dạng PNG."]
    blank = io.BytesIO()
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(blank, format="PNG")
    empty = SealForm(files=upload("image", blank.getvalue(), "image/png"))
    assert not empty.is_valid() and "ký" in empty.errors["image"][0]


def test_png_field_refuses_a_file_over_512_kb_before_reading_it():
    form = SealForm(files=upload("image", b"\x89PNG" + b"0" * images.MAX_SIGNATURE_BYTES, "image/png"))
    assert not form.is_valid() and form.errors["image"] == ["Ảnh quá lớn (tối đa 512 KB)."]


def test_pdf_field_returns_the_bytes_and_the_kind_read_from_content():
    form = PdfForm(files=upload("document", PDF, "image/png"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["document"] == CheckedUpload(data=PDF, extension="pdf", name="file.bin")
    assert form.cleaned_data["document"].content_type == "application/pdf"


def test_pdf_field_refuses_a_non_pdf_a_cut_pdf_and_an_image():
    for data, message in (
        (b"<html>%PDF-1.7</html>", "Đây không phải là tệp PDF."),
        (PDF[:-8], "Tệp PDF bị hỏng."),
        (jpeg(), "Đây không phải là tệp PDF."),
    ):
        form = PdfForm(files=upload("document", data, "application/pdf"))
        assert not form.is_valid() and form.errors["document"] == [message]


def test_scan_field_takes_pdf_png_and_jpeg_by_content():
    for data, extension in ((PDF, "pdf"), (drawn_png(), "png"), (jpeg(), "jpg")):
        form = ScanForm(files=upload("scan", data))
        assert form.is_valid(), form.errors
        assert form.cleaned_data["scan"].extension == extension


def test_scan_field_refuses_what_is_neither_and_what_is_too_large():
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    form = ScanForm(files=upload("scan", gif.getvalue(), "application/pdf"))
    assert not form.is_valid() and form.errors["scan"] == ["Tệp phải có định dạng PDF, PNG hoặc JPEG."]
    big = ScanForm(files=upload("scan", PDF + b"0" * 1024 * 1024))
    assert not big.is_valid() and big.errors["scan"] == ["Tệp quá lớn (tối đa 1 MB)."]


def test_nfc_mixin_cleans_what_word_pastes():
    decomposed = "Ngha\u0300nh\u00a0Y te\u0302\u0301\u200b"
    form = TextForm(data={"text": decomposed})
    assert form.is_valid()
    assert form.cleaned_data["text"] == "Nghành Y tế"
