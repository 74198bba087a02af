"""The dossier's minutes and cover request as PDFs, checked with poppler and pikepdf."""

import datetime
import html
import io
import json
import re
import subprocess
import unicodedata
from zoneinfo import ZoneInfo

import pikepdf
import pytest

from blocs import services as registry
from core import clock
from reviews import documents, selectors, services
from tests.conftest import make_user
from tests.reviews.conftest import fill

pytestmark = pytest.mark.pdf
FLAG, MERIT = "co-thi-dua", "bang-khen"
NUMBER = "05/TTr-KHVHXH"
RECIPIENTS = "Như trên;\nUBND tỉnh (để báo cáo);\nCác đơn vị thành viên Khối;\nLưu: VT."
MEETING = datetime.datetime(2022, 12, 27, 16, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
MM = 72 / 25.4
A4_WIDTH, A4_HEIGHT = 210 * MM, 297 * MM
# The heading's columns meet at 42 % of the text width (pdf.css); signatures and "Nơi nhận" at its middle.
HEADING_SPLIT, HEADING_HEIGHT = (32 + 0.42 * 160) * MM, 55 * MM
SIGNATURE_SPLIT = (32 + 80) * MM


def run(*command, data: bytes) -> str:
    return subprocess.run(command, input=data, capture_output=True, check=True, timeout=120).stdout.decode()


def text_of(data: bytes, *, page: int | None = None, raw: bool = True) -> str:
    """The PDF's text, NFC, on one line. *raw* keeps the order WeasyPrint drew it in: a table row's cells
    together, however their names wrap."""
    options = (["-f", str(page), "-l", str(page)] if page else []) + (["-raw"] if raw else [])
    return " ".join(unicodedata.normalize("NFC", run("pdftotext", *options, "-", "-", data=data)).split())


def pages(data: bytes) -> int:
    info = run("pdfinfo", "-", data=data).splitlines()
    return int(next(line.split()[-1] for line in info if line.startswith("Pages:")))


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def left_and_right(data: bytes, *, page: int, split: float, height: float = A4_HEIGHT) -> tuple[str, str]:
    """The words of *page* wholly left and wholly right of *split* points, from its top down to *height*.

    Word boxes, not pdftotext's cropping: it would join "VĂN HOÁ -" at a line's end to the next line.
    """
    words = [
        (float(x_min), float(x_max), html.unescape(word))
        for x_min, x_max, y_max, word in WORD.findall(
            run("pdftotext", "-f", str(page), "-l", str(page), "-bbox", "-", "-", data=data)
        )
        if float(y_max) <= height
    ]
    left = " ".join(word for x_min, x_max, word in words if x_max <= split)
    right = " ".join(word for x_min, x_max, word in words if x_min >= split)
    return unicodedata.normalize("NFC", left), unicodedata.normalize("NFC", right)


def attached(data: bytes, name: str) -> dict:
    with pikepdf.open(io.BytesIO(data)) as document:
        assert document.open_metadata().get("pdfaid:part") == "3"
        spec = document.attachments[name]
        assert spec.obj.get("/AFRelationship") == "/Data"
        assert spec.get_file().mime_type == "application/json"
        return json.loads(spec.get_file().read_bytes())


def pick(ballot, code, *units):
    seat = ballot.seats.get(award_form__code=code)
    return {seat.pk: [seat.candidates.get(unit=unit).pk for unit in units]}


@pytest.fixture
def dossier(cast, review, chair_head, monkeypatch):
    """The cast's 2022 year, complete but for the signed pledge: scores with a tie at the top, two ballot
    rounds (a tie for the flag, then its further round), the election, and the submitted dossier."""
    u = cast
    member2_head = make_user("member2_head", unit=u.member_unit_2, can_sign=True)
    heads = {
        u.chair_unit: chair_head,
        u.vice_unit: u.vice_head,
        u.member_unit: u.member_head,
        u.member_unit_2: member2_head,
    }
    fill(review.assessments.get(unit=u.chair_unit), u.chair_officer, chair_head, minus={"I.1": 2})  # 98
    fill(review.assessments.get(unit=u.vice_unit), u.vice_head, u.vice_head, minus={"I.1": 3}, bonus={"B.3": 1})  # 98
    fill(review.assessments.get(unit=u.member_unit), u.member_staff, u.member_head, minus={"I.1": "4.5"})  # 95.5
    fill(  # 97 − 2 = 95
        review.assessments.get(unit=u.member_unit_2), member2_head, member2_head, minus={"I.3": 3}, bonus={"P.2": 2}
    )
    services.review_start(actor=u.chair_officer, review=review)
    with clock.fixed_at(MEETING):
        services.review_close(actor=u.chair_officer, review=review)
    for code, name, quota, order in (
        (FLAG, "Cờ thi đua của UBND tỉnh", 1, 1),
        (MERIT, "Bằng khen của Chủ tịch UBND tỉnh", 2, 2),
    ):
        services.award_form_set(
            actor=u.board, province=u.province, year=2022, code=code, name=name, default_quota=quota, order=order
        )
    first = services.ballot_open(actor=u.chair_officer, term=u.term, threshold=2)
    for unit, flag, merit in (
        (u.chair_unit, u.member_unit, (u.chair_unit, u.member_unit_2)),
        (u.vice_unit, u.member_unit, (u.chair_unit, u.member_unit_2)),
        (u.member_unit, u.vice_unit, (u.chair_unit,)),
        (u.member_unit_2, u.vice_unit, (u.member_unit_2,)),
    ):
        services.vote_cast(
            actor=heads[unit], ballot=first, choices={**pick(first, FLAG, flag), **pick(first, MERIT, *merit)}
        )
    services.ballot_close(actor=u.chair_officer, ballot=first)
    second = services.ballot_runoff(actor=u.chair_officer, ballot=first)
    for unit, flag in (
        (u.chair_unit, u.member_unit),
        (u.vice_unit, u.member_unit),
        (u.member_unit, u.vice_unit),
        (u.member_unit_2, u.member_unit),
    ):
        services.vote_cast(actor=heads[unit], ballot=second, choices=pick(second, FLAG, flag))
    services.ballot_close(actor=u.chair_officer, ballot=second)
    services.election_record(
        actor=u.chair_officer,
        term=u.term,
        chair=u.vice_unit,
        vice_chair=u.member_unit,
        method="ballot",
        reference="Biên bản Hội nghị tổng kết ngày 27/12/2022",
        chair_votes=4,
        vice_chair_votes=3,
    )
    services.dossier_prepare(
        actor=u.chair_officer,
        term=u.term,
        number=NUMBER,
        place="Nam Định",
        signed_on=datetime.date(2022, 12, 28),
        recipients=RECIPIENTS,
    )
    # Everything is there but the signed pledge, whose signing and sealing are tested in tests/pledges.
    real = selectors.dossier_missing
    assert real(u.term) == ["the signed pledge (completed, with its PDF)"]
    monkeypatch.setattr(selectors, "dossier_missing", lambda term: [m for m in real(term) if "pledge" not in m])
    return services.dossier_submit(actor=u.chair_officer, term=u.term)


def test_submitting_stores_both_pdfs_with_the_ballots_proposals(dossier):
    assert dossier.status == "submitted"
    assert [(p.award_form.code, p.unit_name, p.votes) for p in dossier.proposals.select_related("award_form")] == [
        (FLAG, "Sở Y tế", 3),
        (MERIT, "Sở Giáo dục và Đào tạo", 3),
        (MERIT, "Sở Khoa học và Công nghệ", 3),
    ]
    for field in (dossier.minutes_pdf, dossier.request_pdf):
        with field.open("rb") as stored:
            assert stored.read().startswith(b"%PDF-")


def test_minutes_show_the_meeting_scores_ballot_and_election(dossier, cast):
    data = documents.render_minutes(dossier)
    issuer, motto = left_and_right(data, page=1, split=HEADING_SPLIT, height=HEADING_HEIGHT)
    assert issuer == "KHỐI KHOA HỌC - VĂN HOÁ - XÃ HỘI Số: 05/BB-KHVHXH"
    assert motto == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Nam Định, ngày 27 tháng 12 năm 2022"
    text = text_of(data)
    for expected in (
        "BIÊN BẢN Hội nghị tổng kết công tác thi đua năm 2022 của Khối Khoa học - Văn hoá - Xã hội",
        "Thời gian: ngày 27 tháng 12 năm 2022",
        "Địa điểm: Nam Định",
        "đại diện lãnh đạo 04 đơn vị thành viên",
        "1 Sở Khoa học và Công nghệ 98 0 0 98 Xuất sắc 1 (đồng hạng)",
        "2 Sở Lao động - Thương binh và Xã hội 97 1 0 98 Xuất sắc 1 (đồng hạng)",
        "3 Sở Y tế 95,5 0 0 95,5 Xuất sắc 3",
        "4 Sở Giáo dục và Đào tạo 97 0 2 95 Khá 4",
        "Vòng 1: số thành viên 4; số phiếu thu về 4; số phiếu cần để đạt 2.",
        "Cờ thi đua của UBND tỉnh (01 suất)",
        "Sở Y tế 2/4 Bằng phiếu: bỏ phiếu vòng sau",
        "Bằng khen của Chủ tịch UBND tỉnh (02 suất)",
        "Sở Giáo dục và Đào tạo 3/4 Đạt",
        "Vòng 2: số thành viên 4",
        "Sở Y tế 3/4 Đạt",
        "Sở Lao động - Thương binh và Xã hội 1/4 Không đạt",
        "Cờ thi đua của UBND tỉnh: Sở Y tế (3 phiếu)",
        "Bầu Khối trưởng, Khối phó năm 2023",
        "Khối trưởng: Sở Lao động - Thương binh và Xã hội, đạt 4/4 phiếu",
        "Khối phó: Sở Y tế, đạt 3/4 phiếu",
    ):
        assert expected in text, expected
    assert "Sở Tài chính" not in text
    secretary, chair = left_and_right(data, page=pages(data), split=SIGNATURE_SPLIT)
    assert "THƯ KÝ (Ký, ghi rõ họ tên)" in secretary and "CHỦ TRÌ" not in secretary
    assert "CHỦ TRÌ GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ (Ký, ghi rõ họ tên)" in chair and "THƯ KÝ" not in chair


def test_minutes_attach_the_results_ballot_and_election(dossier):
    shown = attached(documents.render_minutes(dossier), "bien-ban-tong-ket.json")
    assert shown["number"] == "05/BB-KHVHXH" and shown["date"] == "2022-12-27"
    assert [(r["unit"], r["total"], r["rank"], r["tied"]) for r in shown["results"]][:2] == [
        ("Sở Khoa học và Công nghệ", "98.0", 1, True),
        ("Sở Lao động - Thương binh và Xã hội", "98.0", 1, True),
    ]
    assert [r["round"] for r in shown["rounds"]] == [1, 2]
    flag = shown["rounds"][0]["forms"][0]
    assert flag["award_form"] == FLAG
    assert {(c["unit"], c["votes"], c["tied"]) for c in flag["candidates"] if c["tied"]} == {
        ("Sở Y tế", 2, True),
        ("Sở Lao động - Thương binh và Xã hội", 2, True),
    }
    assert shown["election"]["chair_votes"] == 4


def test_request_shows_the_addressee_proposals_recipients_and_signature(dossier):
    data = documents.render_request(dossier)
    issuer, motto = left_and_right(data, page=1, split=HEADING_SPLIT, height=HEADING_HEIGHT)
    assert issuer == "KHỐI KHOA HỌC - VĂN HOÁ - XÃ HỘI Số: 05/TTr-KHVHXH"
    assert motto.endswith("Hạnh phúc Nam Định, ngày 28 tháng 12 năm 2022")
    text = text_of(data)
    for expected in (
        "TỜ TRÌNH Về việc đề nghị khen thưởng phong trào thi đua năm 2022",
        "Kính gửi: Ban Thi đua - Khen thưởng tỉnh Nam Định.",
        "Căn cứ Giao ước thi đua năm 2022 của Khối Khoa học - Văn hoá - Xã hội;",
        "bỏ phiếu kín đề nghị khen thưởng (2 vòng) tại Hội nghị, ghi tại Biên bản số 05/BB-KHVHXH ngày 27 tháng 12 năm 2022",
        "1. Cờ thi đua của UBND tỉnh: 01 tập thể",
        "1 Sở Y tế 3 95,5 3",
        "2. Bằng khen của Chủ tịch UBND tỉnh: 02 tập thể",
        "1 Sở Giáo dục và Đào tạo 3 95 4",
        "2 Sở Khoa học và Công nghệ 3 98 1",
    ):
        assert expected in text, expected
    recipients, signature = left_and_right(data, page=pages(data), split=SIGNATURE_SPLIT)
    assert recipients.endswith(
        "Nơi nhận: - Như trên; - UBND tỉnh (để báo cáo); - Các đơn vị thành viên Khối; - Lưu: VT."
    )
    assert "TM." not in recipients
    assert signature.endswith("TM. KHỐI THI ĐUA KHỐI TRƯỞNG GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ")
    assert "Nơi nhận" not in signature


def test_request_attaches_its_proposals(dossier):
    shown = attached(documents.render_request(dossier), "de-nghi-khen-thuong.json")
    assert (shown["number"], shown["date"], shown["province"]) == (NUMBER, "2022-12-28", "Nam Định")
    assert [
        (g["award_form"], [(u["unit_code"], u["votes"], u["total"]) for u in g["units"]]) for g in shown["proposals"]
    ] == [
        (FLAG, [("YT", 3, "95.5")]),
        (MERIT, [("GDDT", 3, "95.0"), ("KHCN", 3, "98.0")]),
    ]


@pytest.mark.parametrize("render", [documents.render_minutes, documents.render_request])
def test_a4_official_margins_and_only_embedded_liberation_serif(dossier, render):
    data = render(dossier)
    assert "(A4)" in run("pdfinfo", "-", data=data)
    rows = run("pdffonts", "-", data=data).splitlines()[2:]
    assert rows
    for row in rows:
        assert "Liberation-Serif" in row.split()[0], row
        assert " yes yes yes " in row, row
    boxes = run("pdftotext", "-bbox", "-", "-", data=data)
    assert min(float(part.split('"')[1]) for part in boxes.split("xMin=")[1:]) >= 30 * MM - 0.5
    assert pages(data) >= 2 and text_of(data, page=2, raw=False).split()[0] == "2"  # page numbers from page 2


def test_a_number_without_ttr_leaves_the_minutes_unnumbered():
    assert documents.minutes_number("05/TTr-KTĐVX") == "05/BB-KTĐVX"
    assert documents.minutes_number("12/KTĐVX") == ""


def test_documents_keep_the_names_of_their_dates_after_the_2025_reorganisation(dossier, cast):
    on = datetime.date(2025, 7, 1)
    registry.unit_rename(
        actor=cast.board, unit=cast.vice_unit, on=on, name="Sở Nội vụ", short_name="SNV", head_title="Giám đốc"
    )
    registry.unit_rename(
        actor=cast.board,
        unit=cast.chair_unit,
        on=on,
        name="Sở Khoa học và Công nghệ tỉnh Ninh Bình",
        short_name="",
        head_title="Giám đốc",
    )
    registry.bloc_rename(actor=cast.board, bloc=cast.bloc, on=on, name="Khối Văn hoá - Xã hội")
    minutes, request = text_of(documents.render_minutes(dossier)), text_of(documents.render_request(dossier))
    assert "Khối trưởng: Sở Lao động - Thương binh và Xã hội" in minutes
    assert "CHỦ TRÌ GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ (Ký" in minutes
    assert "KHỐI TRƯỞNG GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ" in request
    for text in (minutes, request):
        assert "KHỐI KHOA HỌC - VĂN HOÁ - XÃ HỘI" in text
        assert "Sở Nội vụ" not in text and "Ninh Bình" not in text and "Khối Văn hoá" not in text
