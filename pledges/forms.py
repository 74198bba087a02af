"""Input validation for pledges: text, dates, signature images and scans."""

import base64
import binascii

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import images
from core.forms import NFCMixin, PdfUploadField, date_field
from pledges.models import Comment, PledgeItem, RequiredSigner, Signature


class PledgeForm(NFCMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=255, required=False, help_text=_("Empty: “Giao ước thi đua năm …”")
    )
    place = forms.CharField(label=_("Place"), max_length=100, help_text=_("e.g. Nam Định"))
    signing_date = date_field(_("Signing date"))
    legal_grounds = forms.CharField(
        label=_("Legal grounds"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One ground per line."),
    )
    introduction = forms.CharField(label=_("Introduction"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    slogan = forms.CharField(label=_("Slogan"), max_length=255, required=False)
    implementation = forms.CharField(
        label=_("Implementation"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ItemForm(NFCMixin, forms.Form):
    text = forms.CharField(label=_("Commitment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class OpenForm(forms.Form):
    deadline = date_field(_("Signing deadline"))
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ReasonForm(NFCMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)


def _decode_data_url(value: str) -> bytes:
    prefix = "data:image/png;base64,"
    if not value.startswith(prefix):
        raise ValidationError(_("The signature must be a PNG image."))
    encoded = value[len(prefix) :]
    if len(encoded) > images.MAX_SIGNATURE_BYTES * 4 // 3 + 8:
        raise ValidationError(_("The signature image is too large (at most 512 KB)."))
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValidationError(_("The signature must be a PNG image.")) from error


class SignForm(NFCMixin, forms.Form):
    METHODS = [
        (Signature.Kind.DRAWN, _("Draw my signature")),
        (Signature.Kind.TYPED, _("Use my typed name")),
        (Signature.Kind.SAVED, _("Use my saved signature")),
    ]
    agree = forms.BooleanField(label=_("Tôi đã đọc và đồng ý"), required=True)
    typed_name = forms.CharField(label=_("Type your full name"), max_length=150)
    method = forms.ChoiceField(
        label=_("Signature"), choices=METHODS, widget=forms.RadioSelect, initial=Signature.Kind.DRAWN
    )
    drawn = forms.CharField(widget=forms.HiddenInput, required=False, max_length=800_000)
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.saved_signature:
            self.fields["method"].choices = self.METHODS[:2]

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        try:
            if method == Signature.Kind.DRAWN:
                cleaned["png"] = images.clean_signature_png(_decode_data_url(cleaned.get("drawn", "")))
            elif method == Signature.Kind.TYPED:
                cleaned["png"] = images.typed_signature_png(self.user.full_name)
            elif method == Signature.Kind.SAVED:
                with self.user.saved_signature.open("rb") as saved:
                    cleaned["png"] = images.clean_signature_png(saved.read())
        except ValidationError as error:
            self.add_error("method", error)
        except OSError:
            self.add_error("method", _("Your saved signature cannot be read: upload it again."))
        return cleaned


class PaperSignatureForm(NFCMixin, forms.Form):
    signer = forms.ModelChoiceField(label=_("Unit"), queryset=RequiredSigner.objects.none())
    signer_name = forms.CharField(label=_("Full name of the signer"), max_length=150)
    capacity = forms.CharField(
        label=_("Signing capacity"), max_length=120, help_text=_("e.g. GIÁM ĐỐC or KT. GIÁM ĐỐC")
    )
    capacity_title = forms.CharField(
        label=_("Title under the capacity"), max_length=120, required=False, help_text=_("e.g. PHÓ GIÁM ĐỐC")
    )
    scan = PdfUploadField(
        label=_("Scan of the signed page (PDF, PNG or JPEG)"), max_bytes=images.MAX_SCAN_BYTES, scans=True
    )

    def __init__(self, *args, signers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = signers


MAX_PDF_BYTES = 30 * 1024 * 1024


class VerifyUploadForm(forms.Form):
    document = PdfUploadField(label=_("PDF file to check"), max_bytes=MAX_PDF_BYTES)


class DigitalSignatureForm(forms.Form):
    signed_pdf = PdfUploadField(
        label=_("The pledge's PDF, signed with your digital certificate"), max_bytes=MAX_PDF_BYTES
    )


class CommentForm(NFCMixin, forms.Form):
    item = forms.ModelChoiceField(
        label=_("On commitment"), queryset=PledgeItem.objects.none(), required=False, empty_label=_("The whole draft")
    )
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class CommentsOpenForm(forms.Form):
    until = date_field(_("Comments close on"))


class AnswerForm(NFCMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(k, v) for k, v in Comment.Decision.choices if k != Comment.Decision.PENDING],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )
