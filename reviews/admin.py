from django.contrib import admin

from blocs.admin import ReadOnlyInline, StateByServicesAdmin
from reviews.models import (
    AdjustmentLine,
    Band,
    Claim,
    Criterion,
    CriterionScore,
    Evidence,
    Review,
    ReviewEvent,
    ReviewReminder,
    ScoreGroup,
    ScoringTable,
    SelfAssessment,
)


class GroupInline(ReadOnlyInline):
    model = ScoreGroup


class LineInline(ReadOnlyInline):
    model = AdjustmentLine


class BandInline(ReadOnlyInline):
    model = Band


@admin.register(ScoringTable)
class ScoringTableAdmin(StateByServicesAdmin):
    list_display = ["term", "total", "bonus_limit", "penalty_limit", "frozen_at"]
    list_select_related = ["term__bloc"]
    search_fields = ["term__bloc__name"]
    list_filter = ["term__year"]
    inlines = [GroupInline, LineInline, BandInline]


@admin.register(ReviewEvent)
class ReviewEventAdmin(StateByServicesAdmin):
    list_display = ["created_at", "kind", "term", "actor"]
    list_select_related = ["term__bloc", "actor"]
    list_filter = ["kind"]
    search_fields = ["term__bloc__name"]


@admin.register(ScoreGroup)
class ScoreGroupAdmin(StateByServicesAdmin):
    list_display = ["code", "title", "table"]
    list_select_related = ["table__term__bloc"]
    search_fields = ["title"]


@admin.register(Criterion)
class CriterionAdmin(StateByServicesAdmin):
    list_display = ["code", "title", "max_points", "pledge_item_number", "group"]
    list_select_related = ["group__table__term__bloc"]
    search_fields = ["title", "code"]


@admin.register(AdjustmentLine)
class AdjustmentLineAdmin(StateByServicesAdmin):
    list_display = ["code", "kind", "title", "points", "repeatable", "table"]
    list_select_related = ["table__term__bloc"]
    list_filter = ["kind"]
    search_fields = ["title", "code"]


@admin.register(Band)
class BandAdmin(StateByServicesAdmin):
    list_display = ["name", "min_total", "min_share", "table"]
    list_select_related = ["table__term__bloc"]
    search_fields = ["name"]


class ScoreInline(ReadOnlyInline):
    model = CriterionScore


class ClaimInline(ReadOnlyInline):
    model = Claim


@admin.register(Review)
class ReviewAdmin(StateByServicesAdmin):
    list_display = ["term", "status", "deadline", "closed_at"]
    list_select_related = ["term__bloc"]
    list_filter = ["status"]
    search_fields = ["term__bloc__name"]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(StateByServicesAdmin):
    list_display = ["unit_name", "review", "status", "submitted_at"]
    list_select_related = ["review__term__bloc"]
    list_filter = ["status"]
    search_fields = ["unit_name"]
    inlines = [ScoreInline, ClaimInline]


@admin.register(CriterionScore)
class CriterionScoreAdmin(StateByServicesAdmin):
    list_display = ["assessment", "criterion", "self_score", "adjusted_score"]
    list_select_related = ["assessment", "criterion"]
    search_fields = ["assessment__unit_name"]


@admin.register(Claim)
class ClaimAdmin(StateByServicesAdmin):
    list_display = ["assessment", "line", "times"]
    list_select_related = ["assessment", "line"]
    search_fields = ["assessment__unit_name"]


@admin.register(Evidence)
class EvidenceAdmin(StateByServicesAdmin):
    list_display = ["original_name", "assessment", "content_type", "size", "uploaded_at"]
    list_select_related = ["assessment"]
    search_fields = ["assessment__unit_name", "original_name"]


@admin.register(ReviewReminder)
class ReviewReminderAdmin(StateByServicesAdmin):
    list_display = ["review", "user", "sent_on"]
    list_select_related = ["review__term__bloc", "user"]
    search_fields = ["user__username"]
