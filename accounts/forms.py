from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from blocs.forms import LineField, UnitChoiceField
from blocs.models import Unit
from core.forms import NFCMixin, PngUploadField
from core.mail import email_queue, render_subject


class InviteForm(NFCMixin, forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    unit = UnitChoiceField(
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
    signing_capacity = forms.ChoiceField(
        label=_("Signs as"),
        choices=User.Capacity.choices,
        initial=User.Capacity.HEAD,
        required=False,
        help_text=_("A deputy signs “KT. GIÁM ĐỐC” over his or her position; an acting head “Q. GIÁM ĐỐC”."),
    )
    is_clerk = forms.BooleanField(
        label=_("Clerk (văn thư)"),
        required=False,
        help_text=_("Adds the agency's digital signature after the unit's head signs; needs a unit."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_signing_capacity(self) -> str:
        # A post without the field (an older page, a script) means the head, as before it existed.
        return self.cleaned_data["signing_capacity"] or User.Capacity.HEAD


class UserEditForm(NFCMixin, forms.Form):
    """A person's name, position and roles; *units* (the board's choice) adds the unit, *signer* the signing fields.

    ``preview()`` returns the title lines of the signature block the values would print.
    """

    full_name = LineField(label=_("Full name"), max_length=150, help_text=_("As printed under the signature."))
    position = LineField(label=_("Position"), max_length=150, required=False, help_text=_("e.g. Phó Giám đốc"))
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    can_sign = forms.BooleanField(
        label=_("Signing right"),
        required=False,
        help_text=_("The unit's head, or a deputy authorised to sign for the unit."),
    )
    signing_capacity = forms.ChoiceField(
        label=_("Signs as"),
        choices=User.Capacity.choices,
        widget=forms.RadioSelect,
        help_text=_("A deputy signs “KT. GIÁM ĐỐC” over his or her position; an acting head “Q. GIÁM ĐỐC”."),
    )
    is_clerk = forms.BooleanField(
        label=_("Clerk (văn thư)"),
        required=False,
        help_text=_("Adds the agency's digital signature after the unit's head signs."),
    )

    def __init__(self, *args, target: User, units=None, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "full_name": target.full_name,
                "position": target.position,
                "unit": target.unit_id,
                "can_sign": target.can_sign,
                "signing_capacity": target.signing_capacity,
                "is_clerk": target.is_clerk,
            },
        )
        super().__init__(*args, **kwargs)
        self.target = target
        if target.unit_id is None:
            # A board officer: no unit, no signing, no seal.
            for name in ("unit", "can_sign", "signing_capacity", "is_clerk"):
                del self.fields[name]
        elif units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units

    def preview(self) -> tuple[str, str] | None:
        """Return the signature block's title lines for the values on the form (typed, or else the account's).

        None for a board officer, who signs nothing. Read from the raw input, so that a form
        shown again with errors still previews what was typed.
        """
        if "signing_capacity" not in self.fields:
            return None
        signer = User(
            position=self._value("position", self.target.position),
            signing_capacity=self._value("signing_capacity", self.target.signing_capacity),
        )
        unit = self.target.unit
        if "unit" in self.fields and self.is_bound:
            chosen = self.cleaned_data.get("unit") if hasattr(self, "cleaned_data") else None
            unit = chosen or unit
        return signer.capacity_lines(unit.head_title)

    def _value(self, name: str, default: str) -> str:
        if not self.is_bound:
            return default
        if hasattr(self, "cleaned_data") and name in self.cleaned_data:
            return self.cleaned_data[name]
        return str(self.data.get(name, default))


class SavedSignatureForm(forms.Form):
    image = PngUploadField(label=_("Signature image (PNG)"))


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the e-mail sent by the task queue like every other one.

    A slow or failing SMTP server then never slows or breaks the page, and a failed send is
    retried and visible in the admin (``core.models.OutgoingEmail``).
    """

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        html = render_to_string(html_email_template_name, context) if html_email_template_name else ""
        email_queue(
            to=to_email,
            subject=render_subject(subject_template_name, context),
            text=render_to_string(email_template_name, context),
            html=html,
        )
