"""A bloc's years: creation, the year page, members, chair and vice-chair, rollover."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs import access, services
from blocs.forms import (
    MembershipAddForm,
    MembershipEndForm,
    RolesForm,
    RolloverForm,
    TermCreateForm,
    ViceChairActingForm,
)
from blocs.models import Bloc, Event, Membership, Term, Unit
from core.errors import run_service


def _joinable_units(bloc: Bloc):
    return Unit.objects.filter(province_id=bloc.province_id, successor__isnull=True, closed_on__isnull=True)


@login_required
def term_create(request, pk):
    bloc = access.get_bloc_for_user(request.user, pk, for_edit=True)
    units = _joinable_units(bloc)
    form = TermCreateForm(request.POST or None, units=units, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        term = run_service(
            form,
            lambda: services.term_create(
                actor=request.user,
                bloc=bloc,
                year=data["year"],
                units=list(data["units"]),
                chair=data["chair"],
                vice_chair=data["vice_chair"],
                reference=data["reference"],
            ),
        )
        if term:
            messages.success(request, _("Year %(year)s created.") % {"year": term.year})
            return redirect(term)
    return render(
        request,
        "blocs/form.html",
        {"form": form, "title": _("New year for %(bloc)s") % {"bloc": bloc.name}, "back": bloc.get_absolute_url()},
    )


@login_required
def term_detail(request, pk, year):
    """A bloc's year: members, chair, vice-chair, history, previous/next year."""
    term = access.get_term_for_user(
        request.user, pk, year, queryset=Term.objects.for_year_page(), members_prefetched=True
    )
    as_of = term.as_of(timezone.localdate())
    members = []
    for membership in term.memberships.all():
        day = min(as_of, membership.as_of)
        members.append(
            {
                "membership": membership,
                "name": membership.unit.name_on(day),
                "short_name": membership.unit.short_name_on(day),
                "head_title": membership.unit.head_title_on(day),
                "is_chair": membership.unit_id == term.chair_id,
                "is_vice_chair": membership.unit_id == term.vice_chair_id,
            }
        )
    by_unit = {m["membership"].unit_id: m["name"] for m in members}
    years = list(Term.objects.filter(bloc_id=term.bloc_id).order_by().values_list("year", flat=True))
    events = list(Event.objects.filter(term=term).select_related("actor").order_by("-created_at", "-id")[:50])
    pledges = list(term.pledges.order_by("-created_at"))
    return render(
        request,
        "blocs/term_detail.html",
        {
            "term": term,
            "bloc_name": term.bloc.name_on(as_of),
            "province_name": term.bloc.province.name_on(as_of),
            "members": members,
            "chair_name": by_unit.get(term.chair_id),
            "vice_chair_name": by_unit.get(term.vice_chair_id),
            "previous_year": max((y for y in years if y < term.year), default=None),
            "next_year": min((y for y in years if y > term.year), default=None),
            "events": events,
            "tasks": term.role_tasks(),
            "roles": term.roles,
            "pledges": pledges,
            "review": getattr(term, "review", None),
            "can_create_pledge": term.roles.can_edit and all(p.status == "cancelled" for p in pledges),
        },
    )


@login_required
def membership_add(request, pk, year):
    term = access.get_term_for_user(request.user, pk, year, for_edit=True)
    units = _joinable_units(term.bloc).exclude(memberships__term=term)
    form = MembershipAddForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: services.membership_add(
                actor=request.user, term=term, unit=data["unit"], joined_on=data["joined_on"]
            ),
        ):
            messages.success(request, _("Member added."))
            return redirect(term)
    return render(
        request,
        "blocs/form.html",
        {"form": form, "title": _("Add a member to %(term)s") % {"term": term}, "back": term.get_absolute_url()},
    )


@login_required
def membership_end(request, pk, year, membership_pk):
    term = access.get_term_for_user(request.user, pk, year, for_edit=True)
    membership = get_object_or_404(Membership.objects.select_related("unit"), pk=membership_pk, term=term)
    form = MembershipEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: services.membership_end(
                actor=request.user, membership=membership, left_on=data["left_on"], reason=data["reason"]
            ),
        ):
            messages.success(request, _("Membership ended."))
            return redirect(term)
    return render(
        request,
        "blocs/form.html",
        {
            "form": form,
            "title": _("%(unit)s leaves %(term)s") % {"unit": membership.unit, "term": term},
            "back": term.get_absolute_url(),
        },
    )


@login_required
def term_roles(request, pk, year):
    term = access.get_term_for_user(request.user, pk, year, for_edit=True)
    units = Unit.objects.filter(memberships__term=term, memberships__left_on__isnull=True)
    initial = {
        "chair": term.chair_id,
        "vice_chair": term.vice_chair_id,
        "reference": term.roles_reference,
        "effective_on": min(max(timezone.localdate(), term.first_day), term.last_day),
    }
    form = RolesForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.term_assign_roles(
                actor=request.user,
                term=term,
                chair=data["chair"],
                vice_chair=data["vice_chair"],
                reference=data["reference"],
                effective_on=data["effective_on"],
            ),
        )
        if done:
            messages.success(request, _("Chair and vice-chair saved."))
            return redirect(term)
    return render(
        request,
        "blocs/form.html",
        {
            "form": form,
            "title": _("Chair and vice-chair of %(term)s") % {"term": term},
            "back": term.get_absolute_url(),
        },
    )


@login_required
def term_acting(request, pk, year):
    term = access.get_term_for_user(request.user, pk, year, for_edit=True)
    initial = {"acting": term.vice_chair_acting, "reason": term.vice_chair_acting_reason}
    form = ViceChairActingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: services.term_set_vice_chair_acting(
                actor=request.user, term=term, acting=data["acting"], reason=data["reason"]
            ),
        ):
            messages.success(request, _("Saved."))
            return redirect(term)
    return render(
        request,
        "blocs/form.html",
        {"form": form, "title": _("Vice-chair acting for %(term)s") % {"term": term}, "back": term.get_absolute_url()},
    )


@login_required
def term_rollover(request, pk, year):
    """Propose next year's term; the chair's officer edits and confirms it."""
    term = access.get_term_for_user(request.user, pk, year, for_edit=True)
    if Term.objects.filter(bloc_id=term.bloc_id, year=term.year + 1).exists():
        messages.info(request, _("The year %(year)s exists already.") % {"year": term.year + 1})
        return redirect("blocs:term_detail", pk=term.bloc_id, year=term.year + 1)
    proposal = services.term_rollover_proposal(term)
    units = _joinable_units(term.bloc)
    initial = {
        "units": proposal.units,
        "chair": proposal.chair,
        "vice_chair": proposal.vice_chair,
        "reference": proposal.reference,
    }
    form = RolloverForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Keep the rotation order of the proposal; units added by hand go last.
        order = {u.pk: i for i, u in enumerate(proposal.units)}
        chosen = sorted(data["units"], key=lambda u: (order.get(u.pk, len(order)), u.name))
        new_term = run_service(
            form,
            lambda: services.term_rollover(
                actor=request.user,
                term=term,
                units=chosen,
                chair=data["chair"],
                vice_chair=data["vice_chair"],
                reference=data["reference"],
            ),
        )
        if new_term:
            messages.success(request, _("Year %(year)s created.") % {"year": new_term.year})
            return redirect(new_term)
    return render(
        request,
        "blocs/form.html",
        {
            "form": form,
            "title": _("Roll %(term)s over to %(year)s") % {"term": term, "year": term.year + 1},
            "back": term.get_absolute_url(),
        },
    )
