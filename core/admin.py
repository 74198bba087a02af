"""Admin bases: the admin shows; the services change."""

from django.contrib import admin
from django.utils.translation import gettext as _

from core.mail import email_requeue
from core.models import OutgoingEmail


class ReadOnlyInline(admin.TabularInline):
    """Show related rows (a history, a trail) without adding, changing or deleting any."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StateByServicesAdmin(admin.ModelAdmin):
    """Show the records; their state changes go through the services (the pages), which write the audit trail."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(StateByServicesAdmin):
    """Every e-mail the application sent or tries to send: its status, tries and last error."""

    list_display = ["created_at", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject", "request_id"]
    readonly_fields = ["to", "subject", "text", "status", "attempts", "last_error", "request_id", "created_at",
                       "claimed_at", "sent_at"]  # fmt: skip
    exclude = ["html"]
    actions = ["send_again"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.action(description=_("Send the selected e-mails again"))
    def send_again(self, request, queryset):
        count = email_requeue(queryset.values_list("pk", flat=True))
        self.message_user(request, _("%(count)d e-mail(s) queued again.") % {"count": count})
