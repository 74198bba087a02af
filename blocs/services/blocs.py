"""Blocs and clusters: creating, editing and renaming them."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from blocs.models import Bloc, BlocName, Event, Province
from blocs.services._common import RegistryError, _rename, event_record, refuse_line_breaks
from core.text import nfc


def bloc_create(
    *,
    actor,
    province: Province,
    kind: str,
    code: str,
    name: str,
    description: str = "",
    formed_from: list[Bloc] = (),
) -> Bloc:
    """Create a bloc in *province*, optionally formed from earlier blocs. Its name and code are single lines."""
    code = nfc(code).upper()
    refuse_line_breaks(code=code, name=nfc(name))
    if Bloc.objects.filter(province=province, code=code).exists():
        raise RegistryError(_("A bloc with code %(code)s exists in this province.") % {"code": code}, field="code")
    with transaction.atomic():
        bloc = Bloc.objects.create(
            province=province, kind=kind, code=code, name=nfc(name), description=nfc(description)
        )
        BlocName.objects.create(bloc=bloc, valid_from=None, name=bloc.name)
        if formed_from:
            bloc.formed_from.set(formed_from)
        event_record(actor=actor, province=province, bloc=bloc, kind=Event.Kind.BLOC_CREATED, summary=bloc.name)
    return bloc


def bloc_update(
    *,
    actor,
    bloc: Bloc,
    kind: str,
    code: str,
    description: str,
    active: bool,
    formed_from: list[Bloc],
) -> Bloc:
    """Change a bloc's kind, code, description, active flag and origins."""
    code = nfc(code).upper()
    refuse_line_breaks(code=code)
    if Bloc.objects.filter(province_id=bloc.province_id, code=code).exclude(pk=bloc.pk).exists():
        raise RegistryError(_("A bloc with code %(code)s exists in this province.") % {"code": code}, field="code")
    if bloc in formed_from:
        raise RegistryError(_("A bloc cannot be formed from itself."), field="formed_from")
    with transaction.atomic():
        bloc.kind, bloc.code, bloc.description, bloc.active = kind, code, nfc(description), active
        bloc.save(update_fields=["kind", "code", "description", "active"])
        bloc.formed_from.set(formed_from)
        event_record(actor=actor, province=bloc.province, bloc=bloc, kind=Event.Kind.BLOC_UPDATED, summary=bloc.name)
    return bloc


def bloc_rename(*, actor, bloc: Bloc, on: datetime.date, name: str) -> Bloc:
    """Give *bloc* a new name from *on*; older dates keep the old one."""
    return _rename(
        actor=actor,
        owner=bloc,
        on=on,
        names={"name": name},
        later_name_message=_("The bloc already has a name from a later date; rename from a later date."),
        kind=Event.Kind.BLOC_RENAMED,
    )
