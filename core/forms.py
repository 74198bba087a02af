"""Form pieces every app shares: text cleaning, day-first dates, and uploads checked by content."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import images
from core.text import clean_pasted


class NFCMixin:
    """Clean every text field: NFC (pasted text is often decomposed), and what Word leaves behind."""

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = clean_pasted(value)
        return cleaned


class DateInput(forms.DateInput):
    """A day-first text date ("30/03/2022"); the format comes from our locale files."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", **(attrs or {})})


def date_field(label, **kwargs) -> forms.DateField:
    """Return a day-first date field whose error shows the expected form."""
    return forms.DateField(
        label=label,
        widget=DateInput(),
        error_messages={"invalid": _("Enter the date day first, like 30/03/2022.")},
        **kwargs,
    )


class PngUploadField(forms.FileField):
    """A signature or seal image: a real PNG of at most 512 KB, with ink; cleans to re-encoded PNG bytes."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        if upload.size > images.MAX_SIGNATURE_BYTES:  # refused before it is read
            raise ValidationError(_("The image is too large (at most 512 KB)."))
        return images.clean_signature_png(upload.read())


@dataclass(frozen=True)
class CheckedUpload:
    """An upload whose kind was read from its content: ``extension`` is "pdf", "png" or "jpg"."""

    data: bytes
    extension: str
    name: str

    @property
    def content_type(self) -> str:
        return images.CONTENT_TYPES[self.extension]


class PdfUploadField(forms.FileField):
    """A PDF of at most *max_bytes* (with *scans*, also a PNG or JPEG image), checked by content.

    Cleans to a ``CheckedUpload``; the declared type and the file name are never trusted.
    """

    def __init__(self, *, max_bytes: int, scans: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.max_bytes = max_bytes
        self.scans = scans

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        if upload.size > self.max_bytes:  # refused before it is read
            raise ValidationError(
                _("The file is too large (at most %(mb)s MB).") % {"mb": self.max_bytes // (1024 * 1024)}
            )
        content = upload.read()
        if self.scans:
            extension = images.clean_pdf_or_image(content, max_bytes=self.max_bytes)
        else:
            images.clean_pdf(content)
            extension = "pdf"
        return CheckedUpload(data=content, extension=extension, name=upload.name or "")
