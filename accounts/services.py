"""Writes to user accounts: invitations, changes and deactivation, with events."""

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
from blocs.validators import LINE_BREAK_MESSAGE, has_line_break
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
    signing_capacity: str = User.Capacity.HEAD,
    site_url: str,
) -> User:
    """Create an account without a usable password and e-mail the link that sets one.

    *unit* empty makes a board officer of *province*; a board officer has no signing
    right (*can_sign* is dropped) and cannot be a clerk (*is_clerk* is refused). A deputy
    (*signing_capacity*) needs a *position*, which the signature block prints.
    """
    username, email, position = nfc(username), nfc(email).lower(), nfc(position)
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
    if unit is not None:
        _check_capacity(unit=unit, position=position, signing_capacity=signing_capacity)
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
            position=position,
            can_sign=can_sign and unit is not None,
            is_clerk=is_clerk,
            signing_capacity=signing_capacity if unit is not None else User.Capacity.HEAD,
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


def _check_capacity(*, unit: Unit, position: str, signing_capacity: str) -> None:
    """Refuse a signing capacity that the signature block cannot print.

    A deputy signs "KT. GIÁM ĐỐC" over his or her own position ("PHÓ GIÁM ĐỐC"): without a
    position the block would print an empty line where the signer's title belongs.
    """
    if signing_capacity not in User.Capacity.values:
        raise RegistryError(
            _("Choose the signing capacity: head, deputy (KT.) or acting head (Q.)."), field="signing_capacity"
        )
    if signing_capacity == User.Capacity.DEPUTY and not position:
        raise RegistryError(
            _("A deputy signs “KT. %(head)s” over his or her own position: fill in the position, e.g. “Phó %(title)s”.")
            % {"head": unit.head_title.upper(), "title": unit.head_title},
            field="position",
        )


def _shown(user: User, field: str) -> str:
    """Return *user*'s *field* as the audit trail writes it."""
    value = getattr(user, field)
    if field == "signing_capacity":
        return str(user.get_signing_capacity_display())
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value or "—")


def user_update(
    *,
    actor: User,
    user: User,
    full_name: str,
    position: str,
    can_sign: bool,
    signing_capacity: str,
    is_clerk: bool,
    unit: Unit | None,
) -> User:
    """Change *user*'s name, position, signing right and capacity, clerk role and unit; return the account.

    A unit's people stay in a unit of the same province that still exists (their history
    stays with the old unit's records); a board officer keeps no unit, no signing right and
    no clerk role. Nothing is written when nothing changes. Who may call this is decided in
    ``accounts.access.get_user_for_edit``.
    """
    full_name, position = nfc(full_name), nfc(position)
    if not full_name:
        raise RegistryError(_("Fill in the full name: it is printed under the signature."), field="full_name")
    for field, value in (("full_name", full_name), ("position", position)):
        if has_line_break(value):
            raise RegistryError(str(LINE_BREAK_MESSAGE), field=field)
    with transaction.atomic():
        # Lock the row: two officers saving at once would each record changes against a stale "before".
        locked = (
            User.objects.select_for_update(of=("self",)).select_related("unit__province", "province").get(pk=user.pk)
        )
        if locked.unit_id is None:
            if unit is not None:
                raise RegistryError(
                    _("A board officer belongs to no unit: invite the person into the unit instead."), field="unit"
                )
            if can_sign:
                raise RegistryError(_("A board officer has no signing right."), field="can_sign")
            if is_clerk:
                raise RegistryError(
                    _("A clerk (văn thư) seals for a unit: a board officer cannot be one."), field="is_clerk"
                )
            signing_capacity = User.Capacity.HEAD
        else:
            if unit is None:
                raise RegistryError(_("Choose the unit."), field="unit")
            if unit.province_id != locked.unit.province_id:
                raise RegistryError(_("The unit belongs to another province."), field="unit")
            if unit.pk != locked.unit_id and not unit.is_active:
                raise RegistryError(
                    _("This unit has merged into another or closed: choose the unit that carries on."), field="unit"
                )
            _check_capacity(unit=unit, position=position, signing_capacity=signing_capacity)
        wanted = {
            "full_name": full_name,
            "position": position,
            "can_sign": can_sign,
            "signing_capacity": signing_capacity,
            "is_clerk": is_clerk,
            "unit_id": unit.pk if unit is not None else None,
        }
        changed = [field for field, value in wanted.items() if getattr(locked, field) != value]
        if not changed:
            return locked
        before = {field: _shown(locked, field.removesuffix("_id")) for field in changed}
        for field in changed:
            setattr(locked, field, wanted[field])
        if "unit_id" in changed:
            locked.unit = unit
        locked.save(update_fields=changed)
        after = {field: _shown(locked, field.removesuffix("_id")) for field in changed}
        labels = {field: str(User._meta.get_field(field.removesuffix("_id")).verbose_name) for field in changed}
        event_record(
            actor=actor,
            province=locked.unit.province if locked.unit else locked.province,
            unit=locked.unit,
            kind=Event.Kind.USER_UPDATED,
            summary=_("%(name)s: %(changes)s")
            % {
                "name": locked.full_name,
                "changes": "; ".join(f"{labels[f]} {before[f]} → {after[f]}" for f in changed),
            },
            changes={field.removesuffix("_id"): [before[field], after[field]] for field in changed},
        )
    return locked


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
