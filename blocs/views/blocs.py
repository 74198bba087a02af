"""The blocs: their list, creation, page, edit and renaming."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs import access, services
from blocs.forms import BlocEditForm, BlocForm, BlocRenameForm
from blocs.views._common import province_for_create
from core.errors import run_service


@login_required
def bloc_list(request):
    """List the blocs the user may see, with their latest year."""
    today = timezone.localdate()
    blocs = list(access.visible_blocs(request.user).for_list().order_by("province__name", "name"))
    for bloc in blocs:
        terms = list(bloc.terms.all())
        bloc.latest_term = terms[0] if terms else None
        bloc.display_name = bloc.name_on(today)
    writable = access.board_writable_province_ids(request.user)
    # The board's own province: its signing rules are set from here (a superuser has the admin).
    signing_province_id = request.user.province_id if request.user.province_id in writable else None
    return render(
        request,
        "blocs/bloc_list.html",
        {"blocs": blocs, "can_create": bool(writable), "signing_province_id": signing_province_id},
    )


@login_required
def bloc_create(request):
    access.require_board_writer(request.user)
    provinces = access.writable_provinces(request.user)
    visible = access.visible_blocs(request.user)
    form = BlocForm(request.POST or None, provinces=provinces, blocs=visible)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        bloc = run_service(
            form,
            lambda: services.bloc_create(
                actor=request.user,
                province=province_for_create(request, form),
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
    can_edit = bloc.province_id in access.board_writable_province_ids(request.user)
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
