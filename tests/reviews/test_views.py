"""The review's pages: every form re-displays its errors and writes nothing half-way; files are checked by content."""

import datetime
import io
import json
import zoneinfo
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from blocs import services as bloc_services
from core import clock
from reviews import selectors, services
from reviews.models import CriterionScore, Evidence, Review, ReviewEvent, ScoringTable, SelfAssessment
from tests.pledges.conftest import drawn_png
from tests.reviews.conftest import EXAMPLE, LATER, fill

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# The review fixture's self-assessment runs until LATER; the services read the time from core.clock.
AFTER_THE_DEADLINE = datetime.datetime.combine(LATER + datetime.timedelta(days=1), datetime.time(9), VIETNAM)
TWO_DAYS_BEFORE_THE_DEADLINE = datetime.datetime.combine(LATER - datetime.timedelta(days=2), datetime.time(9), VIETNAM)


def url(name, *args):
    return reverse(f"reviews:{name}", args=args)


def term_url(cast, name, year=2022):
    return url(name, cast.bloc.pk, year)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def mine(review, cast):
    return review.assessments.get(unit=cast.member_unit)


def form_data(assessment, values: dict | None = None, notes: dict | None = None) -> dict:
    """Every criterion at its maximum (as Vietnamese writes it: a comma) unless *values* says otherwise."""
    table = assessment.review.term.scoring_table
    data = {}
    for criterion in table.criteria():
        default = str(criterion.max_points).replace(".", ",")
        data[f"score_{criterion.pk}"] = (values or {}).get(criterion.code, default)
        data[f"note_{criterion.pk}"] = (notes or {}).get(criterion.code, "Báo cáo tổng kết năm")
    for line in table.lines.all():
        data[f"times_{line.pk}"] = "0"
        data[f"claim_note_{line.pk}"] = ""
    return data


# The table ------------------------------------------------------------------------------------------


def test_chair_starts_from_the_example_then_imports_a_changed_copy(client, cast):
    client.force_login(cast.chair_officer)
    response = client.post(term_url(cast, "table_copy"), {"source": "example"}, follow=True)
    assert response.status_code == 200 and ScoringTable.objects.filter(term=cast.term).exists()
    assert "Thực hiện nhiệm vụ chính trị" in response.content.decode()
    exported = json.loads(client.get(term_url(cast, "table_json")).content)
    exported["groups"][0]["criteria"][0]["title"] = "Tiêu chí đã sửa"
    upload = SimpleUploadedFile("bang-diem.json", json.dumps(exported).encode(), content_type="application/json")
    response = client.post(term_url(cast, "table_import"), {"document": upload})
    assert response.status_code == 302
    assert ScoringTable.objects.get(term=cast.term).groups.first().criteria.first().title == "Tiêu chí đã sửa"


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "not a JSON file"),
        ("[1, 2]", "must be an object"),
        (json.dumps({**EXAMPLE, "total": 90}), "add up to"),
        (json.dumps({"groups": [{"criteria": [{"code": "A", "max": 10.25}]}]}), "one decimal"),
    ],
)
def test_a_bad_table_is_shown_with_its_error_and_nothing_is_written(client, cast, text, message):
    client.force_login(cast.chair_officer)
    client.cookies["django_language"] = "en"
    response = client.post(term_url(cast, "table_import"), {"text": text})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ScoringTable.objects.filter(term=cast.term).exists()


def test_a_frozen_table_cannot_be_replaced(client, cast, review):
    client.force_login(cast.chair_officer)
    client.cookies["django_language"] = "en"
    response = client.post(term_url(cast, "table_import"), {"text": json.dumps(EXAMPLE)})
    assert "frozen" in response.content.decode()
    response = client.post(term_url(cast, "table_copy"), {"source": "example"}, follow=True)
    assert any("frozen" in m for m in messages_of(response))
    assert ScoringTable.objects.get(term=cast.term).pk == review.term.scoring_table.pk


def test_copy_takes_last_years_table(client, cast):
    services.table_set(actor=cast.board, term=cast.term, data=EXAMPLE)
    term_2023 = bloc_services.term_create(
        actor=cast.board,
        bloc=cast.bloc,
        year=2023,
        units=[cast.chair_unit, cast.vice_unit],
        chair=cast.chair_unit,
        vice_chair=cast.vice_unit,
    )
    client.force_login(cast.chair_officer)
    client.cookies["django_language"] = "en"
    assert "Copy the 2022 table" in client.get(term_url(cast, "table", 2023)).content.decode()
    client.post(term_url(cast, "table_copy", 2023), {"source": "previous"})
    copied = ScoringTable.objects.with_parts().get(term=term_2023)
    assert selectors.table_as_json(copied) == selectors.table_as_json(
        ScoringTable.objects.with_parts().get(term=cast.term)
    )


# Opening ----------------------------------------------------------------------------------------------


def test_opening_needs_a_date_not_in_the_past(client, cast):
    services.table_set(actor=cast.board, term=cast.term, data=EXAMPLE)
    client.force_login(cast.chair_officer)
    client.cookies["django_language"] = "en"
    response = client.post(term_url(cast, "open"), {"deadline": "01/01/2020"})
    assert "cannot be in the past" in response.content.decode()
    response = client.post(term_url(cast, "open"), {"deadline": "31/12/2099"})
    assert response.status_code == 302
    review = Review.objects.get(term=cast.term)
    assert review.deadline == datetime.date(2099, 12, 31) and review.assessments.count() == 4


# Self-assessment --------------------------------------------------------------------------------------


def test_staff_save_with_comma_decimals_and_the_head_submits(client, cast, mine):
    client.force_login(cast.member_staff)
    data = form_data(mine, values={"I.1": "28,5"}, notes={"I.1": "Báo cáo số 15/BC-SYT"})
    response = client.post(url("assessment", mine.pk), data)
    assert response.status_code == 302
    score = mine.scores.get(criterion__code="I.1")
    assert (score.self_score, score.evidence_note) == (D("28.5"), "Báo cáo số 15/BC-SYT")
    page = client.get(url("assessment", mine.pk)).content.decode()
    assert "Submit the self-assessment" not in page and "Nộp bản tự chấm" not in page  # staff cannot submit
    client.force_login(cast.member_head)
    response = client.post(url("assessment_submit", mine.pk), follow=True)
    mine.refresh_from_db()
    assert mine.status == SelfAssessment.Status.SUBMITTED and mine.submitted_by == cast.member_head
    # Locked: a further save is refused, a second submission says so.
    client.cookies["django_language"] = "en"
    assert client.post(url("assessment", mine.pk), data).status_code == 403
    response = client.post(url("assessment_submit", mine.pk), follow=True)
    assert any("locked" in m for m in messages_of(response))


@pytest.mark.parametrize(
    "value, message",
    [("30,5", "At most 30 points"), ("-1", "cannot be negative"), ("8,25", "At most one decimal"), ("abc", "like 8,5")],
)
def test_a_bad_score_redisplays_the_form_and_saves_nothing(client, cast, mine, value, message):
    client.force_login(cast.member_staff)
    client.cookies["django_language"] = "en"
    response = client.post(url("assessment", mine.pk), form_data(mine, values={"I.1": value}))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "Nothing was saved" in page
    assert value in page  # what the user typed is still there
    assert not mine.scores.exists()


def test_evidence_without_a_score_is_refused(client, cast, mine):
    client.force_login(cast.member_staff)
    client.cookies["django_language"] = "en"
    response = client.post(url("assessment", mine.pk), form_data(mine, values={"I.2": ""}))
    assert "Enter the score as well" in response.content.decode()
    assert not mine.scores.exists()


def test_staff_without_signing_right_cannot_submit(client, cast, mine):
    fill_form(client, cast.member_staff, mine)
    client.cookies["django_language"] = "en"
    response = client.post(url("assessment_submit", mine.pk), follow=True)
    assert any("signing right" in m for m in messages_of(response))
    mine.refresh_from_db()
    assert mine.status == SelfAssessment.Status.DRAFT


def fill_form(client, user, assessment):
    client.force_login(user)
    assert client.post(url("assessment", assessment.pk), form_data(assessment)).status_code == 302


def test_after_the_deadline_nothing_is_saved_or_submitted(client, cast, mine):
    fill_form(client, cast.member_staff, mine)
    client.force_login(cast.member_head)
    client.cookies["django_language"] = "en"
    with clock.fixed_at(AFTER_THE_DEADLINE):
        response = client.post(url("assessment_submit", mine.pk), follow=True)
        assert any("deadline has passed" in m for m in messages_of(response))
        response = client.post(url("assessment", mine.pk), form_data(mine, values={"I.1": "1"}))
        assert "deadline has passed" in response.content.decode()
    assert mine.scores.get(criterion__code="I.1").self_score == D(30)


def test_a_member_sees_only_its_own_assessment_until_the_review_closes(client, cast, review, chair_head):
    other = review.assessments.get(unit=cast.member_unit_2)
    client.force_login(cast.member_head)
    assert client.get(url("assessment", other.pk)).status_code == 404
    home = client.get(term_url(cast, "home")).content.decode()
    assert cast.member_unit.name in home and cast.member_unit_2.name not in home
    mine = review.assessments.get(unit=cast.member_unit)
    evidence = services.evidence_add(actor=cast.member_staff, assessment=mine, data=PDF, name="bc.pdf")
    fill(mine, cast.member_staff, cast.member_head)
    fill(review.assessments.get(unit=cast.chair_unit), cast.chair_officer, chair_head)
    services.review_start(actor=cast.chair_officer, review=review)
    services.review_close(actor=cast.chair_officer, review=review)
    client.force_login(cast.vice_head)
    assert client.get(url("assessment", mine.pk)).status_code == 200  # closed: the scores are open to the bloc
    assert client.get(url("evidence", evidence.pk)).status_code == 404  # the files stay with the unit and the chair
    assert client.get(term_url(cast, "ranking")).status_code == 200


# Evidence ---------------------------------------------------------------------------------------------


def test_evidence_is_checked_by_content_and_served_only_through_the_check(client, cast, mine):
    client.force_login(cast.member_staff)
    criterion = mine.review.term.scoring_table.criteria()[0]
    upload = SimpleUploadedFile("Báo cáo tổng kết.pdf", PDF, content_type="application/pdf")
    response = client.post(url("evidence_add", mine.pk), {"file": upload, "criterion": criterion.pk})
    assert response.status_code == 302
    evidence = Evidence.objects.get(assessment=mine)
    assert (evidence.original_name, evidence.content_type, evidence.criterion) == (
        "Báo cáo tổng kết.pdf",
        "application/pdf",
        criterion,
    )
    assert not evidence.file.name.endswith("tổng kết.pdf")  # stored under a random name
    response = client.get(url("evidence", evidence.pk))
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "application/pdf"
    client.force_login(cast.vice_head)
    assert client.get(url("evidence", evidence.pk)).status_code == 404


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("bao-cao.pdf", b"<html><script>alert(1)</script></html>", "must be a PDF, PNG or JPEG"),
        ("anh.png", b"GIF89a" + b"\0" * 100, "must be a PDF, PNG or JPEG"),
        ("hong.pdf", b"%PDF-1.4\n" + b"x" * 5000, "damaged"),
        ("lon.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"%%EOF", "too large"),
    ],
)
def test_bad_evidence_is_refused_with_a_message_and_nothing_is_stored(client, cast, mine, name, data, message):
    client.force_login(cast.member_staff)
    client.cookies["django_language"] = "en"
    response = client.post(url("evidence_add", mine.pk), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_can_be_removed_while_filling_in(client, cast, mine, django_capture_on_commit_callbacks):
    evidence = services.evidence_add(actor=cast.member_staff, assessment=mine, data=drawn_png(), name="a.png")
    storage, name = evidence.file.storage, evidence.file.name
    client.force_login(cast.member_staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url("evidence_remove", evidence.pk)).status_code == 302
    assert not Evidence.objects.exists() and not storage.exists(name)
    assert ReviewEvent.objects.filter(kind="evidence_removed").count() == 1


# The bloc's review -----------------------------------------------------------------------------------


@pytest.fixture
def in_review(cast, review, chair_head):
    fill(review.assessments.get(unit=cast.member_unit), cast.member_staff, cast.member_head, minus={"I.1": "4.6"})
    fill(review.assessments.get(unit=cast.vice_unit), cast.vice_head, cast.vice_head, bonus={"B.3": 3})
    fill(review.assessments.get(unit=cast.chair_unit), cast.chair_officer, chair_head, minus={"I.2": 2})
    return services.review_start(actor=cast.chair_officer, review=review)


def adjust_data(assessment, changes: dict) -> dict:
    data = {}
    for score in assessment.scores.select_related("criterion"):
        value, reason = changes.get(score.criterion.code, (str(score.self_score), ""))
        data[f"value_{score.pk}"], data[f"reason_{score.pk}"] = value, reason
    return data


def test_chair_adjusts_with_a_reason_and_both_values_are_kept(client, cast, in_review):
    vice = in_review.assessments.get(unit=cast.vice_unit)
    client.force_login(cast.chair_officer)
    client.cookies["django_language"] = "en"
    response = client.post(url("assessment", vice.pk), adjust_data(vice, {"I.1": ("25", "")}))
    assert response.status_code == 200 and "Give the reason" in response.content.decode()
    assert not CriterionScore.objects.filter(assessment=vice, adjusted_score__isnull=False).exists()
    response = client.post(url("assessment", vice.pk), adjust_data(vice, {"I.1": ("25", "Thiếu minh chứng")}))
    assert response.status_code == 302
    score = vice.scores.get(criterion__code="I.1")
    assert (score.self_score, score.adjusted_score, score.adjust_reason) == (D(30), D(25), "Thiếu minh chứng")
    # The rest were confirmed as they stood.
    assert not vice.scores.filter(adjusted_score__isnull=True).exists()
    assert ReviewEvent.objects.filter(kind="adjusted").count() == 1
    # Members do not adjust.
    client.force_login(cast.vice_head)
    assert client.post(url("assessment", vice.pk), adjust_data(vice, {})).status_code == 403


def test_ranking_shows_ties_to_members_once_closed_and_exports_to_excel(client, cast, in_review):
    vice = in_review.assessments.get(unit=cast.vice_unit)
    services.score_adjust(
        actor=cast.chair_officer, score=vice.scores.get(criterion__code="I.1"), value=D(25), reason="Thiếu"
    )
    client.force_login(cast.member_head)
    assert client.get(term_url(cast, "ranking")).status_code == 403
    client.force_login(cast.chair_officer)
    assert client.post(term_url(cast, "close")).status_code == 302
    client.force_login(cast.member_head)
    response = client.get(term_url(cast, "ranking"))
    rows = response.context["rows"]
    ranked = [(r["assessment"].unit, r["rank"], r["tied"]) for r in rows]
    assert set(ranked[:2]) == {(cast.vice_unit, 1, True), (cast.chair_unit, 1, True)}  # 98 each: a tie
    assert ranked[2] == (cast.member_unit, 3, False)  # the next rank skips
    assert "(đồng hạng)" in response.content.decode()
    response = client.get(term_url(cast, "ranking_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[4]]
    assert header[:2] == ["Hạng", "Đơn vị"] and header[-2:] == ["Tổng điểm", "Xếp loại"]
    body = [[c.value for c in r] for r in sheet.iter_rows(min_row=5)]
    assert [(r[0], r[1], r[-2], r[-1]) for r in body] == [
        (
            f"{row['rank']}=" if row["tied"] else row["rank"],
            row["assessment"].unit_name,
            float(row["result"].total),
            row["result"].band or "—",
        )
        for row in rows
    ]


def test_reminders_go_to_the_heads_who_have_not_submitted_once_a_day(client, cast, review, chair_head):
    fill(review.assessments.get(unit=cast.chair_unit), cast.chair_officer, chair_head)
    for user in (cast.vice_head, cast.member_head):
        user.email = f"{user.username}@example.invalid"
        user.save()
    chair_head.email = "chair@example.invalid"
    chair_head.save()
    client.force_login(cast.chair_officer)
    client.post(term_url(cast, "remind"))
    assert sorted(m.to[0] for m in mail.outbox) == ["member_head@example.invalid", "vice_head@example.invalid"]
    assert "tự chấm điểm" in mail.outbox[0].subject.lower()
    client.post(term_url(cast, "remind"))
    assert len(mail.outbox) == 2


def test_close_before_the_review_started_is_refused(client, cast, review):
    client.force_login(cast.chair_officer)
    client.cookies["django_language"] = "en"
    response = client.post(term_url(cast, "close"), follow=True)
    assert any("Start the bloc's review" in m for m in messages_of(response))
    assert Review.objects.get(pk=review.pk).status == Review.Status.SELF_ASSESSMENT


def test_the_daily_cron_reminds_before_the_self_assessment_deadline(cast, review):
    from io import StringIO

    from django.core.management import call_command

    cast.member_head.email = "member_head@example.invalid"
    cast.member_head.save()
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert mail.outbox == [] and "self-assessment reminders: 0" in out.getvalue()  # the deadline is far off
    with clock.fixed_at(TWO_DAYS_BEFORE_THE_DEADLINE):
        call_command("send_reminders", stdout=out)
        first = sorted(m.to[0] for m in mail.outbox)
        assert "member_head@example.invalid" in first and all("head" in address for address in first)
        call_command("send_reminders", stdout=out)  # a second run the same day sends nothing more
        assert len(mail.outbox) == len(first)


def test_scores_are_shown_with_the_languages_decimal_mark(client, cast, mine):
    client.force_login(cast.member_staff)
    client.post(url("assessment", mine.pk), form_data(mine, values={"I.1": "28.5"}))  # a point is read too
    page = client.get(url("assessment", mine.pk)).content.decode()
    assert 'value="28,5"' in page


def test_deeply_nested_json_is_refused_with_a_message(client, cast):
    client.force_login(cast.chair_officer)
    client.cookies["django_language"] = "en"
    response = client.post(term_url(cast, "table_import"), {"text": "[" * 100_000 + "]" * 100_000})
    assert response.status_code == 200 and "nested too deeply" in response.content.decode()
