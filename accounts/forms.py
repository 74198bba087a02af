from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from blocs.models import Unit
from core.forms import NFCMixin, PngUploadField
from core.mail import email_queue, render_subject


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
    is_clerk = forms.BooleanField(
        label=_("Clerk (văn thư)"),
        required=False,
        help_text=_("Adds the agency's digital signature after the unit's head signs; needs a unit."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


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
