"""The ballot's pages: the board's award forms and quotas, opening, voting by checkbox, the count, and secrecy."""

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import AwardForm, AwardQuota, Ballot, Mark, Paper, Voter
from tests.conftest import make_user


@pytest.fixture
def forms(cast):
    client_forms = {}
    for code, name, quota, order in (("co", "Cờ thi đua của UBND tỉnh", 1, 1), ("bk", "Bằng khen", 2, 2)):
        client_forms[code] = services.award_form_set(
            actor=cast.board, province=cast.province, year=2022, code=code, name=name, default_quota=quota, order=order
        )
    return client_forms


@pytest.fixture
def ballot(cast, forms):
    return services.ballot_open(actor=cast.chair_officer, term=cast.term)


def vote_data(ballot, picks: dict) -> dict:
    """Form data choosing, per award form code, the candidates of the given units."""
    data = {}
    for code, units in picks.items():
        seat = ballot.seats.get(award_form__code=code)
        data[f"seat_{seat.pk}"] = [str(seat.candidates.get(unit=unit).pk) for unit in units]
    return data


def test_the_board_sets_award_forms_and_a_blocs_quota(client, cast):
    client.force_login(cast.board)
    client.cookies["django_language"] = "en"
    url = reverse("reviews:award_forms", args=[2022])
    response = client.post(url, {"code": "co thi dua", "name": "Cờ", "default_quota": 0, "order": 1})
    assert response.status_code == 200 and not AwardForm.objects.exists()
    response = client.post(url, {"code": "co-thi-dua", "name": "Cờ thi đua", "default_quota": 1, "order": 1})
    assert response.status_code == 302
    form = AwardForm.objects.get(province=cast.province, year=2022)
    quota_url = reverse("reviews:quota_set", args=[cast.bloc.pk, 2022])
    client.post(quota_url, {"award_form": form.pk, "quota": 2})
    assert AwardQuota.objects.get(term=cast.term, award_form=form).quota == 2
    client.force_login(cast.chair_officer)  # the chair's officer cannot raise its own quota
    assert client.post(quota_url, {"award_form": form.pk, "quota": 5}).status_code == 403


def test_a_head_votes_with_checkboxes_and_bad_papers_are_shown_back(client, cast, ballot):
    client.force_login(cast.member_head)
    client.cookies["django_language"] = "en"
    url = reverse("reviews:ballot", args=[ballot.pk])
    page = client.get(url).content.decode()
    assert "Your unit&#x27;s ballot paper" in page or "Your unit's ballot paper" in page
    too_many = vote_data(ballot, {"co": [cast.vice_unit, cast.chair_unit]})
    assert "choose at most 1" in client.post(url, too_many).content.decode()
    twice = vote_data(ballot, {"co": [cast.vice_unit], "bk": [cast.vice_unit]})
    assert "a unit at most once" in client.post(url, twice).content.decode()
    forged = {f"seat_{ballot.seats.get(award_form__code='co').pk}": ["999999"]}
    assert client.post(url, forged).status_code == 200
    assert not Voter.objects.exists() and not Paper.objects.exists()
    ok = vote_data(ballot, {"co": [cast.vice_unit], "bk": [cast.chair_unit, cast.member_unit_2]})
    assert client.post(url, ok).status_code == 302
    assert client.post(url, ok).status_code == 403  # a second ballot paper
    assert Paper.objects.count() == 1 and Mark.objects.count() == 3
    client.force_login(cast.member_staff)
    assert client.post(url, ok).status_code == 403  # staff without signing right


def test_no_page_shows_how_a_unit_voted(client, cast, ballot, chair_head):
    url = reverse("reviews:ballot", args=[ballot.pk])
    services.vote_cast(actor=cast.member_head, ballot=ballot, choices=vote_data_ids(ballot, "co", cast.vice_unit))
    services.vote_cast(actor=chair_head, ballot=ballot, choices=vote_data_ids(ballot, "co", cast.member_unit_2))
    for user in (cast.board, cast.chair_officer, cast.vice_head):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert cast.member_unit.name in page  # it has voted: that is public
        assert "table-success" not in page and "Votes" not in page and "Số phiếu" not in page  # no count while open
        for paper in Paper.objects.all():
            assert str(paper.pk) not in page
        if user != cast.vice_head:  # (whose own unit is in the menu bar)
            # The audit trail says who voted, never for whom (the vice-chair unit was chosen, never named there).
            home = client.get(reverse("reviews:home", args=[cast.bloc.pk, 2022])).content.decode()
            assert cast.member_unit.name in home and cast.vice_unit.name not in home
    member2_head = make_user("member2_head", unit=cast.member_unit_2, can_sign=True)
    services.vote_cast(actor=member2_head, ballot=ballot, choices=vote_data_ids(ballot, "co", cast.member_unit_2))
    client.force_login(cast.chair_officer)
    client.post(reverse("reviews:ballot_close", args=[ballot.pk]))
    page = client.get(url).content.decode()
    # The count gives votes per candidate (three papers: enough to show them); nothing links a paper to a voter.
    assert Ballot.objects.get(pk=ballot.pk).status == "closed" and "count-co" in page


def vote_data_ids(ballot, code, unit) -> dict:
    seat = ballot.seats.get(award_form__code=code)
    return {seat.pk: [seat.candidates.get(unit=unit).pk]}


def test_opening_without_award_forms_says_so(client, cast):
    client.force_login(cast.chair_officer)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("reviews:ballot_open", args=[cast.bloc.pk, 2022]), follow=True)
    assert any("no award forms" in str(m) for m in response.context["messages"])
    assert not Ballot.objects.exists()


def test_a_tie_leads_to_a_further_round(client, cast, forms, chair_head):
    services.ballot_open(actor=cast.chair_officer, term=cast.term, threshold=2)
    ballot = Ballot.objects.get(term=cast.term)
    member2_head = make_user("member2_head", unit=cast.member_unit_2, can_sign=True)
    for head, unit in (
        (chair_head, cast.member_unit),
        (cast.vice_head, cast.member_unit),
        (cast.member_head, cast.vice_unit),
        (member2_head, cast.vice_unit),
    ):
        services.vote_cast(actor=head, ballot=ballot, choices=vote_data_ids(ballot, "co", unit))
    client.force_login(cast.chair_officer)
    client.post(reverse("reviews:ballot_close", args=[ballot.pk]))
    response = client.post(reverse("reviews:ballot_runoff", args=[ballot.pk]))
    runoff = Ballot.objects.get(term=cast.term, round=2)
    assert response.url == reverse("reviews:ballot", args=[runoff.pk])
    assert {c.unit for c in runoff.seats.get().candidates.all()} == {cast.member_unit, cast.vice_unit}
