"""The scoring table's size is bounded, and the largest allowed table's forms save.

A 980 KB table of 31,000 criteria had been imported; with 600 criteria every save of a self-assessment
failed (TooManyFieldsSent: Django accepts 1,000 fields a request). Tables are now refused over their
limits with a message, and the largest table allowed (200 criteria, 50 bonus and 50 penalty lines) is
filled in and adjusted through the pages with its longest notes and reasons.
"""

import copy
import json
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from reviews import scoring, services
from reviews.models import Claim, CriterionScore, ReviewEvent, ScoringTable
from reviews.services import MAX_CLAIM_NOTE, MAX_EVIDENCE_NOTE, MAX_REASON, ReviewError
from tests.reviews.conftest import EXAMPLE, LATER

# A three-byte letter in UTF-8: a browser sends it as nine characters ("%E1%BB%99"), the worst case for the body.
LETTER = "ộ"


def table(criteria: int, *, lines: int = 0, groups: int = 1, bands: int = 1, text: str = "") -> dict:
    """A table of *criteria* criteria of 1 point in *groups* groups, with *lines* bonus and penalty lines each."""
    codes = [f"C{n}" for n in range(1, criteria + 1)]
    return {
        "total": criteria,
        "groups": [
            {
                "code": f"G{g}",
                "title": text or f"Nhóm {g}",
                "criteria": [{"code": code, "title": text, "max": 1} for code in codes[g::groups]],
            }
            for g in range(groups)
        ],
        "bonus": {"lines": [{"code": f"B{n}", "title": text, "points": 1, "repeatable": True} for n in range(lines)]},
        "penalty": {"lines": [{"code": f"P{n}", "title": text, "points": 1} for n in range(lines)]},
        "bands": [{"name": f"Hạng {n}", "min_total": 0} for n in range(bands)],
    }


def upload(data: dict) -> SimpleUploadedFile:
    return SimpleUploadedFile("bang-diem.json", json.dumps(data).encode(), content_type="application/json")


@pytest.fixture
def chair_client(client, cast):
    client.cookies["django_language"] = "en"
    client.force_login(cast.chair_officer)
    return client


def import_url(cast):
    return reverse("reviews:table_import", args=[cast.bloc.pk, 2022])


def test_a_table_of_31000_criteria_is_refused_with_a_message_and_nothing_is_written(chair_client, cast):
    huge = {"groups": [{"code": "A", "criteria": [{"code": f"C{n:05d}", "max": 1} for n in range(31_000)]}]}
    body = json.dumps(huge).encode()
    assert 900_000 < len(body) < 1024 * 1024  # under the file limit: the count is what refuses it
    response = chair_client.post(import_url(cast), {"document": SimpleUploadedFile("t.json", body)})
    assert response.status_code == 200
    assert "The table has 31000 criteria; at most 200 are allowed." in response.content.decode()
    assert not ScoringTable.objects.exists() and not ReviewEvent.objects.exists()


def test_a_table_one_criterion_over_the_limit_is_refused(chair_client, cast):
    response = chair_client.post(import_url(cast), {"document": upload(table(scoring.MAX_CRITERIA + 1, groups=3))})
    assert "The table has 201 criteria; at most 200 are allowed." in response.content.decode()
    assert not ScoringTable.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (table(40, groups=31), "The table has 31 groups of criteria; at most 30 are allowed."),
        (table(12, lines=51), "“bonus” has 51 lines; at most 50 are allowed."),
        (table(12, bands=11), "The table has 11 bands; at most 10 are allowed."),
        (table(12, text="A" * 501), "must be a text of at most 500 characters"),
        (table(12, text="Tiêu chí\nhai dòng"), "must be written on one line"),
    ],
)
def test_tables_over_a_limit_are_refused_with_a_message(chair_client, cast, data, message):
    response = chair_client.post(import_url(cast), {"document": upload(data)})
    assert response.status_code == 200 and message in response.content.decode()
    assert not ScoringTable.objects.exists()


def test_the_services_refuse_the_same_tables(cast):
    """Copying last year's table goes through the same check as an import."""
    with pytest.raises(ReviewError, match="at most 200"):
        services.table_set(actor=cast.board, term=cast.term, data=table(scoring.MAX_CRITERIA + 1))
    guidance = copy.deepcopy(EXAMPLE)
    guidance["groups"][0]["criteria"][0]["guidance"] = "Dòng một\nDòng hai"  # guidance may run over lines
    assert services.table_set(actor=cast.board, term=cast.term, data=guidance)


def test_the_largest_tables_forms_fit_djangos_field_limit():
    # Self-assessment: a score and a note a criterion, a count and a note a line, and the CSRF token.
    fields = 2 * scoring.MAX_CRITERIA + 2 * 2 * scoring.MAX_LINES + 1
    assert fields == 601 <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


def test_the_largest_allowed_table_is_filled_in_and_adjusted_through_the_pages(client, cast, chair_head):
    largest = table(scoring.MAX_CRITERIA, lines=scoring.MAX_LINES, groups=scoring.MAX_GROUPS)
    client.force_login(cast.chair_officer)
    assert client.post(import_url(cast), {"document": upload(largest)}).status_code == 302
    review = services.review_open(actor=cast.chair_officer, term=cast.term, deadline=LATER)
    mine = review.assessments.get(unit=cast.member_unit)
    frozen = ScoringTable.objects.with_parts().get(term=cast.term)
    assert len(frozen.criteria()) == 200 and frozen.lines.count() == 100

    # Every field of the form, each note as long as allowed, in three-byte letters.
    data = {}
    for criterion in frozen.criteria():
        data[f"score_{criterion.pk}"] = "1"
        data[f"note_{criterion.pk}"] = LETTER * MAX_EVIDENCE_NOTE
    for line in frozen.lines.all():
        data[f"times_{line.pk}"] = "1"
        data[f"claim_note_{line.pk}"] = LETTER * MAX_CLAIM_NOTE
    client.force_login(cast.member_staff)
    assert client.get(reverse("reviews:assessment", args=[mine.pk])).status_code == 200
    response = client.post(reverse("reviews:assessment", args=[mine.pk]), data)
    assert response.status_code == 302
    assert CriterionScore.objects.filter(assessment=mine).count() == 200
    assert Claim.objects.filter(assessment=mine).count() == 100
    assert CriterionScore.objects.filter(assessment=mine, evidence_note=LETTER * MAX_EVIDENCE_NOTE).count() == 200

    client.force_login(cast.member_head)
    assert client.post(reverse("reviews:assessment_submit", args=[mine.pk])).status_code == 302
    services.review_start(actor=cast.chair_officer, review=review)
    adjust = {}
    for score in mine.scores.all():
        adjust[f"value_{score.pk}"], adjust[f"reason_{score.pk}"] = "0", LETTER * MAX_REASON
    client.force_login(cast.chair_officer)
    response = client.post(reverse("reviews:assessment", args=[mine.pk]), adjust)
    assert response.status_code == 302
    assert CriterionScore.objects.filter(assessment=mine, adjusted_score=D(0)).count() == 200


def test_a_note_over_the_limit_redisplays_the_form_and_saves_nothing(client, cast, review):
    mine = review.assessments.get(unit=cast.member_unit)
    table = ScoringTable.objects.with_parts().get(term=cast.term)
    data = {f"score_{c.pk}": "1" for c in table.criteria()}
    data |= {f"note_{c.pk}": "x" for c in table.criteria()}
    first = table.criteria()[0]
    data[f"note_{first.pk}"] = "x" * (MAX_EVIDENCE_NOTE + 1)
    client.force_login(cast.member_staff)
    response = client.post(reverse("reviews:assessment", args=[mine.pk]), data)
    assert response.status_code == 200 and f"note_{first.pk}" in response.context["form"].errors
    assert not CriterionScore.objects.filter(assessment=mine).exists()
    with translation.override("en"), pytest.raises(ReviewError, match="at most 1000 characters"):
        services.score_set(
            actor=cast.member_staff, assessment=mine, criterion=first, value=D(1), evidence_note="x" * 1001
        )
