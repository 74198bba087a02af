"""Every write to the registry. Each function checks its rules, writes one
transaction and an event row with the acting user.

Functions raise ``RegistryError`` with a message a person can read; the views
show it next to the form, and nothing is saved.
"""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from blocs.models import (
    Bloc,
    BlocName,
    Event,
    Membership,
    Province,
    ProvinceName,
    RoleAssignment,
    Term,
    Unit,
    UnitName,
)
from core.errors import ServiceError
from core.text import nfc


class RegistryError(ServiceError):
    """A rule of the registry refused the change; the message says which."""


def event_record(*, actor, province, kind, summary, bloc=None, term=None, unit=None, **details) -> Event:
    """Append one row to the registry's audit trail (accounts record their invitations here too)."""
    return Event.record(
        province=province,
        bloc=bloc,
        term=term,
        unit=unit,
        actor=actor,
        kind=kind,
        summary=summary[:500],
        details=details,
    )


def _date_text(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


# Provinces ------------------------------------------------------------------


def province_create(*, actor, code: str, name: str) -> Province:
    """Create a province (the tenant) with its first name."""
    code, name = nfc(code).upper(), nfc(name)
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


# Units ----------------------------------------------------------------------


def unit_create(*, actor, province: Province, code: str, name: str, short_name: str = "", head_title: str) -> Unit:
    """Create a unit in *province*; its code is unique there."""
    code = nfc(code).upper()
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


def unit_rename(*, actor, unit: Unit, on: datetime.date, name: str, short_name: str, head_title: str) -> Unit:
    """Give *unit* a new name and head title from *on*; older dates keep the old ones."""
    name, short_name, head_title = nfc(name), nfc(short_name), nfc(head_title)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        versions = list(unit.versions.all())
        if any(v.valid_from and v.valid_from > on for v in versions):
            raise RegistryError(
                _("The unit already has a name from a later date; rename from a later date."),
                field="on",
            )
        old_name = unit.name_on(on)
        if (unit.name, unit.short_name, unit.head_title) == (name, short_name, head_title):
            return unit
        UnitName.objects.update_or_create(
            unit=unit,
            valid_from=on,
            defaults={"name": name, "short_name": short_name, "head_title": head_title},
        )
        unit.name, unit.short_name, unit.head_title = name, short_name, head_title
        unit.save(update_fields=["name", "short_name", "head_title", "search_text"])
        event_record(
            actor=actor,
            province=unit.province,
            unit=unit,
            kind=Event.Kind.UNIT_RENAMED,
            summary=_("%(old)s renamed %(new)s from %(date)s") % {"old": old_name, "new": name, "date": _date_text(on)},
            old=old_name,
            new=name,
            date=on.isoformat(),
        )
    return unit


def unit_update(*, actor, unit: Unit, code: str) -> Unit:
    """Change the unit's code (names change through ``unit_rename``)."""
    code = nfc(code).upper()
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


def unit_merge(*, actor, sources: list[Unit], target: Unit, on: datetime.date) -> None:
    """Merge *sources* into *target* on *on*.

    Ends the sources' memberships in the terms of that year; adds *target* to
    each such term where it is neither a member nor in another bloc that year.
    A term whose chair or vice-chair ended shows a task to assign a new one.
    """
    if not sources:
        raise RegistryError(_("Choose at least one unit to merge."), field="sources")
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
            source.successor, source.merged_on = target, on
            source.save(update_fields=["successor", "merged_on"])
            ended = _end_memberships(actor=actor, unit=source, on=on, reason=reason)
            event_record(
                actor=actor,
                province=source.province,
                unit=source,
                kind=Event.Kind.UNIT_MERGED,
                summary=_("%(source)s merged into %(target)s on %(date)s")
                % {"source": source.name_on(on), "target": target.name_on(on), "date": _date_text(on)},
                target=target.name_on(on),
                date=on.isoformat(),
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


# Blocs ----------------------------------------------------------------------


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
    """Create a bloc in *province*, optionally formed from earlier blocs."""
    code = nfc(code).upper()
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
    name = nfc(name)
    with transaction.atomic():
        bloc = Bloc.objects.select_for_update().select_related("province").get(pk=bloc.pk)
        if name == bloc.name:
            return bloc
        if bloc.versions.filter(valid_from__gt=on).exists():
            raise RegistryError(
                _("The bloc already has a name from a later date; rename from a later date."),
                field="on",
            )
        old = bloc.name
        BlocName.objects.update_or_create(bloc=bloc, valid_from=on, defaults={"name": name})
        bloc.name = name
        bloc.save(update_fields=["name"])
        event_record(
            actor=actor,
            province=bloc.province,
            bloc=bloc,
            kind=Event.Kind.BLOC_RENAMED,
            summary=_("%(old)s renamed %(new)s from %(date)s") % {"old": old, "new": name, "date": _date_text(on)},
        )
    return bloc


# Terms and memberships --------------------------------------------------------


def _unit_in_other_bloc(unit: Unit, term: Term) -> Term | None:
    """Return the other term of the same year that *unit* is still a member of."""
    other = (
        Membership.objects.select_related("term__bloc")
        .filter(unit=unit, term__year=term.year, left_on__isnull=True)
        .exclude(term=term)
        .first()
    )
    return other.term if other else None


def _check_member_can_join(unit: Unit, term: Term, joined_on: datetime.date) -> None:
    if joined_on.year != term.year:
        raise RegistryError(_("The date must be inside the year %(year)s.") % {"year": term.year}, field="joined_on")
    if unit.province_id != term.bloc.province_id:
        raise RegistryError(_("%(unit)s belongs to another province.") % {"unit": unit.name}, field="unit")
    if not unit.is_active and (unit.merged_on or unit.closed_on) <= joined_on:
        raise RegistryError(_("%(unit)s no longer exists on that date.") % {"unit": unit.name}, field="unit")
    if term.memberships.filter(unit=unit).exists():
        raise RegistryError(_("%(unit)s is already a member of this year.") % {"unit": unit.name}, field="unit")
    other = _unit_in_other_bloc(unit, term)
    if other is not None:
        raise RegistryError(
            _("%(unit)s is already a member of %(bloc)s in %(year)s.")
            % {"unit": unit.name, "bloc": other.bloc.name, "year": term.year},
            field="unit",
        )


def _assign_roles(*, actor, term: Term, chair: Unit, vice_chair: Unit, reference: str, on: datetime.date):
    term.chair, term.vice_chair, term.roles_reference = chair, vice_chair, reference
    term.save(update_fields=["chair", "vice_chair", "roles_reference"])
    RoleAssignment.objects.create(
        term=term, chair=chair, vice_chair=vice_chair, reference=reference, effective_on=on, actor=actor
    )
    event_record(
        actor=actor,
        province=term.bloc.province,
        bloc=term.bloc,
        term=term,
        kind=Event.Kind.ROLES_ASSIGNED,
        summary=_("Chair: %(chair)s; vice-chair: %(vice)s; from %(date)s (%(reference)s)")
        % {
            "chair": chair.name_on(on),
            "vice": vice_chair.name_on(on),
            "date": _date_text(on),
            "reference": reference or _("no reference"),
        },
        chair=chair.name_on(on),
        vice_chair=vice_chair.name_on(on),
        reference=reference,
        date=on.isoformat(),
    )


def _check_roles(term: Term, chair: Unit | None, vice_chair: Unit | None, member_ids: set[int]) -> None:
    if chair is None or vice_chair is None:
        raise RegistryError(_("Choose both a chair and a vice-chair."), field="chair")
    if chair.pk == vice_chair.pk:
        raise RegistryError(_("The chair and the vice-chair must be different units."), field="vice_chair")
    if chair.pk not in member_ids:
        raise RegistryError(_("The chair must be a member of the year %(year)s.") % {"year": term.year}, field="chair")
    if vice_chair.pk not in member_ids:
        raise RegistryError(
            _("The vice-chair must be a member of the year %(year)s.") % {"year": term.year},
            field="vice_chair",
        )


def term_create(
    *,
    actor,
    bloc: Bloc,
    year: int,
    units: list[Unit],
    chair: Unit | None = None,
    vice_chair: Unit | None = None,
    reference: str = "",
    kind: str = Event.Kind.TERM_CREATED,
) -> Term:
    """Create *bloc*'s term for *year* with *units* as members (in rotation order)."""
    if not 2000 <= year <= 2100:
        raise RegistryError(_("Enter a year between 2000 and 2100."), field="year")
    if Term.objects.filter(bloc=bloc, year=year).exists():
        raise RegistryError(
            _("%(bloc)s already has the year %(year)s.") % {"bloc": bloc.name, "year": year}, field="year"
        )
    if len({u.pk for u in units}) != len(units):
        raise RegistryError(_("A unit is listed twice."), field="units")
    reference = nfc(reference)
    try:
        with transaction.atomic():
            term = Term.objects.create(bloc=bloc, year=year)
            joined_on = datetime.date(year, 1, 1)
            for order, unit in enumerate(units, start=1):
                _check_member_can_join(unit, term, joined_on)
                Membership.objects.create(term=term, unit=unit, joined_on=joined_on, order=order)
            event_record(
                actor=actor,
                province=bloc.province,
                bloc=bloc,
                term=term,
                kind=kind,
                summary=_("Year %(year)s with %(count)s members") % {"year": year, "count": len(units)},
                members=[u.name_on(joined_on) for u in units],
            )
            if chair is not None or vice_chair is not None:
                _check_roles(term, chair, vice_chair, {u.pk for u in units})
                _assign_roles(
                    actor=actor, term=term, chair=chair, vice_chair=vice_chair, reference=reference, on=joined_on
                )
    except IntegrityError as error:  # a concurrent request created the same year
        raise RegistryError(
            _("%(bloc)s already has the year %(year)s.") % {"bloc": bloc.name, "year": year}, field="year"
        ) from error
    return term


def membership_add(*, actor, term: Term, unit: Unit, joined_on: datetime.date) -> Membership:
    """Add *unit* to *term* from *joined_on*, at the end of the rotation order."""
    with transaction.atomic():
        term = Term.objects.select_for_update().select_related("bloc__province").get(pk=term.pk)
        _check_member_can_join(unit, term, joined_on)
        last = term.memberships.order_by("-order").values_list("order", flat=True).first() or 0
        membership = Membership.objects.create(term=term, unit=unit, joined_on=joined_on, order=last + 1)
        event_record(
            actor=actor,
            province=term.bloc.province,
            bloc=term.bloc,
            term=term,
            unit=unit,
            kind=Event.Kind.MEMBER_ADDED,
            summary=_("%(unit)s joined on %(date)s") % {"unit": unit.name_on(joined_on), "date": _date_text(joined_on)},
        )
    return membership


def membership_end(*, actor, membership: Membership, left_on: datetime.date, reason: str) -> Membership:
    """End *membership* on *left_on*; what the unit did before stays valid."""
    reason = nfc(reason)
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().select_related("term__bloc__province", "unit").get(pk=membership.pk)
        )
        if membership.left_on == left_on:
            return membership
        if membership.left_on is not None:
            raise RegistryError(_("This membership has already ended."), field="left_on")
        if left_on.year != membership.term.year:
            raise RegistryError(
                _("The date must be inside the year %(year)s.") % {"year": membership.term.year},
                field="left_on",
            )
        if left_on < membership.joined_on:
            raise RegistryError(_("A unit cannot leave before it joined."), field="left_on")
        membership.left_on, membership.left_reason = left_on, reason
        membership.save(update_fields=["left_on", "left_reason"])
        term = membership.term
        event_record(
            actor=actor,
            province=term.bloc.province,
            bloc=term.bloc,
            term=term,
            unit=membership.unit,
            kind=Event.Kind.MEMBER_ENDED,
            summary=_("%(unit)s left on %(date)s: %(reason)s")
            % {"unit": membership.unit.name_on(left_on), "date": _date_text(left_on), "reason": reason},
        )
    return membership


def term_assign_roles(
    *, actor, term: Term, chair: Unit, vice_chair: Unit, reference: str, effective_on: datetime.date
) -> Term:
    """Make *chair* and *vice_chair* the term's roles from *effective_on*; history is kept."""
    reference = nfc(reference)
    if effective_on.year != term.year:
        raise RegistryError(_("The date must be inside the year %(year)s.") % {"year": term.year}, field="effective_on")
    with transaction.atomic():
        term = Term.objects.select_for_update().select_related("bloc__province").get(pk=term.pk)
        active = set(term.memberships.filter(left_on__isnull=True).values_list("unit_id", flat=True))
        _check_roles(term, chair, vice_chair, active)
        if (term.chair_id, term.vice_chair_id, term.roles_reference) == (chair.pk, vice_chair.pk, reference):
            return term
        _assign_roles(actor=actor, term=term, chair=chair, vice_chair=vice_chair, reference=reference, on=effective_on)
    return term


def term_set_vice_chair_acting(*, actor, term: Term, acting: bool, reason: str) -> Term:
    """Let the vice-chair's staff act for the chair (or stop it), with a reason."""
    reason = nfc(reason)
    if acting and not reason:
        raise RegistryError(_("Give the reason the vice-chair acts for the chair."), field="reason")
    with transaction.atomic():
        term = Term.objects.select_for_update().select_related("bloc__province").get(pk=term.pk)
        if term.vice_chair_acting == acting:
            return term
        term.vice_chair_acting, term.vice_chair_acting_reason = acting, reason
        term.save(update_fields=["vice_chair_acting", "vice_chair_acting_reason"])
        event_record(
            actor=actor,
            province=term.bloc.province,
            bloc=term.bloc,
            term=term,
            kind=Event.Kind.VICE_CHAIR_ACTING,
            summary=(
                _("The vice-chair acts for the chair: %(reason)s") if acting else _("The chair acts again: %(reason)s")
            )
            % {"reason": reason or "—"},
        )
    return term


@dataclass
class RolloverProposal:
    """What the next year would look like; every part is editable before confirming."""

    year: int
    units: list[Unit] = field(default_factory=list)
    chair: Unit | None = None
    vice_chair: Unit | None = None
    reference: str = ""


def _final_successor(unit: Unit, units_by_pk: dict[int, Unit]) -> Unit | None:
    seen = set()
    while unit.successor_id is not None and unit.pk not in seen:
        seen.add(unit.pk)
        unit = units_by_pk.get(unit.successor_id) or Unit.objects.get(pk=unit.successor_id)
    return None if unit.closed_on is not None else unit


def term_rollover_proposal(term: Term) -> RolloverProposal:
    """Propose the next year: members still active (merged ones replaced by their
    successor), chair = this year's vice-chair, vice-chair = the next member
    in rotation order; an election at the year-end meeting (``reviews``) takes
    precedence over the rotation.
    """
    from reviews.models import Election  # the year-end meeting's election, recorded by the reviews app

    memberships = list(term.memberships.select_related("unit__successor").order_by("order", "id"))
    units_by_pk = {m.unit.pk: m.unit for m in memberships}
    proposal = RolloverProposal(year=term.year + 1)
    replaced: dict[int, Unit] = {}
    for membership in memberships:
        if membership.left_on is not None and membership.unit.successor_id is None:
            continue  # left for good (e.g. moved to another bloc or the Party side)
        unit = _final_successor(membership.unit, units_by_pk)
        if unit is None or any(u.pk == unit.pk for u in proposal.units):
            continue
        replaced[membership.unit.pk] = unit
        proposal.units.append(unit)
    if not proposal.units:
        return proposal
    chair = replaced.get(term.vice_chair_id) if term.vice_chair_id else None
    proposal.chair = chair or proposal.units[0]
    if len(proposal.units) > 1:
        index = next(i for i, u in enumerate(proposal.units) if u.pk == proposal.chair.pk)
        proposal.vice_chair = proposal.units[(index + 1) % len(proposal.units)]
    election = Election.objects.filter(term=term).first()
    unit_ids = {u.pk for u in proposal.units}
    if election and {election.chair_id, election.vice_chair_id} <= unit_ids:
        by_pk = {u.pk: u for u in proposal.units}
        proposal.chair, proposal.vice_chair = by_pk[election.chair_id], by_pk[election.vice_chair_id]
        proposal.reference = election.reference
    return proposal


def term_rollover(*, actor, term: Term, units: list[Unit], chair: Unit, vice_chair: Unit, reference: str) -> Term:
    """Create the next year's term from *term* with the confirmed members and roles."""
    return term_create(
        actor=actor,
        bloc=term.bloc,
        year=term.year + 1,
        units=units,
        chair=chair,
        vice_chair=vice_chair,
        reference=reference,
        kind=Event.Kind.TERM_ROLLED_OVER,
    )


def unit_set_seal(*, actor, unit: Unit, png: bytes | None) -> Unit:
    """Store (or remove, with None) the unit's seal image, already checked and re-encoded as PNG."""
    import uuid

    from django.core.files.base import ContentFile

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
