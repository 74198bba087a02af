"""The units: their list, creation, page, seal, code, renaming, mergers and leaving."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blocs import access, services
from blocs.forms import SealForm, UnitCloseForm, UnitCodeForm, UnitForm, UnitMergeForm, UnitRenameForm
from blocs.models import Membership, Unit
from blocs.views._common import province_for_create
from core.errors import run_action, run_service
from core.files import private_file_response
from core.text import fold


def _warn_of_namesakes(request, unit: Unit) -> None:
    """Warn (not refuse) when another living unit of the province has the same name: often one entered twice."""
    namesakes = services.units_named_alike(province_id=unit.province_id, name=unit.name, exclude_pk=unit.pk)
    if namesakes:
        messages.warning(
            request,
            _("Another unit of this province has the same name: %(units)s. Check that it is not the same unit twice.")
            % {"units": ", ".join(f"{other.code} — {other.name}" for other in namesakes)},
        )


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
        request,
        "blocs/unit_list.html",
        {
            "units": units.order_by("province__name", "name")[:500],
            "q": query,
            "can_create": bool(access.board_writable_province_ids(request.user)),
        },
    )


@login_required
def unit_create(request):
    access.require_board_writer(request.user)
    form = UnitForm(request.POST or None, provinces=access.writable_provinces(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = run_service(
            form,
            lambda: services.unit_create(
                actor=request.user,
                province=province_for_create(request, form),
                code=data["code"],
                name=data["name"],
                short_name=data["short_name"],
                head_title=data["head_title"],
            ),
        )
        if unit:
            messages.success(request, _("Unit created."))
            _warn_of_namesakes(request, unit)
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
    namesakes = (
        services.units_named_alike(province_id=unit.province_id, name=unit.name, exclude_pk=unit.pk)
        if unit.is_active
        else []
    )
    context = {"unit": unit, "memberships": memberships, "seal_form": SealForm(), "namesakes": namesakes}
    return render(request, "blocs/unit_detail.html", context)


@require_POST
@login_required
def unit_seal(request, pk):
    """Upload (or remove) the unit's seal image: board only."""
    unit = access.get_unit_for_user(request.user, pk, for_edit=True)
    if request.POST.get("remove"):
        run_action(
            request, lambda: services.unit_set_seal(actor=request.user, unit=unit, png=None), _("Seal image removed.")
        )
        return redirect(unit)
    form = SealForm(request.POST, request.FILES)
    if form.is_valid():
        run_action(
            request,
            lambda: services.unit_set_seal(actor=request.user, unit=unit, png=form.cleaned_data["image"]),
            _("Seal image saved."),
        )
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
    unit = access.get_unit_for_user(request.user, pk, for_edit=True)
    form = UnitCodeForm(request.POST or None, initial={"code": unit.code})
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, lambda: services.unit_update(actor=request.user, unit=unit, code=form.cleaned_data["code"])
        ):
            messages.success(request, _("Unit saved."))
            _warn_of_namesakes(request, unit)
            return redirect(unit)
    return render(request, "blocs/form.html", {"form": form, "title": unit.name, "back": unit.get_absolute_url()})


@login_required
def unit_rename(request, pk):
    unit = access.get_unit_for_user(request.user, pk, for_edit=True)
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
            _warn_of_namesakes(request, done)
            return redirect(unit)
    return render(
        request,
        "blocs/form.html",
        {"form": form, "title": _("Rename %(name)s") % {"name": unit.name}, "back": unit.get_absolute_url()},
    )


@login_required
def unit_merge(request, pk):
    """Merge other units of the province into this one."""
    unit = access.get_unit_for_user(request.user, pk, for_edit=True)
    # Only living units other than this one can merge into it.
    candidates = (
        Unit.objects.filter(province_id=unit.province_id, successor__isnull=True, closed_on__isnull=True)
        .exclude(pk=unit.pk)
        .order_by("code")
    )
    form = UnitMergeForm(
        request.POST or None,
        units=candidates,
        initial={
            "decision_issuer": _("People's Committee of %(province)s province") % {"province": unit.province.name}
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: (
                services.unit_merge(
                    actor=request.user,
                    sources=list(data["sources"]),
                    target=unit,
                    on=data["on"],
                    decision_number=data["decision_number"],
                    decision_date=data["decision_date"],
                    decision_issuer=data["decision_issuer"],
                )
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
    unit = access.get_unit_for_user(request.user, pk, for_edit=True)
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
