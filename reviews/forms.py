"""Input validation for the review's pages. Rules live in services."""

import json
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from blocs.forms import LineField, UnitChoiceField
from core.forms import NFCMixin, PdfUploadField, date_field
from core.templatetags.vn import points_filter
from core.text import clean_pasted
from reviews.models import Election
from reviews.services import MAX_CLAIM_NOTE, MAX_EVIDENCE_BYTES, MAX_EVIDENCE_NOTE, MAX_REASON

MAX_TABLE_BYTES = 1024 * 1024


class PointsField(forms.DecimalField):
    """Points with at most one decimal; "8,5" and "8.5" both read as 8.5 (Vietnamese writes a comma)."""

    def __init__(self, *, maximum: Decimal, **kwargs):
        super().__init__(
            min_value=Decimal("0"),
            max_value=maximum,
            max_digits=6,
            decimal_places=1,
            localize=True,  # shown as "8,5" in Vietnamese
            widget=forms.TextInput(
                attrs={
                    "inputmode": "decimal",
                    "class": "form-control form-control-sm points-input",
                    "autocomplete": "off",
                }
            ),
            error_messages={
                "invalid": _("Enter a number of points, like 8,5."),
                "max_decimal_places": _("At most one decimal."),
                "min_value": _("A score cannot be negative."),
            },
            **kwargs,
        )
        self.error_messages["max_value"] = _("At most %(maximum)s points.") % {"maximum": points_filter(maximum)}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
            if value.count(".") > 1:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class TableImportForm(forms.Form):
    document = forms.FileField(
        label=_("Scoring table (JSON file)"),
        required=False,
        help_text=_("In the form of the example table; download it from the table page to see the format."),
    )
    text = forms.CharField(
        label=_("…or paste the JSON here"),
        required=False,
        max_length=MAX_TABLE_BYTES,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("document"), cleaned.get("text")
        if upload:
            if upload.size > MAX_TABLE_BYTES:
                raise ValidationError(_("The file is too large (at most 1 MB)."))
            raw = upload.read()
        elif text:
            raw = text.encode()
        else:
            raise ValidationError(_("Choose a file or paste the table."))
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except RecursionError:
            raise ValidationError(_("The JSON is nested too deeply to be a scoring table.")) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValidationError(_("This is not a JSON file: %(error)s") % {"error": error}) from error
        if not isinstance(data, dict):
            raise ValidationError(_("The JSON must be an object with groups of criteria."))
        cleaned["data"] = data
        return cleaned


class ReviewOpenForm(forms.Form):
    deadline = date_field(_("Self-assessment deadline"))


class AssessmentForm(forms.Form):
    """The unit's scores, evidence notes and claims; one row per criterion and line of the frozen table."""

    def __init__(self, *args, criteria, lines, scores: dict, claims: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria, self.lines = criteria, lines
        for criterion in criteria:
            score = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = PointsField(
                label=criterion.code,
                maximum=criterion.max_points,
                required=False,
                initial=score.self_score if score else None,
            )
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                label=_("Evidence for %(code)s") % {"code": criterion.code},
                required=False,
                max_length=MAX_EVIDENCE_NOTE,
                initial=score.evidence_note if score else "",
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
            )
        for line in lines:
            claim = claims.get(line.pk)
            self.fields[f"times_{line.pk}"] = forms.IntegerField(
                label=line.code,
                min_value=0,
                max_value=99 if line.repeatable else 1,
                required=False,
                initial=claim.times if claim else 0,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm times-input"}),
            )
            self.fields[f"claim_note_{line.pk}"] = forms.CharField(
                label=_("Note for %(code)s") % {"code": line.code},
                required=False,
                max_length=MAX_CLAIM_NOTE,
                initial=claim.note if claim else "",
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = clean_pasted(value)
        for criterion in self.criteria:
            if cleaned.get(f"note_{criterion.pk}") and cleaned.get(f"score_{criterion.pk}") is None:
                if f"score_{criterion.pk}" not in self.errors:
                    self.add_error(f"score_{criterion.pk}", _("Enter the score as well as the evidence."))
        return cleaned

    def rows(self):
        """Criteria with their bound fields, for the template."""
        return [(c, self[f"score_{c.pk}"], self[f"note_{c.pk}"]) for c in self.criteria]

    def line_rows(self):
        return [(x, self[f"times_{x.pk}"], self[f"claim_note_{x.pk}"]) for x in self.lines]

    def scores(self) -> dict:
        return {c: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"note_{c.pk}"]) for c in self.criteria}

    def claims(self) -> dict:
        return {
            x: (self.cleaned_data[f"times_{x.pk}"] or 0, self.cleaned_data[f"claim_note_{x.pk}"]) for x in self.lines
        }


class AdjustForm(forms.Form):
    """The bloc's value and reason for each of a unit's scores (pre-filled with what counts now)."""

    def __init__(self, *args, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.scores = scores
        for score in scores:
            self.fields[f"value_{score.pk}"] = PointsField(
                label=score.criterion.code, maximum=score.criterion.max_points, initial=score.counted
            )
            self.fields[f"reason_{score.pk}"] = forms.CharField(
                label=_("Reason for %(code)s") % {"code": score.criterion.code},
                required=False,
                max_length=MAX_REASON,
                initial=score.adjust_reason,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    def clean(self):
        cleaned = super().clean()
        for score in self.scores:
            reason = clean_pasted(cleaned.get(f"reason_{score.pk}", ""))
            cleaned[f"reason_{score.pk}"] = reason
            value = cleaned.get(f"value_{score.pk}")
            if value is not None and value != score.self_score and not reason:
                self.add_error(f"reason_{score.pk}", _("Give the reason for the adjustment."))
        return cleaned

    def rows(self):
        return [(s, self[f"value_{s.pk}"], self[f"reason_{s.pk}"]) for s in self.scores]

    def changes(self) -> dict:
        return {s: (self.cleaned_data[f"value_{s.pk}"], self.cleaned_data[f"reason_{s.pk}"]) for s in self.scores}


class EvidenceForm(NFCMixin, forms.Form):
    file = PdfUploadField(
        label=_("Evidence file (PDF, PNG or JPEG, at most 10 MB)"), max_bytes=MAX_EVIDENCE_BYTES, scans=True
    )
    criterion = forms.ModelChoiceField(label=_("For criterion"), queryset=None, required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria
        self.fields["criterion"].label_from_instance = lambda c: f"{c.code} – {c.title}"


class BallotOpenForm(forms.Form):
    threshold = forms.IntegerField(
        label=_("Votes needed to pass"),
        min_value=1,
        required=False,
        help_text=_("Empty: more than half of the members at opening."),
    )
    min_band = forms.ChoiceField(label=_("Candidates"), required=False)

    def __init__(self, *args, bands: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["min_band"].choices = [("", _("Every member"))] + [
            (name, _("Members reaching “%(band)s” or higher") % {"band": name}) for name in bands
        ]


class VoteForm(forms.Form):
    """One checkbox list per award form; the rules (quota, a unit once) are the service's."""

    def __init__(self, *args, seats, **kwargs):
        super().__init__(*args, **kwargs)
        self.seats = seats
        for seat in seats:
            self.fields[f"seat_{seat.pk}"] = forms.TypedMultipleChoiceField(
                label=seat.award_form.name,
                coerce=int,
                required=False,
                choices=[(c.pk, c.unit_name) for c in seat.candidates.all()],
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Choose at most %(count)s.") % {"count": seat.seats},
            )

    def choices(self) -> dict:
        return {seat.pk: self.cleaned_data[f"seat_{seat.pk}"] for seat in self.seats}


class AwardFormForm(NFCMixin, forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=30, help_text=_("e.g. co-thi-dua"))
    name = LineField(label=_("Name"), max_length=255)
    default_quota = forms.IntegerField(label=_("Quota per bloc"), min_value=1, max_value=50)
    order = forms.IntegerField(label=_("Order (higher awards first)"), min_value=1, max_value=50, initial=1)


class BallotRuleForm(forms.Form):
    min_turnout_percent = forms.IntegerField(
        label=_("Minimum turnout to count a round (percentage of the members at opening)"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Empty: two thirds of the members, rounded up. Some provinces ask 80 percent for award meetings."),
    )


class QuotaForm(forms.Form):
    quota = forms.IntegerField(label=_("Quota for this bloc"), min_value=0, max_value=50)
    award_form = forms.IntegerField(widget=forms.HiddenInput)


class ElectionForm(NFCMixin, forms.Form):
    chair = UnitChoiceField(label=_("Chair of next year (Khối trưởng)"), queryset=None)
    vice_chair = UnitChoiceField(label=_("Vice-chair of next year (Khối phó)"), queryset=None)
    method = forms.ChoiceField(label=_("How"), choices=Election.Method.choices, widget=forms.RadioSelect)
    chair_votes = forms.IntegerField(label=_("Votes for the chair"), min_value=0, max_value=500, required=False)
    vice_chair_votes = forms.IntegerField(
        label=_("Votes for the vice-chair"), min_value=0, max_value=500, required=False
    )
    reference = LineField(
        label=_("Minutes"), max_length=255, help_text=_("e.g. Biên bản hội nghị tổng kết ngày 27/12/2022")
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("chair", "vice_chair"):
            self.fields[name].queryset = units

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("chair") and cleaned.get("chair") == cleaned.get("vice_chair"):
            self.add_error("vice_chair", _("The chair and the vice-chair must be different units."))
        return cleaned


class DossierForm(NFCMixin, forms.Form):
    number = LineField(label=_("Number of the cover request"), max_length=60, help_text=_("e.g. 05/TTr-KTĐVX"))
    place = LineField(label=_("Place"), max_length=100)
    signed_on = date_field(_("Date"))
    recipients = forms.CharField(
        label=_("Recipients (Nơi nhận)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, e.g. “- Ban Thi đua - Khen thưởng tỉnh;”"),
    )


class ReturnForm(NFCMixin, forms.Form):
    comment = forms.CharField(
        label=_("What the bloc should correct"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class ProposalDecisionForm(NFCMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("pass", _("Pass")), ("cut", _("Cut"))], widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class DecisionForm(NFCMixin, forms.Form):
    number = LineField(
        label=_("Decision number"), max_length=60, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    date = date_field(_("Decision date"))
    signer = LineField(label=_("Signed by"), max_length=150, widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["class"] = "form-control"
