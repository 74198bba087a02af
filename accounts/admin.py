from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import RemoteSigningAccount, User


def superuser_only(request) -> bool:
    # The admin bypasses the province scoping of every other page.
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superuser_only
admin.site.site_header = _("Emulation pledge administration")


class UserAdminForm(UserChangeForm):
    """The admin's account form, with the rule the signature block needs (as ``accounts.services`` applies it)."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("signing_capacity") == User.Capacity.DEPUTY and not (cleaned.get("position") or "").strip():
            self.add_error(
                "position",
                forms.ValidationError(
                    _("A deputy signs “KT. GIÁM ĐỐC” over his or her own position: fill in the position.")
                ),
            )
        return cleaned


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminForm
    list_display = [
        "username",
        "full_name",
        "unit",
        "province",
        "position",
        "can_sign",
        "signing_capacity",
        "is_clerk",
        "is_active",
    ]
    list_filter = ["is_active", "can_sign", "signing_capacity", "is_clerk", "province", "is_superuser"]
    list_select_related = ["unit", "province"]
    search_fields = ["username", "full_name", "email", "unit__name"]
    autocomplete_fields = ["unit"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (
            _("Unit and role"),
            {"fields": ("full_name", "unit", "province", "position", "can_sign", "signing_capacity", "is_clerk")},
        ),
    )


@admin.register(RemoteSigningAccount)
class RemoteSigningAccountAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "credential_id", "linked_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__full_name", "credential_id"]
