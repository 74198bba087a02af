"""A province's own settings: its rules for ký số."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from blocs import access, services
from blocs.forms import ProvinceSigningForm
from core.errors import run_service


@login_required
def province_signing(request, pk):
    """Show the province's trusted roots; let its board replace them and set the agency-seal rule."""
    province = access.get_province_for_user(request.user, pk, for_edit=True)
    form = ProvinceSigningForm(
        request.POST or None,
        request.FILES or None,
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
            "roots": roots,
            "unreadable": unreadable,
            "history": list(
                province.trusted_roots.select_related("added_by", "removed_by").order_by("-added_at", "-pk")
            ),
        },
    )
