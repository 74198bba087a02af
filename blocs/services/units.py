"""Units: creating, renaming, merging and closing the departments and agencies."""

import datetime
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from blocs.models import Event, Membership, Province, Unit, UnitName
from blocs.services._common import RegistryError, _date_text, _rename, event_record, refuse_line_breaks
from blocs.services.terms import _unit_in_other_bloc, membership_add
from core.text import fold, nfc


def unit_create(*, actor, province: Province, code: str, name: str, short_name: str = "", head_title: str) -> Unit:
    """Create a unit in *province*; its code is unique there. Names, title and code are single lines."""
    code = nfc(code).upper()
    refuse_line_breaks(code=code, name=nfc(name), short_name=nfc(short_name), head_title=nfc(head_title))
    if Unit.objects.filter(province=province, code=code).exists():
        raise RegistryError(_("A unit with code %(code)s exists in this province.") % {"code": code}, field="code")
    with transaction.atomic():
        unit = Unit.objects.create(
            province=province,
            code=code,
            name=nfc(name),
            short_name=nfc(short_name),
            head_title=nfc(head_title),
        )
        UnitName.objects.create(
            unit=unit, valid_from=None, name=unit.name, short_name=unit.short_name, head_title=unit.head_title
        )
        event_record(actor=actor, province=province, unit=unit, kind=Event.Kind.UNIT_CREATED, summary=unit.name)
    return unit


def units_named_alike(*, province_id: int, name: str, exclude_pk: int | None = None) -> list[Unit]:
    """Return the living units of the province whose full name is *name* but for diacritics, case and spacing.

    For a warning, never a refusal: two units may rightly share a name for a while (a
    department re-formed under its old name), but most often one was entered twice.
    "Sở Văn hoá" and "So van hoa" match, as do the two tone-mark placements ("Hoà"/"Hòa").
    """
    key = " ".join(fold(nfc(name)).split())
    if not key:
        return []
    # The folded copy narrows the rows in the database; the exact comparison is made here.
    candidates = Unit.objects.filter(
        province_id=province_id,
        successor__isnull=True,
        closed_on__isnull=True,
        search_text__contains=key,
    ).exclude(pk=exclude_pk)
    return [unit for unit in candidates.order_by("code") if " ".join(fold(unit.name).split()) == key]


def unit_rename(*, actor, unit: Unit, on: datetime.date, name: str, short_name: str, head_title: str) -> Unit:
    """Give *unit* a new name and head title from *on*; older dates keep the old ones."""
    return _rename(
        actor=actor,
        owner=unit,
        on=on,
        names={"name": name, "short_name": short_name, "head_title": head_title},
        later_name_message=_("The unit already has a name from a later date; rename from a later date."),
        kind=Event.Kind.UNIT_RENAMED,
    )


def unit_update(*, actor, unit: Unit, code: str) -> Unit:
    """Change the unit's code (names change through ``unit_rename``)."""
    code = nfc(code).upper()
    refuse_line_breaks(code=code)
    if code == unit.code:
        return unit
    if Unit.objects.filter(province_id=unit.province_id, code=code).exclude(pk=unit.pk).exists():
        raise RegistryError(_("A unit with code %(code)s exists in this province.") % {"code": code}, field="code")
    with transaction.atomic():
        old = unit.code
        unit.code = code
        unit.save(update_fields=["code", "search_text"])
        event_record(
            actor=actor,
            province=unit.province,
            unit=unit,
            kind=Event.Kind.UNIT_UPDATED,
            summary=_("Code %(old)s changed to %(new)s") % {"old": old, "new": code},
        )
    return unit


def _end_memberships(*, actor, unit: Unit, on: datetime.date, reason: str) -> list[Membership]:
    """End *unit*'s memberships in the terms of *on*'s year that it is still in."""
    ended = []
    open_memberships = Membership.objects.select_related("term", "term__bloc").filter(
        unit=unit, term__year=on.year, left_on__isnull=True
    )
    for membership in open_memberships:
        membership.left_on = max(on, membership.joined_on)
        membership.left_reason = reason
        membership.save(update_fields=["left_on", "left_reason"])
        ended.append(membership)
        event_record(
            actor=actor,
            province=membership.term.bloc.province,
            bloc=membership.term.bloc,
            term=membership.term,
            unit=unit,
            kind=Event.Kind.MEMBER_ENDED,
            summary=_("%(unit)s left on %(date)s: %(reason)s")
            % {"unit": unit.name_on(on), "date": _date_text(membership.left_on), "reason": reason},
            date=membership.left_on.isoformat(),
            reason=reason,
        )
    return ended


def _check_no_successor_cycle(sources: list[Unit], target: Unit) -> None:
    source_ids = {u.pk for u in sources}
    if target.pk in source_ids:
        raise RegistryError(_("A unit cannot be merged into itself."), field="target")
    seen, current = set(), target
    while current.successor_id is not None:
        if current.successor_id in source_ids or current.successor_id in seen:
            raise RegistryError(
                _("%(name)s is already merged into one of these units: that would make a cycle.")
                % {"name": target.name},
                field="target",
            )
        seen.add(current.pk)
        current = Unit.objects.get(pk=current.successor_id)


def unit_merge(
    *,
    actor,
    sources: list[Unit],
    target: Unit,
    on: datetime.date,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    decision_issuer: str = "",
) -> None:
    """Merge *sources* into *target* on *on*, by the decision *decision_number* of *decision_date* by *decision_issuer*.

    Each source keeps the decision that merged it (a province's merger passes none: its
    units follow the province). Ends the sources' memberships in the terms of that year;
    adds *target* to each such term where it is neither a member nor in another bloc that
    year. A term whose chair or vice-chair ended shows a task to assign a new one.
    """
    if not sources:
        raise RegistryError(_("Choose at least one unit to merge."), field="sources")
    decision_number, decision_issuer = nfc(decision_number), nfc(decision_issuer)
    refuse_line_breaks(decision_number=decision_number, decision_issuer=decision_issuer)
    target = Unit.objects.get(pk=target.pk)  # the caller's copy may predate another merge
    _check_no_successor_cycle(sources, target)
    if target.successor_id is not None or target.closed_on is not None:
        raise RegistryError(
            _("%(name)s no longer exists: merge into its successor instead.") % {"name": target.name},
            field="target",
        )
    reason = _("merged into %(name)s") % {"name": target.name_on(on)}
    with transaction.atomic():
        for source in sources:
            source = Unit.objects.select_for_update().select_related("province").get(pk=source.pk)
            if source.successor_id == target.pk:
                continue
            if source.successor_id is not None:
                raise RegistryError(_("%(name)s has already been merged.") % {"name": source.name}, field="sources")
            if source.closed_on is not None:
                raise RegistryError(
                    _("%(name)s has left the registry: it cannot be merged.") % {"name": source.name}, field="sources"
                )
            source.successor, source.merged_on = target, on
            source.merger_decision_number = decision_number
            source.merger_decision_date = decision_date
            source.merger_decision_issuer = decision_issuer
            source.save(
                update_fields=[
                    "successor",
                    "merged_on",
                    "merger_decision_number",
                    "merger_decision_date",
                    "merger_decision_issuer",
                ]
            )
            ended = _end_memberships(actor=actor, unit=source, on=on, reason=reason)
            event_record(
                actor=actor,
                province=source.province,
                unit=source,
                kind=Event.Kind.UNIT_MERGED,
                summary=(
                    _("%(source)s merged into %(target)s on %(date)s by decision %(number)s")
                    if decision_number
                    else _("%(source)s merged into %(target)s on %(date)s")
                )
                % {
                    "source": source.name_on(on),
                    "target": target.name_on(on),
                    "date": _date_text(on),
                    "number": decision_number,
                },
                target=target.name_on(on),
                date=on.isoformat(),
                decision_number=decision_number,
                decision_date=decision_date.isoformat() if decision_date else None,
                decision_issuer=decision_issuer,
            )
            for membership in ended:
                term = membership.term
                if (
                    target.province_id != term.bloc.province_id  # a merger of provinces
                    or _unit_in_other_bloc(target, term)
                    or term.memberships.filter(unit=target).exists()
                ):
                    continue
                membership_add(actor=actor, term=term, unit=target, joined_on=on)


def unit_close(*, actor, unit: Unit, on: datetime.date, reason: str) -> Unit:
    """Record that *unit* left the registry on *on* (e.g. moved to the Party side)."""
    reason = nfc(reason)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().select_related("province").get(pk=unit.pk)
        if unit.closed_on is not None:
            return unit
        unit.closed_on = on
        unit.save(update_fields=["closed_on"])
        _end_memberships(actor=actor, unit=unit, on=on, reason=reason)
        event_record(
            actor=actor,
            province=unit.province,
            unit=unit,
            kind=Event.Kind.UNIT_CLOSED,
            summary=_("%(unit)s left the registry on %(date)s: %(reason)s")
            % {"unit": unit.name_on(on), "date": _date_text(on), "reason": reason},
        )
    return unit


def unit_set_seal(*, actor, unit: Unit, png: bytes | None) -> Unit:
    """Store (or remove, with None) the unit's seal image, already checked and re-encoded as PNG."""
    with transaction.atomic():
        unit = Unit.objects.select_for_update().select_related("province").get(pk=unit.pk)
        old = unit.seal_image.name if unit.seal_image else None
        if png is None:
            unit.seal_image = ""
        else:
            unit.seal_image.save(f"{uuid.uuid4().hex}.png", ContentFile(png), save=False)
        unit.save(update_fields=["seal_image"])
        event_record(
            actor=actor,
            province=unit.province,
            unit=unit,
            kind=Event.Kind.UNIT_SEAL_SET,
            summary=(_("Seal image of %(unit)s set") if png else _("Seal image of %(unit)s removed"))
            % {"unit": unit.name},
        )
    if old:
        transaction.on_commit(lambda: unit.seal_image.storage.delete(old))
    return unit
