"""The dashboard's filters: validation of the query string only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.models import Bloc
from core.text import nfc
from pledges.models import Pledge
from reviews.models import Review

# "none": the year has no live pledge (or no review) yet.
NONE = "none"
PLEDGE_CHOICES = [
    ("", _("Any pledge state")),
    (NONE, _("No pledge yet")),
    (Pledge.Status.DRAFT, Pledge.Status.DRAFT.label),
    (Pledge.Status.OPEN, Pledge.Status.OPEN.label),
    (Pledge.Status.COMPLETED, Pledge.Status.COMPLETED.label),
]
REVIEW_CHOICES = [
    ("", _("Any review state")),
    (NONE, _("Review not opened")),
    *Review.Status.choices,
]


class DashboardFilterForm(forms.Form):
    """The search box and the filters; a value that does not validate is ignored, not an error page."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "class": "form-control",
                "placeholder": _("Bloc or member unit, with or without diacritics"),
            }
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Blocs and clusters")), *Bloc.Kind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    pledge = forms.ChoiceField(
        label=_("Pledge"), required=False, choices=PLEDGE_CHOICES, widget=forms.Select(attrs={"class": "form-select"})
    )
    review = forms.ChoiceField(
        label=_("Year-end review"),
        required=False,
        choices=REVIEW_CHOICES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    province = forms.IntegerField(label=_("Province"), required=False, min_value=1, max_value=10**18)

    def clean_q(self) -> str:
        return " ".join(nfc(self.cleaned_data["q"]).split())

    def filters(self) -> dict:
        """Return the fields that validated (an unknown kind or state is dropped, not shown as an error)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
