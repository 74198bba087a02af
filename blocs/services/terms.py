"""The yearly terms of a bloc: their members, chair and vice-chair, and the rollover to the next year."""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from blocs.models import Bloc, Event, Membership, RoleAssignment, Term, Unit
from blocs.services._common import RegistryError, _date_text, event_record, refuse_line_breaks
from core.text import nfc


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
    refuse_line_breaks(reference=reference)
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
    refuse_line_breaks(reference=reference)
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


def term_next_roles_set(*, actor, term: Term, chair: Unit, vice_chair: Unit, reference: str) -> Term:
    """Record next year's *chair* and *vice_chair* as *term*'s year-end meeting elected them.

    Where next year's term exists its roles are assigned at once (from 1 January, with
    the minutes' *reference*); otherwise the rollover proposes them over the rotation.
    """
    reference = nfc(reference)
    refuse_line_breaks(reference=reference)
    if chair.pk == vice_chair.pk:
        raise RegistryError(_("The chair and the vice-chair must be different units."), field="vice_chair")
    with transaction.atomic():
        term = Term.objects.select_for_update().select_related("bloc__province").get(pk=term.pk)
        following = Term.objects.filter(bloc_id=term.bloc_id, year=term.year + 1).first()
        if following is not None:
            term_assign_roles(
                actor=actor,
                term=following,
                chair=chair,
                vice_chair=vice_chair,
                reference=reference,
                effective_on=following.first_day,
            )
        if (term.next_chair_id, term.next_vice_chair_id, term.next_roles_reference) == (
            chair.pk,
            vice_chair.pk,
            reference,
        ):
            return term
        term.next_chair, term.next_vice_chair, term.next_roles_reference = chair, vice_chair, reference
        term.save(update_fields=["next_chair", "next_vice_chair", "next_roles_reference"])
        event_record(
            actor=actor,
            province=term.bloc.province,
            bloc=term.bloc,
            term=term,
            kind=Event.Kind.NEXT_ROLES_SET,
            summary=_("Elected for %(year)s: chair %(chair)s, vice-chair %(vice_chair)s (%(reference)s)")
            % {"year": term.year + 1, "chair": chair.name, "vice_chair": vice_chair.name, "reference": reference},
        )
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
    in rotation order; the roles elected at the year-end meeting (``term_next_roles_set``)
    take precedence over the rotation.
    """
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
    unit_ids = {u.pk for u in proposal.units}
    if term.next_chair_id and {term.next_chair_id, term.next_vice_chair_id} <= unit_ids:
        by_pk = {u.pk: u for u in proposal.units}
        proposal.chair, proposal.vice_chair = by_pk[term.next_chair_id], by_pk[term.next_vice_chair_id]
        proposal.reference = term.next_roles_reference
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
