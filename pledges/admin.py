from django.contrib import admin

from core.admin import ReadOnlyInline, StateByServicesAdmin
from pledges.models import (
    Comment,
    DocumentRendering,
    LegalGround,
    PaperNotice,
    Pledge,
    PledgeEvent,
    PledgeItem,
    Reminder,
    RequiredSigner,
    Revision,
    Signature,
    SigningTurn,
)


class ItemInline(ReadOnlyInline):
    model = PledgeItem


@admin.register(Pledge)
class PledgeAdmin(StateByServicesAdmin):
    """Read-only: drafts are edited, and pledges frozen, only through the pages."""

    list_display = ["title", "term", "status", "signing_date", "opened_at", "completed_at"]
    list_filter = ["status", "term__year"]
    list_select_related = ["term__bloc"]
    search_fields = ["title", "term__bloc__name", "content_hash"]
    inlines = [ItemInline]


@admin.register(RequiredSigner)
class RequiredSignerAdmin(StateByServicesAdmin):
    list_display = ["unit_name", "pledge", "order", "excused_at", "excused_by"]
    list_select_related = ["pledge", "excused_by"]
    search_fields = ["unit_name"]


@admin.register(Signature)
class SignatureAdmin(StateByServicesAdmin):
    list_display = ["signer_name", "unit_name", "pledge", "kind", "signed_at", "recorded_by", "disputed_at"]
    list_filter = ["kind"]
    list_select_related = ["pledge", "recorded_by"]
    search_fields = ["signer_name", "unit_name", "content_hash"]
    exclude = ["image", "scan"]  # private files are served only through access-checked views


@admin.register(PledgeEvent)
class PledgeEventAdmin(StateByServicesAdmin):
    list_display = ["created_at", "kind", "pledge", "actor", "ip"]
    list_filter = ["kind"]
    list_select_related = ["pledge", "actor"]
    search_fields = ["pledge__title"]


@admin.register(PledgeItem)
class PledgeItemAdmin(StateByServicesAdmin):
    list_display = ["position", "text", "pledge"]
    list_select_related = ["pledge"]
    search_fields = ["text"]


@admin.register(Comment)
class CommentAdmin(StateByServicesAdmin):
    list_display = ["created_at", "unit_name", "pledge", "decision"]
    list_select_related = ["pledge"]
    list_filter = ["decision"]
    search_fields = ["text", "unit_name"]


@admin.register(Reminder)
class ReminderAdmin(StateByServicesAdmin):
    list_display = ["sent_on", "kind", "user", "pledge"]
    list_select_related = ["user", "pledge"]
    list_filter = ["kind"]
    search_fields = ["user__full_name"]


@admin.register(PaperNotice)
class PaperNoticeAdmin(StateByServicesAdmin):
    list_display = ["sent_at", "user", "signature"]
    list_select_related = ["user", "signature"]
    search_fields = ["user__full_name", "signature__unit_name"]


@admin.register(DocumentRendering)
class DocumentRenderingAdmin(StateByServicesAdmin):
    """The renderings in progress (a row older than a few minutes is stale and taken over by the next request)."""

    list_display = ["key", "started_at"]
    search_fields = ["key"]


@admin.register(Revision)
class RevisionAdmin(StateByServicesAdmin):
    """The revisions of ký số originals: evidence, read-only."""

    list_display = [
        "pledge",
        "number",
        "kind",
        "signer_name",
        "unit_name",
        "method",
        "created_at",
        "certificate_changed",
    ]
    list_filter = ["kind", "method", "certificate_changed"]
    list_select_related = ["pledge"]
    search_fields = ["signer_name", "unit_name", "sha256", "certificate_subject"]


@admin.register(SigningTurn)
class SigningTurnAdmin(StateByServicesAdmin):
    """Places in line to sign: moved only by the signing pages and tasks."""

    list_display = ["pledge", "user", "role", "method", "place", "granted_at", "expires_at", "finished_at", "outcome"]
    list_filter = ["outcome", "method", "role"]
    list_select_related = ["pledge", "user"]


@admin.register(LegalGround)
class LegalGroundAdmin(admin.ModelAdmin):
    """The grounds pledges may cite: reference data, not state (a pledge keeps the lines it printed).

    The national ones are corrected here; a board enters its province's own on its page.
    """

    list_display = ["short_name", "number", "province", "valid_from", "valid_until", "order"]
    list_filter = ["province"]
    list_select_related = ["province"]
    search_fields = ["short_name", "number", "text"]
    ordering = ["province", "order", "valid_from"]
