"""Thin views of the registry: access → form → service → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blocs import access, importer, services
from blocs.forms import (
    BlocEditForm,
    BlocForm,
    BlocRenameForm,
    ImportForm,
    MembershipAddForm,
    MembershipEndForm,
    RolesForm,
    RolloverForm,
    SealForm,
    TermCreateForm,
    UnitCloseForm,
    UnitCodeForm,
    UnitForm,
    UnitMergeForm,
    UnitRenameForm,
    ViceChairActingForm,
)
from blocs.models import Bloc, Event, Membership, Term, Unit
from core.errors import run_service
from core.files import private_file_response
from core.text import fold


def _province_for_create(request, form):
    provinces = access.writable_provinces(request.user)
    return form.cleaned_data.get("province") or provinces.first()


# Blocs ----------------------------------------------------------------------


@login_required
def bloc_list(request):
    """List the blocs the user may see, with their latest year."""
    today = timezone.localdate()
    blocs = list(access.visible_blocs(request.user).for_list().order_by("province__name", "name"))
    for bloc in blocs:
        terms = list(bloc.terms.all())
        bloc.latest_term = terms[0] if terms else None
        bloc.display_name = bloc.name_on(today)
    return render(request, "blocs/bloc_list.html", {"blocs": blocs, "can_create": access.is_board(request.user)})


@login_required
def bloc_create(request):
    access.require_board(request.user)
    provinces = access.writable_provinces(request.user)
    visible = access.visible_blocs(request.user)
    form = BlocForm(request.POST or None, provinces=provinces, blocs=visible)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        bloc = run_service(
            form,
            lambda: services.bloc_create(
                actor=request.user,
                province=_province_for_create(request, form),
                kind=data["kind"],
                code=data["code"],
                name=data["name"],
                description=data["description"],
                formed_from=list(data["formed_from"]),
            ),
        )
        if bloc:
            messages.success(request, _("Bloc created."))
            return redirect(bloc)
    return render(request, "blocs/form.html", {"form": form, "title": _("New bloc")})


@login_required
def bloc_detail(request, pk):
    """Show the bloc's years; the latest opens by default."""
    bloc = access.get_bloc_for_user(request.user, pk)
    terms = list(bloc.terms.order_by("-year"))
    can_edit = bloc.province_id in access.board_province_ids(request.user)
    return render(
        request,
        "blocs/bloc_detail.html",
        {
            "bloc": bloc,
            "terms": terms,
            "can_edit": can_edit,
            "formed_from": list(bloc.formed_from.all()),
            "successors": list(bloc.successors.all()),
        },
    )


@login_required
def bloc_edit(request, pk):
    bloc = access.get_bloc_for_user(request.user, pk, for_edit=True)
    visible = access.visible_blocs(request.user).exclude(pk=bloc.pk)
    initial = {
        "kind": bloc.kind,
        "code": bloc.code,
        "description": bloc.description,
        "active": bloc.active,
        "formed_from": list(bloc.formed_from.all()),
    }
    form = BlocEditForm(request.POST or None, initial=initial, blocs=visible)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.bloc_update(
                actor=request.user,
                bloc=bloc,
                kind=data["kind"],
                code=data["code"],
                description=data["description"],
                active=data["active"],
                formed_from=list(data["formed_from"]),
            ),
        )
        if done:
            messages.success(request, _("Bloc saved."))
            return redirect(bloc)
    return render(request, "blocs/form.html", {"form": form, "title": bloc.name, "back": bloc.get_absolute_url()})


@login_required
def bloc_rename(request, pk):
    bloc = access.get_bloc_for_user(request.user, pk, for_edit=True)
    form = BlocRenameForm(request.POST or None, initial={"name": bloc.name})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form, lambda: services.bloc_rename(actor=request.user, bloc=bloc, on=data["on"], name=data["name"])
        ):
            messages.success(request, _("Bloc renamed."))
            return redirect(bloc)
    return render(
        request,
        "blocs/form.html",
        {"form": form, "title": _("Rename %(name)s") % {"name": bloc.name}, "back": bloc.get_absolute_url()},
    )


# Terms ----------------------------------------------------------------------


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
    term = access.get_term_for_user(request.user, pk, year, queryset=Term.objects.for_year_page())
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
    years = list(Term.objects.filter(bloc_id=term.bloc_id).values_list("year", flat=True))
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


# Units ----------------------------------------------------------------------


@login_required
def unit_list(request):
    access.require_board(request.user)
    query = request.GET.get("q", "").strip()
    units = Unit.objects.filter(province_id__in=access.board_province_ids(request.user)).select_related(
        "province", "successor"
    )
    if query:
        units = units.filter(Q(search_text__contains=fold(query)))
    return render(
        request, "blocs/unit_list.html", {"units": units.order_by("province__name", "name")[:500], "q": query}
    )


@login_required
def unit_create(request):
    access.require_board(request.user)
    form = UnitForm(request.POST or None, provinces=access.writable_provinces(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = run_service(
            form,
            lambda: services.unit_create(
                actor=request.user,
                province=_province_for_create(request, form),
                code=data["code"],
                name=data["name"],
                short_name=data["short_name"],
                head_title=data["head_title"],
            ),
        )
        if unit:
            messages.success(request, _("Unit created."))
            return redirect(unit)
    return render(
        request, "blocs/form.html", {"form": form, "title": _("New unit"), "back": reverse("blocs:unit_list")}
    )


@login_required
def unit_detail(request, pk):
    unit = access.get_unit_for_user(
        request.user,
        pk,
        queryset=Unit.objects.select_related("province", "successor").prefetch_related("versions", "predecessors"),
    )
    memberships = Membership.objects.filter(unit=unit).select_related("term__bloc").order_by("-term__year")
    context = {"unit": unit, "memberships": memberships, "seal_form": SealForm()}
    return render(request, "blocs/unit_detail.html", context)


@require_POST
@login_required
def unit_seal(request, pk):
    """Upload (or remove) the unit's seal image: board only."""
    unit = access.get_unit_for_user(request.user, pk)
    if request.POST.get("remove"):
        services.unit_set_seal(actor=request.user, unit=unit, png=None)
        messages.success(request, _("Seal image removed."))
        return redirect(unit)
    form = SealForm(request.POST, request.FILES)
    if form.is_valid():
        services.unit_set_seal(actor=request.user, unit=unit, png=form.cleaned_data["image"])
        messages.success(request, _("Seal image saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(unit)


@login_required
def unit_seal_image(request, pk):
    """Serve the unit's seal image to the board; nobody else."""
    unit = access.get_unit_for_user(request.user, pk)
    return private_file_response(unit.seal_image, content_type="image/png", cache="private, no-store")


@login_required
def unit_edit(request, pk):
    unit = access.get_unit_for_user(request.user, pk)
    form = UnitCodeForm(request.POST or None, initial={"code": unit.code})
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, lambda: services.unit_update(actor=request.user, unit=unit, code=form.cleaned_data["code"])
        ):
            messages.success(request, _("Unit saved."))
            return redirect(unit)
    return render(request, "blocs/form.html", {"form": form, "title": unit.name, "back": unit.get_absolute_url()})


@login_required
def unit_rename(request, pk):
    unit = access.get_unit_for_user(request.user, pk)
    initial = {"name": unit.name, "short_name": unit.short_name, "head_title": unit.head_title}
    form = UnitRenameForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.unit_rename(
                actor=request.user,
                unit=unit,
                on=data["on"],
                name=data["name"],
                short_name=data["short_name"],
                head_title=data["head_title"],
            ),
        )
        if done:
            messages.success(request, _("Unit renamed."))
            return redirect(unit)
    return render(
        request,
        "blocs/form.html",
        {"form": form, "title": _("Rename %(name)s") % {"name": unit.name}, "back": unit.get_absolute_url()},
    )


@login_required
def unit_merge(request, pk):
    """Merge other units of the province into this one."""
    unit = access.get_unit_for_user(request.user, pk)
    candidates = Unit.objects.filter(province_id=unit.province_id, successor__isnull=True)
    form = UnitMergeForm(request.POST or None, units=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: (
                services.unit_merge(actor=request.user, sources=list(data["sources"]), target=unit, on=data["on"])
                or True
            ),
        )
        if done:
            messages.success(request, _("Units merged."))
            return redirect(unit)
    return render(
        request,
        "blocs/form.html",
        {"form": form, "title": _("Merge units into %(name)s") % {"name": unit.name}, "back": unit.get_absolute_url()},
    )


@login_required
def unit_close(request, pk):
    unit = access.get_unit_for_user(request.user, pk)
    form = UnitCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form, lambda: services.unit_close(actor=request.user, unit=unit, on=data["on"], reason=data["reason"])
        ):
            messages.success(request, _("Saved."))
            return redirect(unit)
    return render(
        request,
        "blocs/form.html",
        {
            "form": form,
            "title": _("%(name)s leaves the registry") % {"name": unit.name},
            "back": unit.get_absolute_url(),
        },
    )


# Import ---------------------------------------------------------------------


@login_required
def registry_import(request):
    """Import units, blocs, members and accounts from the board's workbook.

    "Dry run" only reports; "Import" runs the same checks again on the server
    and writes only when no row is rejected, all or nothing.
    """
    access.require_board(request.user)
    provinces = access.writable_provinces(request.user)
    if not provinces.exists():
        raise PermissionDenied(_("Your province has been merged into another; import into the new province."))
    form = ImportForm(request.POST or None, request.FILES or None, provinces=provinces)
    report, action = None, request.POST.get("action")
    if request.method == "POST" and form.is_valid():
        province = _province_for_create(request, form)
        data = form.cleaned_data["document"]
        if action == "import":
            report = importer.run(data, actor=request.user, province=province)
            if report.imported:
                if report.row_count == 0:
                    messages.info(request, _("The file holds no rows: nothing was imported."))
                else:
                    messages.success(
                        request,
                        _("Imported: %(counts)s.")
                        % {"counts": "; ".join(f"{label}: {created}" for label, _planned, created in report.summary())},
                    )
                return redirect("blocs:import")
        else:
            action = "dry_run"
            report = importer.dry_run(data, province=province)
    return render(request, "blocs/import.html", {"form": form, "report": report, "action": action})


@login_required
def import_template(request):
    """Download the blank import workbook."""
    access.require_board(request.user)
    response = HttpResponse(importer.template_workbook(), content_type=importer.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-du-lieu.xlsx"'
    return response
