"""Review fixtures: the example table, an open review of the cast's 2022 term, and a helper that fills one in."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import translation

from reviews import selectors, services
from tests.conftest import make_user

EXAMPLE = selectors.example_table()
LATER = datetime.date(2099, 12, 31)


@pytest.fixture(autouse=True)
def english_messages():
    """Services answer in the active language; the assertions read English."""
    with translation.override("en"):
        yield


@pytest.fixture
def review(cast):
    services.table_set(actor=cast.chair_officer, term=cast.term, data=EXAMPLE)
    return services.review_open(actor=cast.chair_officer, term=cast.term, deadline=LATER)


@pytest.fixture
def chair_head(cast):
    return make_user("chair_head", unit=cast.chair_unit, can_sign=True, full_name="Trần Văn Hùng")


def fill(assessment, staff, head, *, minus: dict = None, bonus=None):
    """Score every criterion at its maximum less *minus*, claim *bonus*, and submit."""
    table = assessment.review.term.scoring_table
    for criterion in table.criteria():
        value = criterion.max_points - D(str((minus or {}).get(criterion.code, 0)))
        services.score_set(
            actor=staff, assessment=assessment, criterion=criterion, value=value, evidence_note="Báo cáo số 12"
        )
    for code, times in (bonus or {}).items():
        services.claim_set(actor=staff, assessment=assessment, line=table.lines.get(code=code), times=times)
    return services.assessment_submit(actor=head, assessment=assessment)
