"""Self-assessment, the bloc's review and the ranking, through the services."""

from decimal import Decimal as D

import pytest

from reviews import selectors, services
from reviews.models import Review, ReviewEvent, ScoringTable, SelfAssessment
from reviews.services import ReviewError
from tests.conftest import make_user
from tests.reviews.conftest import EXAMPLE, fill


def test_opening_freezes_the_table_and_creates_one_assessment_per_member(cast, review):
    assert ScoringTable.objects.get(term=cast.term).frozen_at is not None
    units = {a.unit for a in review.assessments.all()}
    assert units == {cast.chair_unit, cast.vice_unit, cast.member_unit, cast.member_unit_2}
    with pytest.raises(ReviewError, match="frozen"):
        services.table_set(actor=cast.board, term=cast.term, data=EXAMPLE)


def test_staff_fill_the_head_submits_and_it_locks(cast, review):
    mine = review.assessments.get(unit=cast.member_unit)
    with pytest.raises(ReviewError, match="no score yet"):
        services.assessment_submit(actor=cast.member_head, assessment=mine)
    with pytest.raises(ReviewError, match="signing right"):
        fill(mine, cast.member_staff, cast.member_staff)
    submitted = services.assessment_submit(actor=cast.member_head, assessment=mine)
    assert submitted.status == SelfAssessment.Status.SUBMITTED
    criterion = review.term.scoring_table.criteria()[0]
    with pytest.raises(ReviewError, match="locked"):
        services.score_set(actor=cast.member_staff, assessment=mine, criterion=criterion, value=D(1))


@pytest.mark.parametrize(
    "value, message", [(D("30.5"), "above the maximum"), (D("-1"), "negative"), (D("1.25"), "one decimal")]
)
def test_bad_scores_are_refused(cast, review, value, message):
    mine = review.assessments.get(unit=cast.member_unit)
    criterion = review.term.scoring_table.criteria()[0]
    with pytest.raises(ReviewError, match=message):
        services.score_set(actor=cast.member_staff, assessment=mine, criterion=criterion, value=value)
    assert not mine.scores.exists()


def test_another_units_staff_cannot_fill_in(cast, review):
    mine = review.assessments.get(unit=cast.member_unit)
    criterion = review.term.scoring_table.criteria()[0]
    with pytest.raises(ReviewError, match="own staff"):
        services.score_set(actor=cast.chair_officer, assessment=mine, criterion=criterion, value=D(1))


def test_review_adjusts_with_reasons_and_ranks_with_ties(cast, review):
    chair_head = make_user("chair_head", unit=cast.chair_unit, can_sign=True)
    forms = {
        cast.member_unit: (cast.member_staff, cast.member_head, {"I.1": "4.6"}, {}),  # 95.4, floor → Tốt
        cast.vice_unit: (cast.vice_head, cast.vice_head, {}, {"B.3": 3}),  # 100 + 3 = 103
        cast.chair_unit: (cast.chair_officer, chair_head, {"I.2": 2}, {}),  # 98, I.2 at 80 % → Tốt
    }
    for unit, (staff, head, minus, bonus) in forms.items():
        fill(review.assessments.get(unit=unit), staff, head, minus=minus, bonus=bonus)
    review = services.review_start(actor=cast.chair_officer, review=review)
    vice = review.assessments.get(unit=cast.vice_unit)
    score = vice.scores.get(criterion__code="I.1")
    with pytest.raises(ReviewError, match="reason"):
        services.score_adjust(actor=cast.chair_officer, score=score, value=D(25), reason="")
    services.score_adjust(actor=cast.chair_officer, score=score, value=D("25"), reason="Thiếu minh chứng")
    score.refresh_from_db()
    assert (score.self_score, score.adjusted_score, score.counted) == (D(30), D(25), D(25))
    rows = {row["assessment"].unit: row for row in selectors.results(review)}
    assert rows[cast.vice_unit]["result"].total == D(98)  # 100 − 5 + 3
    assert rows[cast.chair_unit]["result"].total == D(98)
    assert rows[cast.member_unit]["result"].total == D("95.4")
    assert (rows[cast.vice_unit]["rank"], rows[cast.chair_unit]["rank"], rows[cast.member_unit]["rank"]) == (1, 1, 3)
    assert rows[cast.member_unit]["result"].band == "Tốt"
    closed = services.review_close(actor=cast.chair_officer, review=review)
    assert closed.status == Review.Status.CLOSED
    assert ReviewEvent.objects.filter(term=cast.term, kind="adjusted").count() == 1
