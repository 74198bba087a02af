"""The dossier: what it lacks before it can go, the proposals from the ballot, and the board's decisions."""

import datetime

import pytest
from django.urls import reverse

from pledges.models import Pledge
from reviews import selectors, services
from reviews.models import Dossier, Proposal, ReviewEvent
from reviews.services import ReviewError
from tests.conftest import make_user
from tests.reviews.conftest import fill

MINUTES = "Biên bản hội nghị tổng kết ngày 27/12/2022"


@pytest.fixture
def meeting(cast, review, chair_head):
    """The 2022 year-end meeting held: review closed, one flag voted, next year's chair elected."""
    member2_head = make_user("member2_head", unit=cast.member_unit_2, can_sign=True)
    heads = [chair_head, cast.vice_head, cast.member_head, member2_head]
    staff = {
        cast.chair_unit: cast.chair_officer,
        cast.vice_unit: cast.vice_head,
        cast.member_unit: cast.member_staff,
        cast.member_unit_2: member2_head,
    }
    for head in heads:
        fill(review.assessments.get(unit=head.unit), staff[head.unit], head)
    services.review_start(actor=cast.chair_officer, review=review)
    services.review_close(actor=cast.chair_officer, review=review)
    services.award_form_set(
        actor=cast.board, province=cast.province, year=2022, code="co", name="Cờ thi đua", default_quota=1
    )
    ballot = services.ballot_open(actor=cast.chair_officer, term=cast.term)
    seat = ballot.seats.get()
    for head in heads:
        services.vote_cast(
            actor=head, ballot=ballot, choices={seat.pk: [seat.candidates.get(unit=cast.member_unit).pk]}
        )
    services.ballot_close(actor=cast.chair_officer, ballot=ballot)
    services.election_record(
        actor=cast.chair_officer,
        term=cast.term,
        chair=cast.vice_unit,
        vice_chair=cast.member_unit,
        method="acclamation",
        reference=MINUTES,
    )
    return ballot


def test_the_missing_parts_are_listed_one_by_one(cast):
    missing = selectors.dossier_missing(cast.term)
    assert [m.split(" ")[1] for m in missing] == ["signed", "closed", "secret", "election", "cover"]
    with pytest.raises(ReviewError, match="missing: the signed pledge"):
        services.dossier_submit(actor=cast.chair_officer, term=cast.term)
    assert not Dossier.objects.exists()


def test_only_the_pledge_is_missing_after_the_meeting(cast, meeting):
    services.dossier_prepare(
        actor=cast.chair_officer,
        term=cast.term,
        number="05/TTr-KTĐVX",
        place="Nam Định",
        signed_on=datetime.date(2022, 12, 28),
        recipients="- Ban Thi đua - Khen thưởng tỉnh;",
    )
    assert selectors.dossier_missing(cast.term) == ["the signed pledge (completed, with its PDF)"]
    proposals, pending = selectors.ballot_outcome(cast.term)
    assert [(p["unit_name"], p["votes"]) for p in proposals] == [(cast.member_unit.name, 4)] and not pending


@pytest.fixture
def submitted(cast, meeting):
    """A dossier as the board receives it, with two proposals to pass or cut.

    Its rows are written directly, not through ``dossier_submit``: that needs the signed pledge
    (tests/pledges signs one), renders both PDFs (the documents' own tests) and proposes only
    the one unit the meeting's ballot passed.
    """
    dossier = services.dossier_prepare(
        actor=cast.chair_officer,
        term=cast.term,
        number="05/TTr",
        place="Nam Định",
        signed_on=datetime.date(2022, 12, 28),
        recipients="- Ban TĐKT tỉnh;",
    )
    for unit in (cast.member_unit, cast.vice_unit):
        Proposal.objects.create(
            dossier=dossier, award_form=meeting.seats.get().award_form, unit=unit, unit_name=unit.name, votes=4
        )
    Dossier.objects.filter(pk=dossier.pk).update(status=Dossier.Status.SUBMITTED)
    return Dossier.objects.get(pk=dossier.pk)


def test_the_board_passes_cuts_with_a_reason_and_decides(client, cast, submitted):
    client.force_login(cast.board)
    client.cookies["django_language"] = "en"
    first, second = submitted.proposals.order_by("unit_name")
    url = reverse("reviews:proposal_decide", args=[submitted.pk, first.pk])
    response = client.post(url, {"decision": "cut", "reason": ""}, follow=True)
    assert any("reason for cutting" in str(m) for m in response.context["messages"])
    client.post(url, {"decision": "cut", "reason": "Vượt số lượng Cờ thi đua của tỉnh"})
    decide = reverse("reviews:dossier_decide", args=[submitted.pk])
    response = client.post(
        decide, {"number": "125/QĐ-UBND", "date": "15/01/2023", "signer": "Phạm Đình Nghị"}, follow=True
    )
    assert any("neither passed nor cut" in str(m) for m in response.context["messages"])
    client.post(reverse("reviews:proposal_decide", args=[submitted.pk, second.pk]), {"decision": "pass"})
    client.post(decide, {"number": "125/QĐ-UBND", "date": "15/01/2023", "signer": "Phạm Đình Nghị"})
    submitted.refresh_from_db()
    assert (submitted.status, submitted.decision_number, submitted.decision_date) == (
        "decided",
        "125/QĐ-UBND",
        datetime.date(2023, 1, 15),
    )
    assert sorted(submitted.proposals.values_list("status", flat=True)) == ["cut", "passed"]
    kinds = list(ReviewEvent.objects.filter(term=cast.term).values_list("kind", flat=True))
    assert kinds.count("proposal_cut") == 1 and kinds.count("proposal_passed") == 1 and "decided" in kinds


def test_the_board_returns_the_dossier_with_a_comment(client, cast, submitted):
    client.force_login(cast.chair_officer)  # not the board
    assert client.post(reverse("reviews:dossier_return", args=[submitted.pk]), {"comment": "x"}).status_code == 403
    client.force_login(cast.board)
    client.post(reverse("reviews:dossier_return", args=[submitted.pk]), {"comment": "Thiếu biên bản kiểm phiếu"})
    submitted.refresh_from_db()
    assert (submitted.status, submitted.return_comment) == ("returned", "Thiếu biên bản kiểm phiếu")
    page = client.get(reverse("reviews:dossier", args=[submitted.pk])).content.decode()
    assert "Thiếu biên bản kiểm phiếu" in page


def test_submit_with_every_part_renders_both_documents(cast, meeting, django_capture_on_commit_callbacks):
    services.dossier_prepare(
        actor=cast.chair_officer,
        term=cast.term,
        number="05/TTr-KTĐVX",
        place="Nam Định",
        signed_on=datetime.date(2022, 12, 28),
        recipients="- Ban Thi đua - Khen thưởng tỉnh;",
    )
    pledge = Pledge.objects.create(
        term=cast.term,
        title="Giao ước thi đua năm 2022",
        place="Nam Định",
        signing_date=datetime.date(2022, 3, 30),
        status=Pledge.Status.COMPLETED,
        pdf_status=Pledge.PdfStatus.READY,
        created_at=datetime.datetime(2022, 3, 1, tzinfo=datetime.UTC),
    )
    assert pledge.pk
    dossier = services.dossier_submit(actor=cast.chair_officer, term=cast.term)
    assert dossier.status == "submitted" and dossier.minutes_pdf and dossier.request_pdf
    assert [p.unit for p in dossier.proposals.all()] == [cast.member_unit]
    with dossier.request_pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_the_year_export_opens_again_with_the_same_figures(client, cast, submitted):
    import io

    from openpyxl import load_workbook

    Proposal.objects.filter(unit=cast.vice_unit).update(status="cut", reason="=HYPERLINK(1)\x07 vượt chỉ tiêu")
    client.force_login(cast.board)
    response = client.get(reverse("reviews:year_xlsx", args=[2022]))
    book = load_workbook(io.BytesIO(response.content))
    results, proposals = book.worksheets
    assert [c.value for c in results[1]] == [
        "Khối thi đua",
        "Đơn vị",
        "Điểm các tiêu chí",
        "Điểm thưởng (được tính)",
        "Điểm trừ (được tính)",
        "Tổng điểm",
        "Xếp loại",
        "Hạng",
    ]
    rows = [[c.value for c in row] for row in results.iter_rows(min_row=2)]
    expected = selectors.results(cast.term.review)
    assert [(r[1], r[5]) for r in rows] == [(x["assessment"].unit_name, float(x["result"].total)) for x in expected]
    reasons = {row[2].value: row[5].value for row in proposals.iter_rows(min_row=2)}
    assert reasons[cast.vice_unit.name] == "'=HYPERLINK(1) vượt chỉ tiêu"  # no control character, no formula
    client.force_login(cast.other_board)
    other = load_workbook(io.BytesIO(client.get(reverse("reviews:year_xlsx", args=[2022])).content))
    assert other.worksheets[0].max_row == 1 and other.worksheets[1].max_row == 1  # headers only
