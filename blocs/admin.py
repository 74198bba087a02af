from django.contrib import admin, messages

from blocs import services
from blocs.models import (
    Bloc,
    BlocName,
    Event,
    Membership,
    Province,
    ProvinceName,
    RoleAssignment,
    Term,
    TrustedRoot,
    Unit,
    UnitName,
)
from core.admin import ReadOnlyInline, StateByServicesAdmin
from core.errors import ServiceError


class ProvinceNameInline(ReadOnlyInline):
    model = ProvinceName


class UnitNameInline(ReadOnlyInline):
    model = UnitName


class BlocNameInline(ReadOnlyInline):
    model = BlocName


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ["unit", "joined_on", "left_on", "left_reason", "order"]


@admin.register(Province)
class ProvinceAdmin(StateByServicesAdmin):
    """The provinces, read-only but for the board's name, which is saved through its service (with its event)."""

    list_display = ["code", "name", "board_name", "successor", "merged_on"]
    list_select_related = ["successor"]
    search_fields = ["code", "name", "board_name"]
    inlines = [ProvinceNameInline]
    fields = ["code", "name", "board_name", "successor", "merged_on", "requires_agency_seal", "trust_list"]
    readonly_fields = ["code", "name", "successor", "merged_on", "requires_agency_seal", "trust_list"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def save_model(self, request, obj, form, change):
        try:
            services.province_board_name_set(actor=request.user, province=obj, board_name=obj.board_name)
        except ServiceError as error:
            self.message_user(request, error.message, level=messages.ERROR)


@admin.register(TrustedRoot)
class TrustedRootAdmin(StateByServicesAdmin):
    """The history of the provinces' trust lists (changed only on the province's signing page)."""

    list_display = ["province", "subject", "added_at", "removed_at"]
    list_filter = ["province"]
    search_fields = ["subject", "sha256"]


@admin.register(Unit)
class UnitAdmin(StateByServicesAdmin):
    list_display = ["code", "name", "short_name", "head_title", "province", "successor", "closed_on"]
    list_filter = ["province"]
    list_select_related = ["province", "successor"]
    search_fields = ["code", "name", "short_name", "search_text"]
    inlines = [UnitNameInline]


@admin.register(Bloc)
class BlocAdmin(StateByServicesAdmin):
    list_display = ["code", "name", "kind", "province", "active"]
    list_filter = ["province", "kind", "active"]
    list_select_related = ["province"]
    search_fields = ["code", "name"]
    inlines = [BlocNameInline]


@admin.register(Term)
class TermAdmin(StateByServicesAdmin):
    list_display = ["bloc", "year", "chair", "vice_chair", "vice_chair_acting"]
    list_filter = ["year", "bloc__province"]
    list_select_related = ["bloc", "chair", "vice_chair"]
    search_fields = ["bloc__name", "chair__name", "vice_chair__name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(StateByServicesAdmin):
    list_display = ["term", "unit", "joined_on", "left_on", "order"]
    list_filter = ["term__year"]
    list_select_related = ["term__bloc", "unit"]
    search_fields = ["unit__name", "term__bloc__name"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(StateByServicesAdmin):
    list_display = ["term", "chair", "vice_chair", "reference", "effective_on", "actor"]
    list_select_related = ["term__bloc", "chair", "vice_chair", "actor"]
    search_fields = ["reference", "term__bloc__name"]
    list_filter = ["term__year"]


@admin.register(Event)
class EventAdmin(StateByServicesAdmin):
    list_display = ["created_at", "kind", "summary", "actor", "province"]
    list_filter = ["kind", "province"]
    list_select_related = ["actor", "province"]
    search_fields = ["summary"]
    date_hierarchy = "created_at"


@admin.register(ProvinceName, UnitName, BlocName)
class NameVersionAdmin(StateByServicesAdmin):
    """The dated names, read-only: they change through the rename services."""

    list_display = ["__str__", "valid_from"]
    search_fields = ["name"]
    date_hierarchy = "valid_from"

    def get_fields(self, request, obj=None):
        # The owner first, then the date and the names: the fields ``DatedName`` shares would come first.
        fields = super().get_fields(request, obj)
        owner = next(f.name for f in self.model._meta.fields if f.many_to_one)
        return [owner, *(name for name in fields if name != owner)]
