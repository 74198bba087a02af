from django.contrib import admin
from django.db.models import Count

from core.admin import ReadOnlyInline, StateByServicesAdmin
from reviews.models import (
    AdjustmentLine,
    AwardForm,
    AwardQuota,
    Ballot,
    BallotRule,
    BallotSeat,
    Band,
    Candidate,
    Claim,
    Criterion,
    CriterionScore,
    Dossier,
    Election,
    Evidence,
    Mark,
    Paper,
    Proposal,
    Review,
    ReviewEvent,
    ReviewReminder,
    ScoreGroup,
    ScoringTable,
    SelfAssessment,
    Voter,
)
from reviews.tally import MIN_PAPERS_SHOWN


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


@admin.register(AwardForm)
class AwardFormAdmin(StateByServicesAdmin):
    list_display = ["name", "code", "province", "year", "default_quota", "order"]
    list_filter = ["year"]
    search_fields = ["name", "code"]


@admin.register(BallotRule)
class BallotRuleAdmin(StateByServicesAdmin):
    list_display = ["province", "year", "min_turnout_percent", "updated_by", "updated_at"]
    list_select_related = ["province", "updated_by"]
    list_filter = ["year"]


@admin.register(AwardQuota)
class AwardQuotaAdmin(StateByServicesAdmin):
    list_display = ["term", "award_form", "quota"]
    list_select_related = ["term__bloc", "award_form"]


class SeatInline(ReadOnlyInline):
    model = BallotSeat


@admin.register(Ballot)
class BallotAdmin(StateByServicesAdmin):
    list_display = ["term", "round", "status", "threshold", "min_papers", "opened_at", "closed_at"]
    list_select_related = ["term__bloc"]
    list_filter = ["status"]
    inlines = [SeatInline]


@admin.register(BallotSeat)
class BallotSeatAdmin(StateByServicesAdmin):
    list_display = ["ballot", "award_form", "seats"]
    list_select_related = ["ballot__term__bloc", "award_form"]


@admin.register(Candidate)
class CandidateAdmin(StateByServicesAdmin):
    list_display = ["unit_name", "seat"]
    list_select_related = ["seat__award_form", "seat__ballot__term__bloc"]


@admin.register(Voter)
class VoterAdmin(StateByServicesAdmin):
    """Who voted, and when: nothing of what (that is on the papers, which do not know who)."""

    list_display = ["unit_name", "ballot", "voted_at"]
    list_select_related = ["ballot__term__bloc"]


@admin.register(Paper)
class PaperAdmin(StateByServicesAdmin):
    """A paper is its random id and its round; its marks are the candidates chosen."""

    list_display = ["id", "ballot"]
    list_select_related = ["ballot__term__bloc"]


@admin.register(Mark)
class MarkAdmin(StateByServicesAdmin):
    """The marks of rounds with enough papers: counting the marks of a round of one or two papers would read them."""

    list_display = ["id", "candidate"]
    list_select_related = ["candidate__seat__award_form"]

    def get_queryset(self, request):
        shown = Ballot.objects.annotate(papers_cast=Count("papers")).filter(papers_cast__gte=MIN_PAPERS_SHOWN)
        return super().get_queryset(request).filter(paper__ballot__in=shown.values("pk"))


@admin.register(Election)
class ElectionAdmin(StateByServicesAdmin):
    list_display = ["term", "chair", "vice_chair", "method", "reference"]
    list_select_related = ["term__bloc", "chair", "vice_chair"]


class ProposalInline(ReadOnlyInline):
    model = Proposal


@admin.register(Dossier)
class DossierAdmin(StateByServicesAdmin):
    list_display = ["term", "status", "number", "submitted_at", "decision_number"]
    list_select_related = ["term__bloc"]
    list_filter = ["status"]
    inlines = [ProposalInline]


@admin.register(Proposal)
class ProposalAdmin(StateByServicesAdmin):
    list_display = ["unit_name", "award_form", "votes", "status", "dossier"]
    list_select_related = ["award_form", "dossier__term__bloc"]
    list_filter = ["status"]
