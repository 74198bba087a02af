"""The election of next year's chair and vice-chair: it feeds the rollover, or assigns next year's roles."""

import pytest
from django.urls import reverse

from blocs import services as bloc_services
from blocs.models import Event
from reviews import services
from reviews.models import Election, ReviewEvent
from reviews.services import ReviewError

MINUTES = "Biên bản hội nghị tổng kết ngày 27/12/2022"


def test_an_election_by_ballot_needs_more_than_half(cast):
    with pytest.raises(ReviewError, match="between 3 and 4 votes"):
        services.election_record(
            actor=cast.chair_officer,
            term=cast.term,
            chair=cast.member_unit,
            vice_chair=cast.member_unit_2,
            method="ballot",
            reference=MINUTES,
            chair_votes=2,
            vice_chair_votes=4,
        )
    assert not Election.objects.exists()


def test_the_election_takes_precedence_over_the_rotation_in_the_rollover(cast):
    rotation = bloc_services.term_rollover_proposal(cast.term)
    assert (rotation.chair, rotation.vice_chair) == (cast.vice_unit, cast.member_unit)
    services.election_record(
        actor=cast.chair_officer,
        term=cast.term,
        chair=cast.member_unit_2,
        vice_chair=cast.chair_unit,
        method="ballot",
        reference=MINUTES,
        chair_votes=4,
        vice_chair_votes=3,
    )
    cast.term.refresh_from_db()  # the registry keeps the elected roles on the term's row
    proposal = bloc_services.term_rollover_proposal(cast.term)
    assert (proposal.chair, proposal.vice_chair, proposal.reference) == (cast.member_unit_2, cast.chair_unit, MINUTES)
    assert ReviewEvent.objects.filter(term=cast.term, kind="elected").count() == 1


def test_where_next_year_exists_the_election_assigns_its_roles(cast):
    following = bloc_services.term_create(
        actor=cast.board,
        bloc=cast.bloc,
        year=2023,
        units=[cast.chair_unit, cast.vice_unit, cast.member_unit, cast.member_unit_2],
        chair=cast.vice_unit,
        vice_chair=cast.member_unit,
    )
    services.election_record(
        actor=cast.chair_officer,
        term=cast.term,
        chair=cast.member_unit,
        vice_chair=cast.member_unit_2,
        method="acclamation",
        reference=MINUTES,
        chair_votes=9,
    )
    following.refresh_from_db()
    assert (following.chair, following.vice_chair, following.roles_reference) == (
        cast.member_unit,
        cast.member_unit_2,
        MINUTES,
    )
    assert Election.objects.get(term=cast.term).chair_votes is None  # acclamation keeps no count
    assert Event.objects.filter(term=following).count() >= 2  # created, then the roles assigned


def test_only_next_years_members_can_be_elected(cast):
    with pytest.raises(ReviewError, match="next year's member units"):
        services.election_record(
            actor=cast.chair_officer,
            term=cast.term,
            chair=cast.outsider_unit,
            vice_chair=cast.member_unit,
            method="acclamation",
            reference=MINUTES,
        )


def test_the_election_page_shows_errors_and_records(client, cast):
    client.force_login(cast.chair_officer)
    client.cookies["django_language"] = "en"
    url = reverse("reviews:election", args=[cast.bloc.pk, 2022])
    data = {"chair": cast.member_unit.pk, "vice_chair": cast.member_unit.pk, "method": "ballot", "reference": ""}
    response = client.post(url, data)
    assert response.status_code == 200 and "must be different" in response.content.decode()
    data.update(vice_chair=cast.member_unit_2.pk, reference=MINUTES, chair_votes=3, vice_chair_votes=3)
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("reviews:ballot_home", args=[cast.bloc.pk, 2022])).content.decode()
    assert cast.member_unit.name in page and "3 of 4 votes" in page
