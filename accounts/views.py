"""Account pages: the board's list of people, invitations, changes and deactivation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access, services
from accounts.forms import InviteForm, SavedSignatureForm, UserEditForm
from blocs.access import board_province_ids, writable_provinces
from blocs.models import Unit
from core.errors import run_action, run_service
from core.files import private_file_response


@login_required
def user_list(request):
    users = access.users_for_board(request.user).select_related("unit", "province").order_by("unit__name", "full_name")
    # The board of a merged province reads the list; the board it merged into manages it.
    can_manage = writable_provinces(request.user).exists()
    return render(request, "accounts/user_list.html", {"users": users, "can_manage": can_manage})


@login_required
def user_invite(request):
    # The living province: after a merger its board invites, the old province's board is refused (403).
    province = access.get_invite_province(request.user)
    units = Unit.objects.filter(
        province_id__in=board_province_ids(request.user), successor__isnull=True, closed_on__isnull=True
    )
    form = InviteForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = run_service(
            form,
            lambda: services.user_invite(
                actor=request.user,
                province=data["unit"].province if data["unit"] else province,
                username=data["username"],
                email=data["email"],
                full_name=data["full_name"],
                unit=data["unit"],
                position=data["position"],
                can_sign=data["can_sign"],
                is_clerk=data["is_clerk"],
                signing_capacity=data["signing_capacity"],
                site_url=settings.SITE_URL,
            ),
        )
        if user:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("accounts:user_list")
    return render(request, "blocs/form.html", {"form": form, "title": _("Invite a user")})


@login_required
def user_edit(request, pk):
    """Change a person's name, position, signing right and capacity, clerk role and (the board only) unit.

    "Preview" shows the signature block the values would print without saving them.
    """
    target = access.get_user_for_edit(request.user, pk)
    units = None
    if target.edit_as_board and target.unit_id is not None:
        # A living unit of the same province, or the person's own (even if it has merged away since).
        units = Unit.objects.filter(
            Q(successor__isnull=True, closed_on__isnull=True) | Q(pk=target.unit_id),
            province_id=target.unit.province_id,
        ).order_by("code")
    form = UserEditForm(request.POST or None, target=target, units=units)
    if request.method == "POST" and form.is_valid() and "preview" not in request.POST:
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.user_update(
                actor=request.user,
                user=target,
                full_name=data["full_name"],
                position=data["position"],
                can_sign=data.get("can_sign", False),
                signing_capacity=data.get("signing_capacity", target.signing_capacity),
                is_clerk=data.get("is_clerk", False),
                unit=data["unit"] if units is not None else target.unit,
            ),
        )
        if saved:
            messages.success(request, _("%(name)s saved.") % {"name": saved.full_name})
            return redirect("accounts:user_list" if target.edit_as_board else "accounts:profile")
    context = {
        "form": form,
        "target": target,
        "preview": form.preview(),
        "back": reverse("accounts:user_list" if target.edit_as_board else "accounts:profile"),
    }
    return render(request, "accounts/user_edit.html", context)


@require_POST
@login_required
def user_deactivate(request, pk):
    target = access.get_user_for_board(request.user, pk, for_edit=True)
    province = target.province or (target.unit.province if target.unit else None)
    run_action(
        request,
        lambda: services.user_deactivate(actor=request.user, user=target, province=province),
        _("%(name)s can no longer log in.") % {"name": target.full_name},
    )
    return redirect("accounts:user_list")


@login_required
def profile(request):
    """The user's own page: details and the saved signature image; for the chair's officer, its unit's people."""
    form = SavedSignatureForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.saved_signature_set(user=request.user, png=form.cleaned_data["image"])
        messages.success(request, _("Your signature image has been saved."))
        return redirect("accounts:profile")
    colleagues = access.users_of_own_unit(request.user).filter(is_active=True).order_by("full_name", "username")
    return render(request, "accounts/profile.html", {"form": form, "colleagues": colleagues})


@login_required
def saved_signature(request):
    """Serve the user's own saved signature; nobody else's."""
    return private_file_response(request.user.saved_signature, content_type="image/png", cache="private, no-store")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from the e-mailed link, and lift the login lock of that user name.

    The link works while the user is locked out: the lock only guards the login form.
    """

    def form_valid(self, form):
        response = super().form_valid(form)
        services.login_failures_clear(username=form.user.get_username())
        return response
