"""The secret ballot through the services: quota, threshold, tie rounds, refusals, secrecy, concurrency."""

import threading

import pytest
from django.db import connection, models

from blocs.models import Membership
from reviews import selectors, services
from reviews.models import Mark, Paper, ReviewEvent, Voter
from reviews.services import ReviewError
from tests.conftest import make_user

FLAG, MERIT = "co-thi-dua", "bang-khen"


@pytest.fixture
def heads(cast, chair_head):
    return {
        "chair": chair_head,
        "vice": cast.vice_head,
        "member": cast.member_head,
        "member2": make_user("member2_head", unit=cast.member_unit_2, can_sign=True),
    }


@pytest.fixture
def award_forms(cast):
    """The province's two award forms of 2022: one flag, two certificates of merit."""
    services.award_form_set(
        actor=cast.board,
        province=cast.province,
        year=2022,
        code=FLAG,
        name="Cờ thi đua của UBND tỉnh",
        default_quota=1,
        order=1,
    )
    services.award_form_set(
        actor=cast.board,
        province=cast.province,
        year=2022,
        code=MERIT,
        name="Bằng khen của Chủ tịch UBND tỉnh",
        default_quota=2,
        order=2,
    )


@pytest.fixture
def ballot(cast, award_forms):
    return services.ballot_open(actor=cast.chair_officer, term=cast.term)


def seat(ballot, code):
    return ballot.seats.get(award_form__code=code)


def pick(ballot, code, *units):
    """The choice of *units* (by Unit) for award form *code*, as the vote form posts it."""
    row = seat(ballot, code)
    return {row.pk: [row.candidates.get(unit=unit).pk for unit in units]}


def test_opening_sets_more_than_half_and_every_member_as_candidate(cast, ballot):
    assert (ballot.threshold, ballot.members_at_opening) == (3, 4)
    assert seat(ballot, FLAG).seats == 1 and seat(ballot, MERIT).seats == 2
    assert seat(ballot, FLAG).candidates.count() == 4
    with pytest.raises(ReviewError, match="opened already"):
        services.ballot_open(actor=cast.chair_officer, term=cast.term)


def test_a_bloc_may_have_its_own_quota(cast):
    form = services.award_form_set(
        actor=cast.board, province=cast.province, year=2022, code=FLAG, name="Cờ", default_quota=1
    )
    services.award_quota_set(actor=cast.board, term=cast.term, award_form=form, quota=2)
    ballot = services.ballot_open(actor=cast.chair_officer, term=cast.term, threshold=2)
    assert (seat(ballot, FLAG).seats, ballot.threshold) == (2, 2)


def test_votes_are_counted_against_threshold_and_quota(cast, ballot, heads):
    u = cast
    votes = {
        "chair": {**pick(ballot, FLAG, u.member_unit), **pick(ballot, MERIT, u.vice_unit, u.chair_unit)},
        "vice": {**pick(ballot, FLAG, u.member_unit), **pick(ballot, MERIT, u.chair_unit)},
        "member": {**pick(ballot, FLAG, u.member_unit), **pick(ballot, MERIT, u.chair_unit, u.vice_unit)},
        "member2": {**pick(ballot, FLAG, u.vice_unit), **pick(ballot, MERIT, u.member_unit_2)},
    }
    for name, choices in votes.items():
        services.vote_cast(actor=heads[name], ballot=ballot, choices=choices)
    services.ballot_close(actor=cast.chair_officer, ballot=ballot)
    count = {f["seat"].award_form.code: f for f in selectors.ballot_count(ballot)["forms"]}
    assert count[FLAG]["passed"] == {u.member_unit.pk}  # 3 of 4: more than half
    assert count[MERIT]["passed"] == {u.chair_unit.pk}  # 3 votes; the vice-chair's 2 fall short
    assert selectors.ballot_count(ballot)["papers"] == 4


def test_a_tie_at_the_edge_goes_to_a_further_round_among_the_tied(cast, award_forms, heads):
    u = cast
    ballot = services.ballot_open(actor=cast.chair_officer, term=cast.term, threshold=2)  # the bloc sets 2 votes
    for name, unit in (
        ("chair", u.member_unit),
        ("vice", u.member_unit),
        ("member", u.vice_unit),
        ("member2", u.vice_unit),
    ):
        services.vote_cast(actor=heads[name], ballot=ballot, choices=pick(ballot, FLAG, unit))
    services.ballot_close(actor=cast.chair_officer, ballot=ballot)
    flag = next(f for f in selectors.ballot_count(ballot)["forms"] if f["seat"].award_form.code == FLAG)
    assert flag["passed"] == set() and flag["tied"] == {u.member_unit.pk, u.vice_unit.pk}
    runoff = services.ballot_runoff(actor=cast.chair_officer, ballot=ballot)
    assert (runoff.round, seat(runoff, FLAG).seats) == (2, 1)
    assert {c.unit for c in seat(runoff, FLAG).candidates.all()} == {u.member_unit, u.vice_unit}
    assert not runoff.seats.filter(award_form__code=MERIT).exists()
    with pytest.raises(ReviewError, match="opened already"):
        services.ballot_runoff(actor=cast.chair_officer, ballot=ballot)


@pytest.mark.parametrize(
    "who, choices, message",
    [
        ("member", lambda b, u: pick(b, FLAG, u.member_unit, u.vice_unit), "at most 1"),
        ("member", lambda b, u: {**pick(b, FLAG, u.vice_unit), **pick(b, MERIT, u.vice_unit)}, "two award forms"),
        ("staff", lambda b, u: pick(b, FLAG, u.vice_unit), "signing right"),
        ("outsider_head", lambda b, u: pick(b, FLAG, u.vice_unit), "member units"),
        ("member", lambda b, u: {999999: []}, "not on the ballot"),
        ("member", lambda b, u: {seat(b, FLAG).pk: [seat(b, MERIT).candidates.first().pk]}, "not a candidate"),
    ],
)
def test_bad_votes_are_refused_and_nothing_is_written(cast, ballot, heads, who, choices, message):
    actor = {
        "member": heads["member"],
        "staff": cast.member_staff,
        "outsider_head": make_user("outsider_head", unit=cast.outsider_unit, can_sign=True),
    }[who]
    with pytest.raises(ReviewError, match=message):
        services.vote_cast(actor=actor, ballot=ballot, choices=choices(ballot, cast))
    assert not Voter.objects.exists() and not Paper.objects.exists() and not Mark.objects.exists()


def test_a_second_ballot_and_a_ballot_after_closing_are_refused(cast, ballot, heads):
    services.vote_cast(actor=heads["member"], ballot=ballot, choices=pick(ballot, FLAG, cast.vice_unit))
    with pytest.raises(ReviewError, match="already voted"):
        services.vote_cast(actor=heads["member"], ballot=ballot, choices={})
    for name in ("chair", "member2"):  # two thirds of the four members: the round can be counted
        services.vote_cast(actor=heads[name], ballot=ballot, choices={})
    services.ballot_close(actor=cast.chair_officer, ballot=ballot)
    with pytest.raises(ReviewError, match="closed"):
        services.vote_cast(actor=heads["vice"], ballot=ballot, choices={})
    assert Paper.objects.count() == 3 and Voter.objects.count() == 3


def test_secrecy_papers_and_marks_carry_no_time_user_or_unit(cast, ballot, heads):
    for model, allowed in ((Paper, {"id", "ballot"}), (Mark, {"id", "paper", "candidate"})):
        fields = {f.name for f in model._meta.concrete_fields}
        assert fields == allowed
        assert isinstance(model._meta.pk, models.UUIDField)  # no counter that orders the papers
        assert not any(isinstance(f, (models.DateTimeField, models.DateField)) for f in model._meta.fields)
    services.vote_cast(actor=heads["member"], ballot=ballot, choices=pick(ballot, FLAG, cast.vice_unit))
    # The event says that the unit voted, never what.
    event = ReviewEvent.objects.get(kind="voted")
    assert set(event.details) == {"unit", "round"}
    assert cast.vice_unit.name not in str(event.details)


@pytest.mark.postgres
def test_every_member_voting_at_once_is_counted_once(transactional_db, cast, ballot, heads):
    attempts = [head for head in heads.values() for _ in range(3)]  # each head taps three times
    barrier = threading.Barrier(len(attempts))
    outcomes, lock = [], threading.Lock()

    def attempt(head):
        try:
            barrier.wait(timeout=20)
            services.vote_cast(actor=head, ballot=ballot, choices=pick(ballot, FLAG, cast.member_unit))
            result = "counted"
        except ReviewError:
            result = "refused"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(head,)) for head in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["counted"] * 4 + ["refused"] * 8
    assert Voter.objects.filter(ballot=ballot).count() == Paper.objects.filter(ballot=ballot).count() == 4
    assert Mark.objects.filter(paper__ballot=ballot).count() == 4
    assert Membership.objects.filter(term=cast.term).count() == 4


def test_secrecy_no_admin_view_shows_how_a_unit_voted(client, cast, ballot, heads):
    services.vote_cast(actor=heads["member"], ballot=ballot, choices=pick(ballot, FLAG, cast.vice_unit))
    client.force_login(cast.superuser)
    voter_name = cast.member_unit.name
    for name in ("paper", "mark"):
        changelist = client.get(f"/admin/reviews/{name}/").content.decode()
        assert voter_name not in changelist
        for row in (Paper if name == "paper" else Mark).objects.all():
            detail = client.get(f"/admin/reviews/{name}/{row.pk}/change/").content.decode()
            assert voter_name not in detail
    # The voters' list names the unit (that it voted is not secret), and nothing of its paper.
    voters = client.get("/admin/reviews/voter/").content.decode()
    assert voter_name in voters and str(Paper.objects.get().pk) not in voters
