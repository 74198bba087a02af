"""The failed tasks, for superusers: their error, and a button that queues them again."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from ops import services
from ops.models import FailedTask


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    """Tasks that failed on their last try; "retry" queues each again with its stored arguments."""

    list_display = ["failed_at", "task_name", "args", "error", "retried_at"]
    list_filter = ["task_name"]
    search_fields = ["task_name", "error"]
    readonly_fields = ["task_name", "task_id", "args", "kwargs", "error", "traceback", "failed_at", "retried_at"]
    actions = ["retry"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.action(description=_("Retry the selected tasks"))
    def retry(self, request, queryset):
        retried = sum(services.failed_task_retry(failed) for failed in queryset)
        skipped = queryset.count() - retried
        self.message_user(request, _("%(count)d task(s) queued again.") % {"count": retried})
        if skipped:
            self.message_user(
                request,
                _("%(count)d task(s) were not queued: retried already, unknown, or the queue is unreachable.")
                % {"count": skipped},
                level=messages.WARNING,
            )
