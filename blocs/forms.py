"""Input validation for the registry's pages. Rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.models import Bloc, Unit
from blocs.validators import validate_single_line
from core.forms import NFCMixin, PngUploadField, date_field


class LineField(forms.CharField):
    """A name, title, code or reference: one line of text (it goes into headings and e-mail subjects)."""

    default_validators = [validate_single_line]


class UnitChoiceField(forms.ModelChoiceField):
    """A unit chosen by its code and name ("SKHCN — Sở Khoa học và Công nghệ"): two units may share a name."""

    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several units, each shown by its code and name."""

    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class ProvinceChoiceMixin:
    """Add a province choice only for users who may write in several provinces."""

    def __init__(self, *args, provinces=None, **kwargs):
        super().__init__(*args, **kwargs)
        if provinces is not None and len(provinces) > 1:
            self.fields["province"] = forms.ModelChoiceField(label=_("Province"), queryset=provinces)


class UnitForm(NFCMixin, ProvinceChoiceMixin, forms.Form):
    code = LineField(label=_("Code"), max_length=30)
    name = LineField(label=_("Full name"), max_length=255)
    short_name = LineField(label=_("Short name"), max_length=100, required=False)
    head_title = LineField(label=_("Title of the head"), max_length=100, help_text=_("e.g. Giám đốc"))


class UnitCodeForm(NFCMixin, forms.Form):
    code = LineField(label=_("Code"), max_length=30)


class UnitRenameForm(NFCMixin, forms.Form):
    on = date_field(_("New name from"))
    name = LineField(label=_("Full name"), max_length=255)
    short_name = LineField(label=_("Short name"), max_length=100, required=False)
    head_title = LineField(label=_("Title of the head"), max_length=100)


class UnitMergeForm(NFCMixin, forms.Form):
    sources = UnitMultipleChoiceField(label=_("Units merged into this one"), queryset=Unit.objects.none())
    on = date_field(_("Merged on"))
    decision_number = LineField(
        label=_("Number of the decision"),
        max_length=100,
        help_text=_("The decision that merges them, e.g. 1234/QĐ-UBND"),
    )
    decision_date = date_field(_("Date of the decision"))
    decision_issuer = LineField(
        label=_("Issuing authority"), max_length=255, help_text=_("e.g. Ủy ban nhân dân tỉnh Nam Định")
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = units


class UnitCloseForm(NFCMixin, forms.Form):
    on = date_field(_("Left the registry on"))
    reason = forms.CharField(label=_("Reason"), max_length=255)


class BlocForm(NFCMixin, ProvinceChoiceMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Bloc.Kind.choices)
    code = LineField(label=_("Code"), max_length=30)
    name = LineField(label=_("Name"), max_length=255)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    formed_from = forms.ModelMultipleChoiceField(label=_("Formed from"), queryset=Bloc.objects.none(), required=False)

    def __init__(self, *args, blocs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["formed_from"].queryset = blocs


class BlocEditForm(NFCMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Bloc.Kind.choices)
    code = LineField(label=_("Code"), max_length=30)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    active = forms.BooleanField(label=_("Active"), required=False)
    formed_from = forms.ModelMultipleChoiceField(label=_("Formed from"), queryset=Bloc.objects.none(), required=False)

    def __init__(self, *args, blocs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["formed_from"].queryset = blocs


class BlocRenameForm(NFCMixin, forms.Form):
    on = date_field(_("New name from"))
    name = LineField(label=_("Name"), max_length=255)


class RolesMixin(forms.Form):
    chair = UnitChoiceField(label=_("Chair (Khối trưởng)"), queryset=Unit.objects.none())
    vice_chair = UnitChoiceField(label=_("Vice-chair (Khối phó)"), queryset=Unit.objects.none())
    reference = LineField(
        label=_("Decision or minutes"),
        max_length=255,
        required=False,
        help_text=_("e.g. Biên bản hội nghị tổng kết ngày 15/12/2021"),
    )

    def clean(self):
        cleaned = super().clean()
        chair, vice = cleaned.get("chair"), cleaned.get("vice_chair")
        if chair and vice and chair == vice:
            self.add_error("vice_chair", _("The chair and the vice-chair must be different units."))
        return cleaned


class TermCreateForm(NFCMixin, RolesMixin):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    units = UnitMultipleChoiceField(label=_("Members"), queryset=Unit.objects.none())
    field_order = ["year", "units", "chair", "vice_chair", "reference"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("units", "chair", "vice_chair"):
            self.fields[name].queryset = units


class RolesForm(NFCMixin, RolesMixin):
    effective_on = date_field(_("From"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = units
        self.fields["vice_chair"].queryset = units


class RolloverForm(NFCMixin, RolesMixin):
    units = UnitMultipleChoiceField(label=_("Members"), queryset=Unit.objects.none())
    field_order = ["units", "chair", "vice_chair", "reference"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("units", "chair", "vice_chair"):
            self.fields[name].queryset = units


class MembershipAddForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    joined_on = date_field(_("Joined on"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MembershipEndForm(NFCMixin, forms.Form):
    left_on = date_field(_("Left on"))
    reason = forms.CharField(label=_("Reason"), max_length=255)


class ViceChairActingForm(NFCMixin, forms.Form):
    acting = forms.BooleanField(label=_("The vice-chair acts for the chair"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)


class ProvinceSigningForm(forms.Form):
    """The province's rules for ký số: its trust list (typed, pasted or from a file) and agency seals.

    Not cleaned by ``NFCMixin``: PEM is ASCII, and the service normalises its line endings.
    """

    trust_list = forms.CharField(
        label=_("Root certificates (PEM)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace small", "spellcheck": "false"}),
        help_text=_(
            "Paste each root certificate, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----. "
            "Delete a block to remove that root; empty the box to trust none."
        ),
    )
    trust_file = forms.FileField(
        label=_("Or add the roots of a file (.pem, .crt, .cer)"),
        required=False,
        help_text=_("At most 200 KB; its certificates are added to those above."),
    )
    requires_agency_seal = forms.BooleanField(
        label=_("Agency seals required"),
        required=False,
        help_text=_(
            "In pledges signed digitally, each unit's clerk (văn thư) adds the agency's digital signature "
            "after the unit's head signs."
        ),
    )

    def clean_trust_file(self) -> str:
        """Return the file's certificates as PEM text (a .cer is often binary DER), or ""."""
        from asn1crypto import pem

        from blocs.services import MAX_TRUST_LIST_BYTES

        upload = self.cleaned_data.get("trust_file")
        if not upload:
            return ""
        if upload.size > MAX_TRUST_LIST_BYTES:  # refused before it is read
            raise forms.ValidationError(
                _("The file is too large (at most %(kb)s KB).") % {"kb": MAX_TRUST_LIST_BYTES // 1024}
            )
        data = upload.read(MAX_TRUST_LIST_BYTES + 1)
        if pem.detect(data):
            try:
                return data.decode("ascii")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(_("The file is not a certificate file (.pem, .crt or .cer).")) from error
        return pem.armor("CERTIFICATE", data).decode("ascii")  # the service refuses it if it is no certificate

    def clean(self):
        cleaned = super().clean()
        extra = cleaned.get("trust_file")
        if extra:
            cleaned["trust_list"] = "\n".join(part for part in (cleaned.get("trust_list", ""), extra) if part)
        return cleaned


class BoardNameForm(NFCMixin, forms.Form):
    board_name = LineField(
        label=_("Name of the board"),
        max_length=255,
        required=False,
        help_text=_(
            "As documents address it, e.g. “Sở Nội vụ tỉnh Ninh Bình (Phòng Thi đua - Khen thưởng)”; "
            "empty for “Ban Thi đua - Khen thưởng tỉnh …”."
        ),
    )


class SealForm(forms.Form):
    image = PngUploadField(label=_("Seal image (PNG, transparent background)"))


class ImportForm(ProvinceChoiceMixin, forms.Form):
    document = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_("At most 5 MB; start from the template."),
    )
    field_order = ["province", "document"]

    def clean_document(self) -> bytes:
        from blocs.importer import MAX_FILE_BYTES

        upload = self.cleaned_data["document"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 5 MB)."))
        return upload.read()
