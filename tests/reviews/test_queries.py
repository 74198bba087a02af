"""Query counts of the review's pages, pinned; they grow neither with the members (3 → 15) nor with the criteria
(10 → 60)."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from blocs import services as bloc_services
from reviews import services
from tests.conftest import make_user

SIZES = [(3, 10), (15, 10), (3, 60), (15, 60)]


def table(criteria: int) -> dict:
    groups = [
        {
            "code": str(g + 1),
            "title": f"Nhóm {g + 1}",
            "criteria": [{"code": f"{g + 1}.{c + 1}", "title": f"Tiêu chí {c + 1}", "max": 10} for c in range(10)],
        }
        for g in range(criteria // 10)
    ]
    return {
        "groups": groups,
        "bonus": {"limit": 5, "lines": [{"code": "B.1", "title": "Sáng kiến", "points": 1, "repeatable": True}]},
        "penalty": {"limit": 5, "lines": [{"code": "T.1", "title": "Chậm báo cáo", "points": 0.5}]},
        "bands": [
            {"name": "Xuất sắc", "min_total": criteria * 9, "min_share_per_criterion": 0.8},
            {"name": "Tốt", "min_total": criteria * 7},
        ],
    }


@pytest.fixture
def build(db):
    """A bloc of *members* units whose review, on a table of *criteria*, is in the bloc's review stage."""

    def build(members: int, criteria: int):
        province = bloc_services.province_create(actor=None, code="NDH", name="Nam Định")
        board = make_user("board", province=province)
        bloc = bloc_services.bloc_create(actor=board, province=province, kind="khoi", code="B", name="Khối")
        units = [
            bloc_services.unit_create(
                actor=board, province=province, code=f"U{i}", name=f"Sở số {i}", head_title="Giám đốc"
            )
            for i in range(members)
        ]
        term = bloc_services.term_create(
            actor=board, bloc=bloc, year=2022, units=units, chair=units[0], vice_chair=units[1]
        )
        services.table_set(actor=board, term=term, data=table(criteria))
        review = services.review_open(actor=board, term=term, deadline=datetime.date(2099, 1, 1))
        heads = [make_user(f"head{i}", unit=unit, can_sign=True) for i, unit in enumerate(units)]
        criteria_rows = term.scoring_table.criteria()
        lines = list(term.scoring_table.lines.all())
        by_unit = {head.unit_id: head for head in heads}
        for i, assessment in enumerate(review.assessments.order_by("unit_id")):
            head = by_unit[assessment.unit_id]
            scores = {c: (c.max_points - D(i % 4), "Báo cáo") for c in criteria_rows}
            services.assessment_save(actor=head, assessment=assessment, scores=scores, claims={lines[0]: (i % 3, "")})
            services.evidence_add(actor=head, assessment=assessment, data=b"%PDF-1.4\n%%EOF", name="a.pdf")
            services.assessment_submit(actor=head, assessment=assessment)
        review = services.review_start(actor=board, review=review)
        return term, review, board, heads

    return build


# The review page of the year, as the chair's officer:
#  1. the session  2. the user  3. the term with bloc, review and table, and whether the user's unit is a
#  member (access)  4. the self-assessments with their counts of scores  5. the count of criteria
#  6. the events with their actors
HOME_QUERIES = 6


@pytest.mark.parametrize("members, criteria", SIZES)
def test_review_home_query_count(client, build, django_assert_num_queries, members, criteria):
    term, review, board, heads = build(members, criteria)
    client.force_login(heads[0])
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(reverse("reviews:home", args=[term.bloc_id, term.year]))
    assert response.context["submitted"] == members and response.context["criteria_count"] == criteria


# A unit's self-assessment at the bloc's review, as the chair's officer (the adjustment form):
#  1. the session  2. the user  3. the assessment with its review and term  4. the term with bloc, review and
#  table, and whether the user's unit is a member  5. the table  6. its groups  7. their criteria  8. its lines
#  9. its bands  10. the unit's scores with criteria  11. its claims  12. its evidence with criteria
#  13–15. the results (the table is reused): the submitted assessments, their scores, their claims  16. the submitter
ASSESSMENT_QUERIES = 16


@pytest.mark.parametrize("members, criteria", SIZES)
def test_assessment_page_query_count(client, build, django_assert_num_queries, members, criteria):
    term, review, board, heads = build(members, criteria)
    assessment = review.assessments.order_by("unit__code").last()
    client.force_login(heads[0])
    with django_assert_num_queries(ASSESSMENT_QUERIES):
        response = client.get(reverse("reviews:assessment", args=[assessment.pk]))
    assert len(response.context["adjust_form"].scores) == criteria
    assert response.context["result"]["assessment"].pk == assessment.pk


# The ranking, as the chair's officer:
#  1. the session  2. the user  3. the term with bloc, review and table, and whether the user's unit is a member
#  4. the table  5. groups  6. criteria  7. lines  8. bands  9. the submitted assessments  10. their scores
#  11. their claims  12. the units not submitted
RANKING_QUERIES = 12


@pytest.mark.parametrize("members, criteria", SIZES)
def test_ranking_query_count(client, build, django_assert_num_queries, members, criteria):
    term, review, board, heads = build(members, criteria)
    client.force_login(heads[0])
    with django_assert_num_queries(RANKING_QUERIES):
        response = client.get(reverse("reviews:ranking", args=[term.bloc_id, term.year]))
    ranks = [row["rank"] for row in response.context["rows"]]
    assert len(ranks) == members and ranks[0] == 1
