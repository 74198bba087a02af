"""The dashboard's query count, pinned, and shown not to grow with the blocs of the year."""

import datetime

import pytest
from django.urls import reverse

from blocs import services as bloc_services
from pledges import services as pledge_services
from tests.conftest import make_user
from tests.pledges.conftest import sign


def build(board, province, blocs: int, members: int = 3, year: int = 2022):
    """Create *blocs* blocs of *members* units with an open pledge each; every other one has a signature."""
    for b in range(blocs):
        kind = "cum" if b % 3 == 0 else "khoi"
        bloc = bloc_services.bloc_create(actor=board, province=province, kind=kind, code=f"B{b}", name=f"Khối số {b}")
        units = [
            bloc_services.unit_create(
                actor=board, province=province, code=f"U{b}-{m}", name=f"Sở thứ {b}-{m}", head_title="Giám đốc"
            )
            for m in range(members)
        ]
        term = bloc_services.term_create(
            actor=board, bloc=bloc, year=year, units=units, chair=units[0], vice_chair=units[1]
        )
        pledge = pledge_services.pledge_create(
            actor=board, term=term, place="Nam Định", signing_date=datetime.date(2022, 3, 30), items=["Một"]
        )
        if b % 4 == 3:
            continue  # a draft
        pledge = pledge_services.pledge_open(actor=board, pledge=pledge, deadline=datetime.date(2099, 1, 1))
        if b % 2 == 0:
            sign(pledge, make_user(f"head{b}", unit=units[0], can_sign=True), token=f"t{b}")


@pytest.fixture
def board(db):
    province = bloc_services.province_create(actor=None, code="NDH", name="Nam Định")
    return make_user("board", province=province)


# The dashboard of a year, as the board officer of one province:
#  1. the session  2. the user with unit and province  3. all provinces (id, successor): the board's scope
#  4. the years that have blocs (the year links)
#  5. the year's terms with bloc, province, review, dossier and their members counted  6. the blocs' name versions
#  7. the live pledges with their required and signed counts
#  8. self-assessments counted by review  9. proposals counted by term, award form and status
#  10. signatures counted by day (the signing chart)  11. the closing events with their table's total (scores chart)
# A search adds the members' names: 12. the memberships with their units  13. the units' name versions.
# A board whose scope holds several provinces (after a merger, or a superuser) adds the provinces, for the filter.
DASHBOARD_QUERIES = 11
SEARCH_QUERIES = 13


@pytest.mark.parametrize("blocs", [5, 50])
@pytest.mark.parametrize(
    "params, queries",
    [
        ({}, DASHBOARD_QUERIES),
        ({"kind": "khoi", "pledge": "open", "review": "none"}, DASHBOARD_QUERIES),
        ({"q": "so thu 1-2", "kind": "khoi", "pledge": "open", "review": "none"}, SEARCH_QUERIES),
    ],
)
def test_dashboard_query_count_does_not_grow(client, board, django_assert_num_queries, blocs, params, queries):
    build(board, board.province, blocs)
    client.force_login(board)
    with django_assert_num_queries(queries):
        response = client.get(reverse("board:dashboard", kwargs={"year": 2022}), params)
    assert response.context["total_rows"] == blocs
    assert response.context["data"]["signing"]["cumulative"][-1] == (blocs + 1) // 2  # the even blocs signed
