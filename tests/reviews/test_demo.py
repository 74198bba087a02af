"""The demo's 2022 year-end review and its ballot, built by seed_demo through the review services."""

import datetime
import zoneinfo
from decimal import Decimal as D

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from blocs.models import Unit
from reviews import selectors
from reviews.models import Ballot, CriterionScore, Paper, Review, ReviewEvent, SelfAssessment, Voter

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def seed():
    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", stdout=quiet)


def review_counts():
    return {model.__name__: model.objects.count() for model in apps.get_app_config("reviews").get_models()}


@pytest.fixture
def review(db):
    seed()
    return Review.objects.select_related("term__scoring_table").get(
        term__bloc__province__code="NDH", term__bloc__code="KHVHXH", term__year=2022
    )


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, timezone=VIETNAM).date()


def in_december_2022(moment: datetime.datetime) -> bool:
    return datetime.date(2022, 12, 1) <= local_date(moment) <= datetime.date(2022, 12, 31)


def test_the_2022_review_is_closed_with_eight_submitted_assessments(review):
    assert review.status == Review.Status.CLOSED
    assert review.deadline == datetime.date(2022, 12, 20)
    assessments = review.assessments.all()
    assert len(assessments) == 8
    assert {a.status for a in assessments} == {SelfAssessment.Status.SUBMITTED}
    assert all(a.submitted_by.unit_id == a.unit_id and a.submitted_by.can_sign for a in assessments)


def test_every_criterion_is_scored_with_an_evidence_note(review):
    criteria = {c.pk for c in review.term.scoring_table.criteria()}
    assert len(criteria) == 12
    for assessment in review.assessments.prefetch_related("scores"):
        scores = list(assessment.scores.all())
        assert {s.criterion_id for s in scores} == criteria
        assert all(s.evidence_note.strip() for s in scores), assessment.unit_name


def test_adjustments_keep_both_values_and_the_reason(review):
    adjusted = CriterionScore.objects.filter(assessment__review=review, adjusted_score__isnull=False)
    assert adjusted.count() == 7
    assert all(s.adjust_reason and s.adjusted_score != s.self_score for s in adjusted)
    culture = adjusted.get(assessment__unit__code="VHTT", criterion__code="II.2")
    assert (culture.self_score, culture.adjusted_score, culture.counted) == (D("5.5"), D("5"), D("5"))
    assert "điển hình tiên tiến" in culture.adjust_reason
    assert ReviewEvent.objects.filter(term=review.term, kind=ReviewEvent.Kind.ADJUSTED).count() == 7


def test_the_ranking_has_a_tie_and_several_bands(review):
    rows = selectors.results(review)
    ranking = [(row["assessment"].unit.code, row["result"].total, row["result"].band, row["rank"]) for row in rows]
    assert ranking == [
        ("YT", D("104.5"), "Xuất sắc", 1),
        ("GDDT", D("101.5"), "Xuất sắc", 2),
        ("KHCN", D("101.5"), "Xuất sắc", 2),
        ("TTTT", D("99.0"), "Xuất sắc", 4),
        ("VHTT", D("97.5"), "Tốt", 5),
        ("LDTBXH", D("89.5"), "Tốt", 6),
        ("BDT", D("89.0"), "Tốt", 7),
        ("PTTH", D("78.0"), "Khá", 8),
    ]
    # Sở VH&TT reaches 90 but its adjusted II.2 (5 of 6) is below the 85 % floor of "Xuất sắc".
    culture = next(row["result"] for row in rows if row["assessment"].unit.code == "VHTT")
    assert culture.below_floor == ["II.2"]
    health = next(row["result"] for row in rows if row["assessment"].unit.code == "YT")
    assert (health.bonus, health.penalty) == (D("7"), D("0"))


def test_the_review_carries_december_2022_dates(review):
    assert in_december_2022(review.opened_at) and in_december_2022(review.closed_at)
    assert in_december_2022(review.term.scoring_table.frozen_at)
    assert local_date(review.opened_at) == datetime.date(2022, 12, 5)
    submitted = sorted(local_date(a.submitted_at) for a in review.assessments.all())
    assert (submitted[0], submitted[-1]) == (datetime.date(2022, 12, 12), datetime.date(2022, 12, 20))
    assert local_date(review.closed_at) == datetime.date(2022, 12, 27)
    events = list(ReviewEvent.objects.filter(term=review.term))
    assert {"table_set", "table_frozen", "opened", "submitted", "adjusted", "closed"} <= {e.kind for e in events}
    board = [e for e in events if e.kind in ("proposal_passed", "proposal_cut", "decided")]
    assert all(in_december_2022(event.created_at) for event in events if event not in board)
    assert [local_date(e.created_at) for e in board] == [datetime.date(2023, 1, 10)]  # the board, in January


def test_the_dossier_is_under_the_boards_review(review):
    from reviews.models import Dossier

    dossier = Dossier.objects.get(term=review.term)
    assert dossier.status == "submitted" and dossier.minutes_pdf and dossier.request_pdf
    statuses = sorted(dossier.proposals.values_list("status", flat=True))
    assert statuses == ["passed"] + ["proposed"] * 5  # 2 flags and 4 certificates; one flag passed so far
    election = review.term.election
    following = review.term.bloc.terms.get(year=2023)
    assert (following.chair, following.vice_chair, following.roles_reference) == (
        election.chair,
        election.vice_chair,
        election.reference,
    )


def test_seed_demo_twice_keeps_the_review_and_ballot_counts(review):
    first = review_counts()
    assert first["Review"] == 1 and first["SelfAssessment"] == 8 and first["CriterionScore"] == 96
    assert (first["AwardForm"], first["AwardQuota"], first["Ballot"], first["BallotSeat"]) == (2, 1, 2, 3)
    assert (first["Candidate"], first["Voter"], first["Paper"], first["Mark"]) == (16, 16, 16, 53)
    seed()
    assert review_counts() == first


# The ballot held at the year-end meeting after the review closed.


@pytest.fixture
def rounds(review):
    return list(Ballot.objects.filter(term=review.term).order_by("round"))


def codes(unit_ids) -> set[str]:
    return set(Unit.objects.filter(pk__in=unit_ids).values_list("code", flat=True))


def count_by_form(ballot) -> dict:
    return {form["seat"].award_form.code: form for form in selectors.ballot_count(ballot)["forms"]}


def votes(form) -> dict[str, int]:
    return {candidate.unit.code: candidate.votes for candidate in form["candidates"] if candidate.votes}


def test_the_2022_ballot_has_two_closed_rounds_after_the_review(review, rounds):
    first, second = rounds
    assert [(b.round, b.status) for b in rounds] == [(1, Ballot.Status.CLOSED), (2, Ballot.Status.CLOSED)]
    assert second.previous == first
    assert (first.threshold, first.members_at_opening, first.min_band) == (5, 8, "Tốt")
    # Đài PT-TH ("Khá") is no candidate.
    flag = first.seats.get(award_form__code="co-thi-dua")
    assert flag.seats == 2
    assert {c.unit.code for c in flag.candidates.all()} == {"YT", "GDDT", "KHCN", "TTTT", "VHTT", "LDTBXH", "BDT"}
    assert first.seats.get(award_form__code="bang-khen").seats == 4
    moments = [b.opened_at for b in rounds] + [b.closed_at for b in rounds]
    moments += [v.voted_at for v in Voter.objects.filter(ballot__in=rounds)]
    assert all(review.closed_at < moment for moment in moments)
    start = datetime.datetime(2022, 12, 27, 14, tzinfo=VIETNAM)
    end = datetime.datetime(2022, 12, 27, 15, 30, tzinfo=VIETNAM)
    assert all(start <= moment <= end for moment in moments)
    events = ReviewEvent.objects.filter(term=review.term, kind__in=["ballot_opened", "voted", "ballot_closed"])
    assert events.count() == 2 + 16 + 2
    assert all(start <= event.created_at <= end for event in events)


def test_round_one_passes_two_flags_and_three_certificates_and_ties_two(rounds):
    count = count_by_form(rounds[0])
    flag, merit = count["co-thi-dua"], count["bang-khen"]
    assert votes(flag) == {"YT": 7, "GDDT": 6, "KHCN": 2, "TTTT": 1}
    assert codes(flag["passed"]) == {"YT", "GDDT"} and not flag["tied"]
    assert votes(merit) == {"VHTT": 7, "KHCN": 6, "TTTT": 6, "LDTBXH": 5, "BDT": 5, "GDDT": 1}
    assert codes(merit["passed"]) == {"VHTT", "KHCN", "TTTT"}
    assert codes(merit["tied"]) == {"LDTBXH", "BDT"} and merit["seats_left"] == 1


def test_round_two_passes_one_of_the_tied(rounds):
    second = rounds[1]
    seat = second.seats.get()
    assert (seat.award_form.code, seat.seats) == ("bang-khen", 1)
    assert {c.unit.code for c in seat.candidates.all()} == {"LDTBXH", "BDT"}
    merit = count_by_form(second)["bang-khen"]
    assert votes(merit) == {"LDTBXH": 5, "BDT": 2}  # and one empty paper
    assert codes(merit["passed"]) == {"LDTBXH"} and not merit["tied"]


def test_every_member_votes_once_per_round(review, rounds):
    members = set(review.term.memberships.values_list("unit_id", flat=True))
    for ballot in rounds:
        voters = list(Voter.objects.filter(ballot=ballot))
        assert len(voters) == 8 and {v.unit_id for v in voters} == members
        assert Paper.objects.filter(ballot=ballot).count() == 8
    voters = Voter.objects.values_list("ballot_id", "unit_id")
    assert len(set(voters)) == len(voters) == 16
    papers = Paper.objects.values_list("id", flat=True)
    assert len(set(papers)) == len(papers) == 16


def test_the_voted_events_name_only_the_unit_and_round(review, rounds):
    events = list(ReviewEvent.objects.filter(term=review.term, kind=ReviewEvent.Kind.VOTED))
    assert len(events) == 16
    assert all(set(event.details) == {"unit", "round"} for event in events)
    assert sorted(event.details["round"] for event in events) == [1] * 8 + [2] * 8
    for ballot in rounds:
        names = sorted(event.details["unit"] for event in events if event.details["round"] == ballot.round)
        assert names == sorted(ballot.voters.values_list("unit_name", flat=True))
