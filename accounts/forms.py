from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.models import Unit
from core.forms import NFCMixin, PngUploadField


class InviteForm(NFCMixin, forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty to invite a board officer."),
    )
    position = forms.CharField(label=_("Position"), max_length=150, required=False, help_text=_("e.g. Phó Giám đốc"))
    can_sign = forms.BooleanField(
        label=_("Signing right"),
        required=False,
        help_text=_("The unit's head, or a deputy authorised to sign for the unit."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class SavedSignatureForm(forms.Form):
    image = PngUploadField(label=_("Signature image (PNG)"))
