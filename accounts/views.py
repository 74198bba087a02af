"""Account pages: the board's list of people, invitations and deactivation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access, services
from accounts.forms import InviteForm, SavedSignatureForm
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
                site_url=settings.SITE_URL,
            ),
        )
        if user:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("accounts:user_list")
    return render(request, "blocs/form.html", {"form": form, "title": _("Invite a user")})


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
    """The user's own page: details and the saved signature image."""
    form = SavedSignatureForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.saved_signature_set(user=request.user, png=form.cleaned_data["image"])
        messages.success(request, _("Your signature image has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


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
