"""A small season for the board: three blocs of Nam Định in 2022 at different stages, built through the services.

- the cast's bloc (KH-VH-XH, a khối): pledge open since 20/03/2022 with a deadline of
  15/04/2022 (so overdue today), signed by 2 of 4 on 30/03 and 01/04; self-assessment open,
  1 of 4 submitted;
- a cluster (cụm) of three districts: pledge completed on 05/04/2022; review closed with
  totals 100, 85 and 72; dossier submitted with three proposals: a flag passed, a flag cut,
  a certificate still waiting;
- a bloc (khối Kinh tế - Tổng hợp) with members and nothing else yet.
Cao Bằng's bloc (the cast's other province) has a 2022 term too: our board must never see it.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from blocs import services as bloc_services
from core import clock
from pledges import services as pledge_services
from reviews import services as review_services
from reviews.models import Dossier
from tests.conftest import make_user
from tests.pledges.conftest import sign
from tests.reviews.conftest import EXAMPLE, LATER, fill


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


def submit_dossier(*, actor, term, heads, papers: list[dict]) -> Dossier:
    """Hold *term*'s year-end meeting through the services and submit its dossier to the board.

    The signed pledge's PDF is produced, one ballot round is opened with the bloc's quotas,
    each of *heads* casts its paper from *papers* (award form → units chosen), the round is
    counted, next year's chair and vice-chair are elected by acclamation, and the dossier
    with its rendered minutes and cover request is submitted: the chain the board receives.
    """
    for pledge in term.pledges.filter(status="completed"):
        pledge_services.pledge_pdf_produce(pledge.pk)
    ballot = review_services.ballot_open(actor=actor, term=term)
    seats = {seat.award_form_id: seat for seat in ballot.seats.prefetch_related("candidates")}
    for head, paper in zip(heads, papers, strict=True):
        choices = {
            seats[form.pk].pk: [c.pk for c in seats[form.pk].candidates.all() if c.unit_id in {u.pk for u in units}]
            for form, units in paper.items()
        }
        review_services.vote_cast(actor=head, ballot=ballot, choices=choices)
    review_services.ballot_close(actor=actor, ballot=ballot)
    members = [m.unit for m in term.memberships.order_by("order")]
    review_services.election_record(
        actor=actor,
        term=term,
        chair=members[1],
        vice_chair=members[2],
        method="acclamation",
        reference="Biên bản hội nghị tổng kết số 12/BB-CTĐ",
    )
    review_services.dossier_prepare(
        actor=actor,
        term=term,
        number="15/TTr-CTĐ",
        place="Nam Định",
        signed_on=datetime.date(2023, 1, 5),
        recipients="Ban Thi đua - Khen thưởng tỉnh",
    )
    return review_services.dossier_submit(actor=actor, term=term)


@dataclass
class Season:
    cast: object
    cluster: object
    cluster_term: object
    economy: object
    economy_term: object
    open_pledge: object
    completed_pledge: object
    review: object
    closed_review: object
    dossier: object
    flag: object
    certificate: object


def cluster_of_districts(board, province, year=2022):
    def unit(code, name):
        return bloc_services.unit_create(actor=board, province=province, code=code, name=name, head_title="Chủ tịch")

    units = [
        unit("NH", "UBND huyện Nghĩa Hưng"),
        unit("HH", "UBND huyện Hải Hậu"),
        unit("GT", "UBND huyện Giao Thủy"),
    ]
    cluster = bloc_services.bloc_create(
        actor=board, province=province, kind="cum", code="CUMNAM", name="Cụm thi đua các huyện phía Nam"
    )
    term = bloc_services.term_create(
        actor=board, bloc=cluster, year=year, units=units, chair=units[0], vice_chair=units[1]
    )
    return cluster, term, units


@pytest.fixture
def season(cast) -> Season:
    board = cast.board

    # The cast's bloc: open, overdue, 2 of 4 signed; self-assessment 1 of 4.
    with clock.fixed_at(at(datetime.date(2022, 3, 20))):
        draft = pledge_services.pledge_create(
            actor=board, term=cast.term, place="Nam Định", signing_date=datetime.date(2022, 3, 30), items=["Một"]
        )
        open_pledge = pledge_services.pledge_open(actor=board, pledge=draft, deadline=datetime.date(2022, 4, 15))
    with clock.fixed_at(at(datetime.date(2022, 3, 30))):
        sign(open_pledge, cast.member_head, token="a")
    with clock.fixed_at(at(datetime.date(2022, 4, 1), hour=6)):  # 23:00 UTC on the 31st: it counts on 01/04
        sign(open_pledge, cast.vice_head, token="b")
    review_services.table_set(actor=board, term=cast.term, data=EXAMPLE)
    review = review_services.review_open(actor=board, term=cast.term, deadline=LATER)
    fill(review.assessments.get(unit=cast.member_unit), cast.member_staff, cast.member_head)

    # The cluster: completed, closed, dossier with proposals.
    cluster, cluster_term, units = cluster_of_districts(board, cast.province)
    heads = [make_user(f"head_{unit.code.lower()}", unit=unit, can_sign=True) for unit in units]
    with clock.fixed_at(at(datetime.date(2022, 3, 25))):
        draft = pledge_services.pledge_create(
            actor=board, term=cluster_term, place="Nam Định", signing_date=datetime.date(2022, 4, 1), items=["Một"]
        )
        completed = pledge_services.pledge_open(actor=board, pledge=draft, deadline=datetime.date(2022, 4, 30))
    for head, day in zip(
        heads, (datetime.date(2022, 3, 30), datetime.date(2022, 4, 2), datetime.date(2022, 4, 5)), strict=True
    ):
        with clock.fixed_at(at(day)):
            sign(completed, head, token=head.username)
    completed.refresh_from_db()
    review_services.table_set(actor=board, term=cluster_term, data=EXAMPLE)
    closed = review_services.review_open(actor=board, term=cluster_term, deadline=LATER)
    for head, minus in zip(heads, ({}, {"I.1": 15}, {"I.1": 28}), strict=True):
        fill(closed.assessments.get(unit=head.unit), head, head, minus=minus)
    review_services.review_start(actor=board, review=closed)
    closed = review_services.review_close(actor=board, review=closed)
    flag = review_services.award_form_set(
        actor=board, province=cast.province, year=2022, code="co", name="Cờ thi đua của UBND tỉnh", default_quota=1
    )
    certificate = review_services.award_form_set(
        actor=board,
        province=cast.province,
        year=2022,
        code="bk",
        name="Bằng khen của Chủ tịch UBND tỉnh",
        default_quota=3,
        order=2,
    )
    # Two flags where the province gives one (the board then cuts one), and a certificate:
    # units[0] gets 3 votes for the flag, units[1] 2, units[2] 3 for the certificate.
    review_services.award_quota_set(actor=board, term=cluster_term, award_form=flag, quota=2)
    dossier = submit_dossier(
        actor=board,
        term=cluster_term,
        heads=heads,
        papers=[
            {flag: units[:2], certificate: units[2:]},
            {flag: units[:2], certificate: units[2:]},
            {flag: units[:1], certificate: units[2:]},
        ],
    )
    review_services.proposal_decide(actor=board, proposal=dossier.proposals.get(unit=units[0]), passed=True)
    review_services.proposal_decide(
        actor=board, proposal=dossier.proposals.get(unit=units[1]), passed=False, reason="Vượt chỉ tiêu cờ của khối"
    )

    # A bloc with members and nothing else.
    economy_units = [
        bloc_services.unit_create(actor=board, province=cast.province, code=code, name=name, head_title="Giám đốc")
        for code, name in (("CT", "Sở Công Thương"), ("XD", "Sở Xây dựng"))
    ]
    economy = bloc_services.bloc_create(
        actor=board, province=cast.province, kind="khoi", code="KTTH", name="Khối Kinh tế - Tổng hợp"
    )
    economy_term = bloc_services.term_create(
        actor=board, bloc=economy, year=2022, units=economy_units, chair=economy_units[0], vice_chair=economy_units[1]
    )
    return Season(
        cast=cast,
        cluster=cluster,
        cluster_term=cluster_term,
        economy=economy,
        economy_term=economy_term,
        open_pledge=open_pledge,
        completed_pledge=completed,
        review=review,
        closed_review=closed,
        dossier=dossier,
        flag=flag,
        certificate=certificate,
    )
