"""The demo's 2022 year-end review, built by seed_demo through the review services."""

import datetime
import zoneinfo
from decimal import Decimal as D

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from reviews import services
from reviews.models import CriterionScore, Review, ReviewEvent, SelfAssessment

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def seed():
    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", stdout=quiet)


def review_counts():
    return {model.__name__: model.objects.count() for model in apps.get_app_config("reviews").get_models()}


@pytest.fixture
def review(db):
    seed()
    return Review.objects.select_related("term__scoring_table").get(
        term__bloc__province__code="NDH", term__bloc__code="KHVHXH", term__year=2022
    )


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, timezone=VIETNAM).date()


def in_december_2022(moment: datetime.datetime) -> bool:
    return datetime.date(2022, 12, 1) <= local_date(moment) <= datetime.date(2022, 12, 31)


def test_the_2022_review_is_closed_with_eight_submitted_assessments(review):
    assert review.status == Review.Status.CLOSED
    assert review.deadline == datetime.date(2022, 12, 20)
    assessments = review.assessments.all()
    assert len(assessments) == 8
    assert {a.status for a in assessments} == {SelfAssessment.Status.SUBMITTED}
    assert all(a.submitted_by.unit_id == a.unit_id and a.submitted_by.can_sign for a in assessments)


def test_every_criterion_is_scored_with_an_evidence_note(review):
    criteria = {c.pk for c in review.term.scoring_table.criteria()}
    assert len(criteria) == 12
    for assessment in review.assessments.prefetch_related("scores"):
        scores = list(assessment.scores.all())
        assert {s.criterion_id for s in scores} == criteria
        assert all(s.evidence_note.strip() for s in scores), assessment.unit_name


def test_adjustments_keep_both_values_and_the_reason(review):
    adjusted = CriterionScore.objects.filter(assessment__review=review, adjusted_score__isnull=False)
    assert adjusted.count() == 7
    assert all(s.adjust_reason and s.adjusted_score != s.self_score for s in adjusted)
    culture = adjusted.get(assessment__unit__code="VHTT", criterion__code="II.2")
    assert (culture.self_score, culture.adjusted_score, culture.counted) == (D("5.5"), D("5"), D("5"))
    assert "điển hình tiên tiến" in culture.adjust_reason
    assert ReviewEvent.objects.filter(term=review.term, kind=ReviewEvent.Kind.ADJUSTED).count() == 7


def test_the_ranking_has_a_tie_and_several_bands(review):
    rows = services.results(review)
    ranking = [(row["assessment"].unit.code, row["result"].total, row["result"].band, row["rank"]) for row in rows]
    assert ranking == [
        ("YT", D("104.5"), "Xuất sắc", 1),
        ("GDDT", D("101.5"), "Xuất sắc", 2),
        ("KHCN", D("101.5"), "Xuất sắc", 2),
        ("TTTT", D("99.0"), "Xuất sắc", 4),
        ("VHTT", D("97.5"), "Tốt", 5),
        ("LDTBXH", D("89.5"), "Tốt", 6),
        ("BDT", D("89.0"), "Tốt", 7),
        ("PTTH", D("78.0"), "Khá", 8),
    ]
    # Sở VH&TT reaches 90 but its adjusted II.2 (5 of 6) is below the 85 % floor of "Xuất sắc".
    culture = next(row["result"] for row in rows if row["assessment"].unit.code == "VHTT")
    assert culture.below_floor == ["II.2"]
    health = next(row["result"] for row in rows if row["assessment"].unit.code == "YT")
    assert (health.bonus, health.penalty) == (D("7"), D("0"))


def test_the_review_carries_december_2022_dates(review):
    assert in_december_2022(review.opened_at) and in_december_2022(review.closed_at)
    assert in_december_2022(review.term.scoring_table.frozen_at)
    assert local_date(review.opened_at) == datetime.date(2022, 12, 5)
    submitted = sorted(local_date(a.submitted_at) for a in review.assessments.all())
    assert (submitted[0], submitted[-1]) == (datetime.date(2022, 12, 12), datetime.date(2022, 12, 20))
    assert local_date(review.closed_at) == datetime.date(2022, 12, 27)
    events = list(ReviewEvent.objects.filter(term=review.term))
    assert {"table_set", "table_frozen", "opened", "submitted", "adjusted", "closed"} <= {e.kind for e in events}
    assert all(in_december_2022(event.created_at) for event in events)


def test_seed_demo_twice_keeps_the_review_counts(review):
    first = review_counts()
    assert first["Review"] == 1 and first["SelfAssessment"] == 8 and first["CriterionScore"] == 96
    seed()
    assert review_counts() == first
