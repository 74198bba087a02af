"""Input validation for pledges: text, dates, signature images and scans."""

import base64
import binascii

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from core import images
from core.forms import NFCMixin, PdfUploadField, date_field
from pledges import limits
from pledges.models import Comment, LegalGround, Pledge, PledgeItem, Signature


def one_line(value: str) -> None:
    """Refuse a line break in a title or a name: it would split a heading or an e-mail subject."""
    if limits.has_line_break(value):
        raise ValidationError(limits.one_line_message(), code="line_break")


def _limit(name: str) -> int:
    return limits.TEXT_LIMITS[name]


class PledgeForm(NFCMixin, forms.Form):
    """The draft's texts, each within ``pledges.limits`` (the service checks them again)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=_limit("title"),
        required=False,
        validators=[one_line],
        help_text=_("Empty: “Giao ước thi đua năm …”"),
    )
    place = forms.CharField(
        label=_("Place"), max_length=_limit("place"), validators=[one_line], help_text=_("e.g. Nam Định")
    )
    signing_date = date_field(_("Signing date"))
    legal_grounds = forms.CharField(
        label=_("Legal grounds"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=_limit("legal_grounds"),
        required=False,
        help_text=_("One ground per line."),
    )
    introduction = forms.CharField(
        label=_("Introduction"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=_limit("introduction"),
        required=False,
    )
    slogan = forms.CharField(label=_("Slogan"), max_length=_limit("slogan"), required=False, validators=[one_line])
    implementation = forms.CharField(
        label=_("Implementation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=_limit("implementation"),
        required=False,
    )


class ItemForm(NFCMixin, forms.Form):
    """One commitment; *count* is how many the draft has already (refused at ``limits.MAX_ITEMS``)."""

    text = forms.CharField(
        label=_("Commitment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=limits.MAX_ITEM_CHARS
    )

    def __init__(self, *args, count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = count

    def clean(self):
        cleaned = super().clean()
        if self.count is not None and self.count >= limits.MAX_ITEMS:
            raise ValidationError(limits.items_message())
        return cleaned


class OpenForm(forms.Form):
    deadline = date_field(_("Signing deadline"))
    signing_mode = forms.ChoiceField(
        label=_("How the heads sign"),
        choices=Pledge.SigningMode.choices,
        widget=forms.RadioSelect,
        required=False,  # left out: ký số wherever the province has a trust list
        help_text=_(
            "Digital signatures make the signed PDF an electronic original (each head's own certificate);"
            " signature images make an electronic record under the application's seal."
        ),
    )
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ReasonForm(NFCMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=limits.MAX_REASON_CHARS, validators=[one_line])


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
            if method == Signature.Kind.DRAWN and not cleaned.get("drawn"):
                # Nothing drawn (or a browser without scripts): say what to do, not what a PNG is.
                self.add_error("method", _("Sign in the box below"))
            elif method == Signature.Kind.DRAWN:
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


class SignerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        parts = [user.full_name, user.position, user.unit.name if user.unit_id else ""]
        return " – ".join(part for part in parts if part)


class PaperSignatureForm(forms.Form):
    """A head's signature on paper: the person (registered, with signing right, in a unit still to
    sign — chosen, never typed) and the scan of the signed page."""

    signer_user = SignerChoiceField(
        label=_("Who signed on paper"),
        queryset=None,
        help_text=_(
            "The people with signing right of the units still to sign. Someone missing must first be"
            " registered in their unit with signing right."
        ),
    )
    scan = PdfUploadField(
        label=_("Scan of the signed page (PDF, PNG or JPEG)"),
        max_bytes=images.MAX_SCAN_BYTES,
        scans=True,
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer_user"].queryset = people
        self.fields["scan"].help_text = _("At most %(pages)s pages; it is kept as page images only.") % {
            "pages": images.MAX_SCAN_PAGES
        }


class DisputeForm(NFCMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why this signature is not your unit's"),
        max_length=limits.MAX_REASON_CHARS,
        validators=[one_line],
        help_text=_("e.g. “Our head did not sign this pledge on paper.”"),
    )


class VerifyCodeForm(forms.Form):
    """The code printed under every page: 10 letters and digits (upper or lower case)."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=16,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9]{4,16}$",
                _("A verification code has only letters and digits, as printed under every page."),
            )
        ],
    )


MAX_PDF_BYTES = 30 * 1024 * 1024
# A signed revision of the 30-member original is a few MB; the services refuse beyond 20 MB.
MAX_SIGNED_PDF_BYTES = 20 * 1024 * 1024


class VerifyUploadForm(forms.Form):
    document = PdfUploadField(label=_("PDF file to check"), max_bytes=MAX_PDF_BYTES)


class RevisionUploadForm(forms.Form):
    signed_pdf = PdfUploadField(
        label=_("The current revision, signed with your digital certificate"), max_bytes=MAX_SIGNED_PDF_BYTES
    )


class TurnForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How you sign"),
        choices=[
            ("csc", _("Remote signing on my phone (CSC)")),
            ("upload", _("USB token or a signing tool: download, sign, upload")),
            ("plugin", _("The signing plugin on this computer")),
        ],
        widget=forms.RadioSelect,
    )


class OtpForm(forms.Form):
    otp = forms.CharField(label=_("One-time password"), max_length=32, strip=True)


class RemoteAccountForm(NFCMixin, forms.Form):
    provider = forms.ChoiceField(label=_("Provider"), choices=())
    credential_id = forms.CharField(
        label=_("Credential"),
        max_length=255,
        help_text=_("The identifier of your certificate at the provider (credential ID)."),
    )

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [
            (code, provider.get("name", code)) for code, provider in settings.CSC_PROVIDERS.items()
        ]


class CommentForm(NFCMixin, forms.Form):
    item = forms.ModelChoiceField(
        label=_("On commitment"), queryset=PledgeItem.objects.none(), required=False, empty_label=_("The whole draft")
    )
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=limits.MAX_COMMENT_CHARS
    )

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
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.MAX_COMMENT_CHARS,
        required=False,
    )


class LegalGroundForm(NFCMixin, forms.Form):
    """A province's own regulation that its pledges may cite (the board enters it)."""

    text = forms.CharField(
        label=_("Line as printed"),
        max_length=LegalGround._meta.get_field("text").max_length,
        validators=[one_line],
        help_text=_("e.g. “Căn cứ Quyết định số 86/2025/QĐ-UBND ngày … của UBND tỉnh … ban hành Quy chế …;”"),
    )
    short_name = forms.CharField(
        label=_("Short name"), max_length=LegalGround._meta.get_field("short_name").max_length, validators=[one_line]
    )
    number = forms.CharField(
        label=_("Document number"),
        max_length=LegalGround._meta.get_field("number").max_length,
        required=False,
        validators=[one_line],
        help_text=_("e.g. 86/2025/QĐ-UBND: a line of a draft that contains it cites this ground."),
    )
    valid_from = date_field(_("In force from"))
    valid_until = date_field(_("In force until"), required=False, help_text=_("Empty: still in force."))
    order = forms.IntegerField(
        label=_("Order"), min_value=0, max_value=1000, initial=100, help_text=_("Grounds print in this order.")
    )


class QuestionForm(NFCMixin, forms.Form):
    """A head's question to the chair's officers before signing ("Tôi có ý kiến")."""

    text = forms.CharField(
        label=_("Your question or comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent by e-mail to the chair's officers, with your name, unit and e-mail address."),
    )
