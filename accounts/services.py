"""Writes to user accounts: invitations and deactivation, with events."""

import uuid

from axes.utils import reset as axes_reset
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import User
from blocs.models import Event, Province, Unit
from blocs.services import RegistryError, event_record
from core import clock
from core.mail import email_queue
from core.text import nfc


def invitation_link(user: User, site_url: str) -> str:
    """Return the one-time link where *user* sets a password.

    The token hashes the password and last login, so the link dies once used.
    """
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return site_url + reverse("accounts:password_reset_confirm", args=[uid, token])


def user_invite(
    *,
    actor: User,
    province: Province,
    username: str,
    email: str,
    full_name: str,
    unit: Unit | None,
    position: str = "",
    can_sign: bool = False,
    is_clerk: bool = False,
    site_url: str,
) -> User:
    """Create an account without a usable password and e-mail the link that sets one.

    *unit* empty makes a board officer of *province*; a board officer has no signing
    right (*can_sign* is dropped) and cannot be a clerk (*is_clerk* is refused).
    """
    username, email = nfc(username), nfc(email).lower()
    if User.objects.filter(username__iexact=username).exists():
        raise RegistryError(_("This user name is taken."), field="username")
    if User.objects.filter(email__iexact=email).exists():
        raise RegistryError(_("An account with this e-mail address exists."), field="email")
    if is_clerk and unit is None:
        raise RegistryError(
            _("A clerk (văn thư) seals for a unit: choose the unit, or leave the clerk box unticked."),
            field="is_clerk",
        )
    if unit is not None and unit.province_id != province.pk:
        raise RegistryError(_("The unit belongs to another province."), field="unit")
    if unit is not None and not unit.is_active:
        raise RegistryError(
            _("This unit has merged into another or closed: invite into the unit that carries on."), field="unit"
        )
    if (
        unit is None
        and province.successor_id is not None
        and (province.merged_on is None or province.merged_on <= timezone.localdate(clock.now()))
    ):
        raise RegistryError(
            _("%(old)s has merged into another province: invite board officers into the province it merged into.")
            % {"old": province.name}
        )
    with transaction.atomic():
        user = User(
            username=username,
            email=email,
            full_name=nfc(full_name),
            unit=unit,
            province=None if unit else province,
            position=nfc(position),
            can_sign=can_sign and unit is not None,
            is_clerk=is_clerk,
        )
        user.set_unusable_password()
        user.save()
        event_record(
            actor=actor,
            province=province,
            unit=unit,
            kind=Event.Kind.USER_INVITED,
            summary=_("%(name)s (%(email)s) invited") % {"name": user.full_name, "email": email},
        )
        link = invitation_link(user, site_url)
        body = render_to_string("accounts/invitation_email.txt", {"user": user, "link": link, "actor": actor})
        # Stored with the account and sent by a task: a failing mail server neither breaks nor slows the invitation.
        email_queue(to=email, subject=_("Your account for the emulation pledge"), text=body)
    return user


def user_deactivate(*, actor: User, user: User, province: Province) -> User:
    """Stop *user* from logging in; what the user signed stays on record."""
    if user.pk == actor.pk:
        raise RegistryError(_("You cannot deactivate your own account."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            return user
        user.is_active = False
        user.save(update_fields=["is_active"])
        event_record(
            actor=actor,
            province=province,
            unit=user.unit,
            kind=Event.Kind.USER_DEACTIVATED,
            summary=_("%(name)s deactivated") % {"name": user.full_name},
        )
    return user


def saved_signature_set(*, user: User, png: bytes) -> User:
    """Store *png* (already checked and re-encoded) as *user*'s saved signature."""
    old = user.saved_signature.name if user.saved_signature else None
    user.saved_signature.save(f"{uuid.uuid4().hex}.png", ContentFile(png), save=False)
    user.save(update_fields=["saved_signature"])
    if old:
        user.saved_signature.storage.delete(old)
    return user


def login_failures_clear(*, username: str) -> int:
    """Forget *username*'s failed logins from every address; return how many records went.

    For a password just set through the e-mailed link: its owner has proved who they are,
    and a lock that somebody else's wrong passwords caused must not outlive that.
    """
    return axes_reset(username=username)
