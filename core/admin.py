"""Admin bases: the admin shows; the services change."""

from django.contrib import admin


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
