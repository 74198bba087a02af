"""Query counts of the list pages, pinned, and shown not to grow with the data."""

import pytest
from django.urls import reverse

from blocs import services
from tests.conftest import make_user


def build(board, province, blocs: int, members: int, year: int = 2022):
    """Create *blocs* blocs of *members* units each, with one term per bloc."""
    first_bloc = None
    for b in range(blocs):
        bloc = services.bloc_create(actor=board, province=province, kind="khoi", code=f"B{b}", name=f"Khối số {b}")
        units = [
            services.unit_create(
                actor=board, province=province, code=f"U{b}-{m}", name=f"Sở thứ {b}-{m}", head_title="Giám đốc"
            )
            for m in range(members)
        ]
        services.term_create(actor=board, bloc=bloc, year=year, units=units, chair=units[0], vice_chair=units[1])
        first_bloc = first_bloc or (bloc, units)
    return first_bloc


@pytest.fixture
def board(db):
    province = services.province_create(actor=None, code="NDH", name="Nam Định")
    return make_user("board", province=province)


# The bloc list as a board officer:
#  1. the session  2. the user with unit and province  3. all provinces (id, successor) for the board's scope
#  4. the blocs  5. their name versions  6. their provinces' name versions
#  7. their terms with the chair unit
BLOC_LIST_QUERIES = 7


@pytest.mark.parametrize("blocs, members", [(3, 4), (30, 12)])
def test_bloc_list_query_count_does_not_grow(client, board, django_assert_num_queries, blocs, members):
    build(board, board.province, blocs, members)
    client.force_login(board)
    with django_assert_num_queries(BLOC_LIST_QUERIES):
        response = client.get(reverse("blocs:bloc_list"))
    assert len(response.context["blocs"]) == blocs


# A bloc's year page as the chair's officer:
#  1. the session  2. the user with unit and province  3. the term with its bloc and province
#  4. the bloc's name versions  5. the province's name versions
#  6. the memberships with their units (also the access check's: is the user's unit a member?)
#  7. the units' name versions  8. the bloc's years (previous/next)  9. the term's events with their actors
#  10. the term's pledges
YEAR_PAGE_QUERIES = 10


@pytest.mark.parametrize("blocs, members", [(3, 4), (30, 12)])
def test_year_page_query_count_does_not_grow(client, board, django_assert_num_queries, blocs, members):
    bloc, units = build(board, board.province, blocs, members)
    chair_officer = make_user("chair_officer", unit=units[0])
    client.force_login(chair_officer)
    with django_assert_num_queries(YEAR_PAGE_QUERIES):
        response = client.get(reverse("blocs:term_detail", kwargs={"pk": bloc.pk, "year": 2022}))
    assert len(response.context["members"]) == members
