"""Provinces: the tenants of the registry, and their mergers."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from blocs.models import Event, Province, ProvinceName
from blocs.services._common import RegistryError, _date_text, event_record, refuse_line_breaks
from blocs.services.units import unit_create, unit_merge
from core.text import nfc


def province_create(*, actor, code: str, name: str) -> Province:
    """Create a province (the tenant) with its first name."""
    code, name = nfc(code).upper(), nfc(name)
    refuse_line_breaks(code=code, name=name)
    if Province.objects.filter(code=code).exists():
        raise RegistryError(_("A province with code %(code)s exists.") % {"code": code}, field="code")
    with transaction.atomic():
        province = Province.objects.create(code=code, name=name)
        ProvinceName.objects.create(province=province, valid_from=None, name=name)
        event_record(actor=actor, province=province, kind=Event.Kind.PROVINCE_CREATED, summary=name)
    return province


def province_merge(*, actor, sources: list[Province], target: Province, on: datetime.date) -> None:
    """Merge *sources* into *target* on *on*.

    The old provinces' units and blocs stay on record under their names. Each
    living unit of an old province gets a successor in *target*: the unit of
    *target* with the same code where there is one, otherwise a copy.
    """
    if target in sources:
        raise RegistryError(_("A province cannot be merged into itself."))
    if target.successor_id is not None:
        raise RegistryError(_("%(name)s has itself been merged.") % {"name": target.name})
    with transaction.atomic():
        for source in sources:
            source = Province.objects.select_for_update().get(pk=source.pk)
            if source.successor_id == target.pk:
                continue  # already merged: nothing changes
            if source.successor_id is not None:
                raise RegistryError(_("%(name)s has already been merged.") % {"name": source.name})
            source.successor, source.merged_on = target, on
            source.save(update_fields=["successor", "merged_on"])
            source.blocs.update(active=False)  # on record; the new province forms its own blocs
            living = source.units.filter(successor__isnull=True, closed_on__isnull=True)
            for unit in living.prefetch_related("versions"):
                successor = target.units.filter(code=unit.code).first()
                if successor is None:
                    successor = unit_create(
                        actor=actor,
                        province=target,
                        code=unit.code,
                        name=unit.name,
                        short_name=unit.short_name,
                        head_title=unit.head_title,
                    )
                unit_merge(actor=actor, sources=[unit], target=successor, on=on)
            event_record(
                actor=actor,
                province=source,
                kind=Event.Kind.PROVINCE_MERGED,
                summary=_("%(source)s merged into %(target)s on %(date)s")
                % {"source": source.name, "target": target.name, "date": _date_text(on)},
                target=target.name,
                date=on.isoformat(),
            )
