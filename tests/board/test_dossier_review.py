"""The board's review of a dossier, down its list of proposals: back to the row just decided, the outcome beside it,
decided rows showing their decision, and the decision's button disabled with its reason while proposals wait."""

import re

import pytest
from django.urls import reverse

from reviews.models import Proposal


@pytest.fixture
def board_client(client, season):
    client.force_login(season.cast.board)
    client.cookies["django_language"] = "en"
    return client


def row_of(page: str, proposal) -> str:
    """Return the HTML of *proposal*'s row in the dossier page."""
    found = re.search(rf'<tr id="proposal-{proposal.pk}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, f"no row for proposal {proposal.pk}"
    return found.group(1)


def above_the_table(page: str) -> str:
    return page.split('id="proposal-table"')[0]


def test_passing_a_proposal_returns_to_its_row_with_the_message_beside_it(board_client, season):
    waiting = season.dossier.proposals.get(status=Proposal.Status.PROPOSED)
    url = reverse("reviews:proposal_decide", args=[season.dossier.pk, waiting.pk])

    response = board_client.post(url, {"decision": "pass"})

    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:dossier", args=[season.dossier.pk]) + f"#proposal-{waiting.pk}"
    waiting.refresh_from_db()
    assert waiting.status == Proposal.Status.PASSED
    page = board_client.get(response["Location"]).content.decode()
    assert 'class="small mt-1 proposal-message text-success" role="status">Saved.</div>' in row_of(page, waiting)
    assert "Saved." not in above_the_table(page)


def test_a_refused_cut_is_explained_beside_its_row(board_client, season):
    waiting = season.dossier.proposals.get(status=Proposal.Status.PROPOSED)
    url = reverse("reviews:proposal_decide", args=[season.dossier.pk, waiting.pk])

    response = board_client.post(url, {"decision": "cut", "reason": " "}, follow=True)

    waiting.refresh_from_db()
    assert waiting.status == Proposal.Status.PROPOSED
    page = response.content.decode()
    assert "Give the reason for cutting the proposal." in row_of(page, waiting)
    assert "Give the reason for cutting the proposal." not in above_the_table(page)


def test_decided_rows_show_their_decision_and_fold_the_buttons_away(board_client, season):
    proposals = {p.status: p for p in season.dossier.proposals.all()}
    page = board_client.get(reverse("reviews:dossier", args=[season.dossier.pk])).content.decode()

    cut = row_of(page, proposals[Proposal.Status.CUT])
    assert '<strong class="proposal-decision">Cut</strong>: Vượt chỉ tiêu cờ của khối' in cut
    # Changing a decision is one click further: the only button offered is the other decision.
    assert "<details" in cut and 'value="cut"' not in cut and 'value="pass"' in cut
    passed = row_of(page, proposals[Proposal.Status.PASSED])
    assert '<strong class="proposal-decision">Passed</strong>' in passed
    assert "<details" in passed and 'value="pass"' not in passed and 'value="cut"' in passed
    waiting = row_of(page, proposals[Proposal.Status.PROPOSED])
    assert "<details" not in waiting and 'value="pass"' in waiting and 'value="cut"' in waiting


def test_the_decision_waits_for_every_proposal_and_says_why(board_client, season):
    dossier_url = reverse("reviews:dossier", args=[season.dossier.pk])
    page = board_client.get(dossier_url).content.decode()
    assert 'disabled aria-describedby="decide-blocked"' in page
    assert re.search(r'id="decide-blocked">1 proposals? (is|are) neither passed nor cut yet', page)

    waiting = season.dossier.proposals.get(status=Proposal.Status.PROPOSED)
    board_client.post(reverse("reviews:proposal_decide", args=[season.dossier.pk, waiting.pk]), {"decision": "pass"})

    page = board_client.get(dossier_url).content.decode()
    assert "decide-blocked" not in page
