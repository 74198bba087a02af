"""A round of the secret ballot is counted only with its minimum turnout, and the votes of a round with fewer
than three papers are shown to nobody: the chair had closed a round with 1 of 4 units voting, and the board
then saw "1/4 voted: <unit>" beside counts that were exactly that unit's paper.

Everything goes through the pages, as the board, the chair's officer and the heads use them.
"""

import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reviews import services
from reviews.models import Ballot, BallotRule, Proposal, ReviewEvent
from tests.board.conftest import cluster_of_districts, submit_dossier
from tests.conftest import make_user
from tests.pledges.conftest import sign
from tests.reviews.conftest import EXAMPLE, LATER, fill


@pytest.fixture
def heads(cast, chair_head):
    member2_head = make_user("member2_head", unit=cast.member_unit_2, can_sign=True)
    return [chair_head, cast.vice_head, cast.member_head, member2_head]


@pytest.fixture
def flag(cast):
    return services.award_form_set(
        actor=cast.board, province=cast.province, year=2022, code="co", name="Cờ thi đua", default_quota=1
    )


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def open_ballot(client, cast, **data) -> Ballot:
    client.force_login(cast.chair_officer)
    response = client.post(reverse("reviews:ballot_open", args=[cast.bloc.pk, 2022]), {"min_band": "", **data})
    assert response.status_code == 302
    return Ballot.objects.get(term=cast.term, round=1)


def vote(client, ballot, head, unit):
    """Cast *head*'s paper on the ballot page, choosing *unit* for the flag."""
    seat = ballot.seats.get()
    client.force_login(head)
    data = {f"seat_{seat.pk}": [str(seat.candidates.get(unit=unit).pk)]}
    assert client.post(reverse("reviews:ballot", args=[ballot.pk]), data).status_code == 302


def close(client, cast, ballot) -> str:
    """Press "Close and count" as the chair's officer; return the message it gives."""
    client.force_login(cast.chair_officer)
    response = client.post(reverse("reviews:ballot_close", args=[ballot.pk]), follow=True)
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]][-1]  # after those of the earlier steps


def set_turnout(client, cast, percent) -> object:
    client.force_login(cast.board)
    data = {"action": "turnout", "province": cast.province.pk, "min_turnout_percent": percent}
    return client.post(reverse("reviews:award_forms", args=[2022]), data)


def test_one_paper_of_four_is_not_counted_and_the_chair_is_told_how_many_more(english, cast, flag, heads):
    ballot = open_ballot(english, cast)
    assert ballot.min_papers == 3  # two thirds of four members, rounded up
    vote(english, ballot, heads[2], cast.vice_unit)
    assert close(english, cast, ballot) == (
        "2 more ballot papers are needed before this round can be counted: "
        "1 of the 4 members have voted, and the count needs 3."
    )
    vote(english, ballot, heads[0], cast.vice_unit)
    assert close(english, cast, ballot).startswith("1 more ballot paper is needed")
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN
    assert not ReviewEvent.objects.filter(kind=ReviewEvent.Kind.BALLOT_CLOSED).exists()
    english.force_login(cast.board)  # the board sees who voted, and no count
    page = english.get(reverse("reviews:ballot", args=[ballot.pk])).content.decode()
    assert "2 of 4 units have voted" in page and 'id="count-co"' not in page

    vote(english, ballot, heads[1], cast.member_unit)
    assert close(english, cast, ballot) == "The round is closed and counted."
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED
    assert ReviewEvent.objects.get(kind=ReviewEvent.Kind.BALLOT_CLOSED).details["papers"] == 3
    english.force_login(cast.board)  # three papers: the votes are shown
    page = english.get(reverse("reviews:ballot", args=[ballot.pk])).content.decode()
    assert 'id="count-co"' in page and ">Votes</th>" in page and 'id="votes-withheld"' not in page


def test_the_board_asks_eighty_percent_for_its_province_and_year(english, cast, flag, heads):
    for bad in (0, 101, "tám mươi"):
        response = set_turnout(english, cast, bad)
        assert response.status_code == 200 and response.context["rule_form"].errors["min_turnout_percent"]
    assert not BallotRule.objects.exists()
    assert set_turnout(english, cast, 80).status_code == 302
    rule = BallotRule.objects.get(province=cast.province, year=2022)
    assert (rule.min_turnout_percent, rule.updated_by) == (80, cast.board)
    page = english.get(reverse("reviews:award_forms", args=[2022])).content.decode()
    assert "at least 80 % of the members" in page
    english.force_login(cast.chair_officer)  # the bloc does not set its own turnout
    data = {"action": "turnout", "province": cast.province.pk, "min_turnout_percent": 10}
    assert english.post(reverse("reviews:award_forms", args=[2022]), data).status_code == 403
    assert BallotRule.objects.get().min_turnout_percent == 80

    ballot = open_ballot(english, cast)
    assert ballot.min_papers == 4  # 80 % of 4 is 3.2: four papers
    for head in heads[:3]:
        vote(english, ballot, head, cast.member_unit)
    assert close(english, cast, ballot).startswith("1 more ballot paper is needed")
    vote(english, ballot, heads[3], cast.member_unit)
    assert close(english, cast, ballot) == "The round is closed and counted."
    # Emptied, the rule is the default again; the round already opened keeps its four papers.
    assert set_turnout(english, cast, "").status_code == 302
    assert BallotRule.objects.get().min_turnout_percent is None
    assert Ballot.objects.get(pk=ballot.pk).min_papers == 4


def test_the_votes_of_a_round_of_two_papers_are_shown_to_nobody(english, cast, flag, heads):
    assert set_turnout(english, cast, 50).status_code == 302
    ballot = open_ballot(english, cast, threshold=2)
    assert ballot.min_papers == 2
    vote(english, ballot, heads[2], cast.vice_unit)
    vote(english, ballot, heads[3], cast.vice_unit)
    assert close(english, cast, ballot) == "The round is closed and counted."
    for user in (cast.board, cast.chair_officer, cast.member_head):
        english.force_login(user)
        page = english.get(reverse("reviews:ballot", args=[ballot.pk])).content.decode()
        assert 'id="votes-withheld"' in page and 'id="count-co"' in page
        assert ">Votes</th>" not in page and 'class="points"' not in page  # no number beside any unit
        assert "table-success" in page  # the outcome is given: the vice-chair's unit is proposed
    assert ReviewEvent.objects.get(kind=ReviewEvent.Kind.BALLOT_CLOSED).details["passed"] == [
        {"form": "co", "units": [cast.vice_unit.name]}
    ]


@pytest.fixture
def small_cluster_dossier(cast, flag):
    """A cluster of three districts whose meeting counted a round of two papers, its dossier submitted."""
    cluster, term, units = cluster_of_districts(cast.board, cast.province)
    heads = [make_user(f"head_{unit.code.lower()}", unit=unit, can_sign=True) for unit in units]
    from pledges import services as pledge_services

    pledge = pledge_services.pledge_create(
        actor=cast.board, term=term, place="Nam Định", signing_date=LATER.replace(year=2022), items=["Một"]
    )
    pledge = pledge_services.pledge_open(actor=cast.board, pledge=pledge, deadline=LATER)
    for head in heads:
        sign(pledge, head, token=head.username)
    services.table_set(actor=cast.board, term=term, data=EXAMPLE)
    review = services.review_open(actor=cast.board, term=term, deadline=LATER)
    for head in heads:
        fill(review.assessments.get(unit=head.unit), head, head)
    services.review_start(actor=cast.board, review=review)
    services.review_close(actor=cast.board, review=review)
    # Two of the three heads vote (two thirds: enough to count), both for the first district.
    dossier = submit_dossier(
        actor=cast.board, term=term, heads=heads[:2], papers=[{flag: units[:1]}, {flag: units[:1]}]
    )
    return dossier, units


@pytest.mark.pdf
def test_the_dossier_its_minutes_and_the_export_withhold_the_votes_of_a_round_of_two_papers(
    english, cast, small_cluster_dossier
):
    dossier, units = small_cluster_dossier
    proposal = Proposal.objects.get(dossier=dossier)
    assert (proposal.unit, proposal.votes) == (units[0], None)  # the votes are not even stored
    english.force_login(cast.board)
    page = english.get(reverse("reviews:dossier", args=[dossier.pk])).content.decode()
    assert units[0].name in page and '<td class="points" data-label="Votes">—</td>' in page
    minutes = b"".join(english.get(reverse("reviews:dossier_pdf", args=[dossier.pk, "minutes"])).streaming_content)
    text = " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=minutes, capture_output=True, check=True).stdout.decode().split()
    )
    assert "2/2" not in text and "(2 phiếu)" not in text and "dưới 3 phiếu" in text
    workbook = load_workbook(io.BytesIO(english.get(reverse("reviews:year_xlsx", args=[2022])).content))
    rows = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert rows[1][2:4] == (units[0].name, "—")
    overview = english.get(reverse("board:dashboard", args=[2022]))
    assert overview.status_code == 200 and "votes" not in overview.content.decode().lower()
