"""A province's own settings: its board's name and its rules for ký số."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from blocs import access, services
from blocs.forms import BoardNameForm, ProvinceSigningForm
from core.errors import run_service


@login_required
def province_signing(request, pk):
    """Show the province's trusted roots; let its board replace them, set the agency-seal rule and name the board.

    The page holds two forms; the board's name is posted with ``form=board``.
    """
    province = access.get_province_for_user(request.user, pk, for_edit=True)
    naming = request.method == "POST" and request.POST.get("form") == "board"
    board_form = BoardNameForm(request.POST if naming else None, initial={"board_name": province.board_name})
    if naming and board_form.is_valid():
        saved = run_service(
            board_form,
            lambda: services.province_board_name_set(
                actor=request.user, province=province, board_name=board_form.cleaned_data["board_name"]
            ),
        )
        if saved:
            messages.success(request, _("The board's name is saved: %(name)s.") % {"name": saved.board_title()})
            return redirect("blocs:province_signing", pk=province.pk)
    form = ProvinceSigningForm(
        None if naming else (request.POST or None),
        None if naming else (request.FILES or None),
        initial={"trust_list": province.trust_list, "requires_agency_seal": province.requires_agency_seal},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.province_signing_set(
                actor=request.user,
                province=province,
                trust_list=data["trust_list"],
                requires_agency_seal=data["requires_agency_seal"],
            ),
        )
        if saved:
            messages.success(request, _("Signing rules saved."))
            return redirect("blocs:province_signing", pk=province.pk)
    try:
        roots, unreadable = services.trust_list_roots(province.trust_list), False
    except ValueError:
        roots, unreadable = [], True
    return render(
        request,
        "blocs/province_signing.html",
        {
            "province": province,
            "form": form,
            "board_form": board_form,
            "roots": roots,
            "unreadable": unreadable,
            "history": list(
                province.trusted_roots.select_related("added_by", "removed_by").order_by("-added_at", "-pk")
            ),
        },
    )
