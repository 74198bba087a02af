"""The demo bloc's 2022 year-end review and its ballot on award proposals, built through the services with 2022 dates.

Deterministic data chosen to show what the review pages must handle: adjusted scores with
reasons, bonus and penalty claims, a tie (two units share rank 2, so rank 3 is skipped),
and a unit with a total above 90 kept out of "Xuất sắc" by one criterion below its floor.
The ballot shows what the ballot pages must handle: two flags, a unit chosen on papers for
a form it cannot take, a tie at the edge of the certificates' quota, and a further round
with an empty paper.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import User
from blocs.models import Term
from core import clock
from reviews import selectors, services
from reviews.models import Ballot, Review, ScoringTable

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """Return a moment of December 2022 in Vietnam."""
    return datetime.datetime(2022, 12, day, hour, minute, tzinfo=VIETNAM)


# The standard evidence note of each criterion; a unit's own notes replace it where it fell short.
EVIDENCE = {
    "I.1": "Báo cáo số {report}/BC-{symbol} ngày {day} tổng kết công tác năm 2022, phương hướng nhiệm vụ năm "
    "2023: các chỉ tiêu kế hoạch năm đều đạt và vượt",
    "I.2": "Báo cáo số {report_2}/BC-{symbol} ngày {day} về công tác cải cách hành chính, chuyển đổi số năm 2022; "
    "100 % hồ sơ thủ tục hành chính tiếp nhận qua Cổng dịch vụ công của tỉnh",
    "I.3": "Các báo cáo kết quả thực hiện nhiệm vụ đột xuất do Tỉnh ủy, UBND tỉnh giao trong năm 2022, gửi đúng "
    "thời hạn",
    "II.1": "Kế hoạch số {plan}/KH-{symbol} ngày 15/02/2022 phát động phong trào thi đua năm 2022 và các kế hoạch "
    "thi đua theo chuyên đề",
    "II.2": "Quyết định công nhận 02 điển hình tiên tiến; bài viết giới thiệu gương người tốt, việc tốt trên "
    "trang thông tin điện tử của đơn vị",
    "II.3": "Báo cáo kết quả thực hiện cuộc vận động “Toàn dân đoàn kết xây dựng đời sống văn hoá” năm 2022; "
    "100 % cán bộ, công chức đạt danh hiệu “Gia đình văn hoá”",
    "III.1": "Quyết định số {decision:02d}/QĐ-{symbol} ngày 10/01/2022 kiện toàn Hội đồng Thi đua - Khen thưởng; "
    "biên bản 04 phiên họp của Hội đồng",
    "III.2": "Tờ trình đề nghị khen thưởng gửi Ban Thi đua - Khen thưởng tỉnh đúng thời hạn; không có hồ sơ bị trả lại",
    "IV.1": "Quyết định quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức; đề án vị trí việc làm được "
    "UBND tỉnh phê duyệt",
    "IV.2": "Kết quả đánh giá, xếp loại năm 2022: Đảng bộ, Công đoàn, Đoàn Thanh niên hoàn thành tốt nhiệm vụ",
    "V.1": "Tham dự đầy đủ 04/04 hội nghị, hoạt động do Khối tổ chức trong năm 2022",
    "V.2": "Báo cáo tổng kết và bảng tự chấm điểm gửi Khối trưởng ngày {day}, đúng thời hạn",
}


@dataclass(frozen=True)
class UnitReview:
    symbol: str  # the unit's sign in its document numbers (…/BC-SYT)
    report: int
    plan: int
    decision: int
    filled_at: datetime.datetime
    submitted_at: datetime.datetime
    filled_by_head: bool = False  # otherwise the unit's staff enter the scores and the head only submits
    scores: dict[str, str] = field(default_factory=dict)  # self scores below the maximum; others get it
    notes: dict[str, str] = field(default_factory=dict)
    claims: tuple[tuple[str, int, str], ...] = ()  # line, times, note
    adjustments: tuple[tuple[str, str, str], ...] = ()  # criterion, the bloc's value, reason


# Counted totals: YT 104.5, GDDT 101.5 and KHCN 101.5 (tied), TTTT 99, VHTT 97.5 ("Tốt": II.2 below
# the 85 % floor after the adjustment), LĐTBXH 89.5, BDT 89, PTTH 78 ("Khá").
UNITS = {
    "KHCN": UnitReview(
        symbol="SKHCN",
        report=187,
        plan=21,
        decision=5,
        filled_at=at(9, 15),
        submitted_at=at(12, 9, 30),
        scores={"I.1": "29.5", "I.2": "9.5", "II.2": "5.5"},
        notes={
            "I.1": "Báo cáo số 187/BC-SKHCN ngày 09/12/2022 tổng kết công tác năm 2022: hoàn thành 11/12 chỉ tiêu; "
            "chỉ tiêu số doanh nghiệp khoa học và công nghệ đạt 90 % kế hoạch",
        },
        claims=(
            (
                "B.3",
                3,
                "03 sáng kiến, mô hình được Hội đồng sáng kiến tỉnh công nhận theo Quyết định số 2456/QĐ-UBND "
                "ngày 18/11/2022",
            ),
        ),
    ),
    "LDTBXH": UnitReview(
        symbol="SLĐTBXH",
        report=412,
        plan=38,
        decision=12,
        filled_at=at(16, 14, 30),
        submitted_at=at(19, 11),
        scores={"I.1": "28", "I.3": "9.5", "II.2": "5.5", "IV.2": "4.5"},
        notes={
            "I.1": "Báo cáo số 412/BC-SLĐTBXH ngày 16/12/2022 tổng kết công tác năm 2022: tạo việc làm mới cho "
            "21.350 lao động, đạt 97 % kế hoạch; tỷ lệ hộ nghèo giảm 0,6 %",
            "IV.2": "Đảng bộ Sở hoàn thành tốt nhiệm vụ; 01 đảng viên bị kỷ luật khiển trách",
        },
        claims=(("P.1", 1, "01 công chức bị kỷ luật cảnh cáo theo Quyết định số 56/QĐ-SLĐTBXH ngày 08/8/2022"),),
        adjustments=(
            (
                "I.1",
                "26",
                "Chỉ tiêu giải quyết việc làm mới đạt 97 % kế hoạch, chỉ tiêu đào tạo nghề đạt 94 %: chưa hoàn "
                "thành chỉ tiêu",
            ),
        ),
    ),
    "BDT": UnitReview(
        symbol="BDT",
        report=96,
        plan=7,
        decision=3,
        filled_at=at(19, 8, 30),
        submitted_at=at(20, 9, 40),
        filled_by_head=True,
        scores={
            "I.1": "27",
            "I.2": "8.5",
            "I.3": "8.5",
            "II.1": "7",
            "II.2": "5",
            "II.3": "5.5",
            "III.2": "4.5",
            "V.2": "4.5",
        },
        notes={
            "I.2": "Chỉ số cải cách hành chính năm 2022 xếp thứ 14/20 sở, ngành; Báo cáo số 97/BC-BDT ngày 19/12/2022",
            "III.2": "01 hồ sơ đề nghị khen thưởng bị trả lại để bổ sung thành tích",
            "V.2": "Báo cáo sơ kết 6 tháng gửi Khối trưởng chậm 03 ngày; báo cáo tổng kết gửi ngày 19/12/2022",
        },
        claims=(("P.2", 1, "Báo cáo sơ kết 6 tháng đầu năm 2022 gửi chậm 03 ngày so với thời hạn"),),
        adjustments=(("I.3", "8", "Chưa có báo cáo kết quả thực hiện nhiệm vụ đột xuất gửi UBND tỉnh"),),
    ),
    "PTTH": UnitReview(
        symbol="ĐPTTH",
        report=73,
        plan=9,
        decision=4,
        filled_at=at(20, 8),
        submitted_at=at(20, 16, 45),
        scores={
            "I.1": "26",
            "I.2": "8",
            "I.3": "8.5",
            "II.1": "6.5",
            "II.2": "4.5",
            "II.3": "5",
            "III.1": "4",
            "III.2": "4",
            "IV.1": "4.5",
            "IV.2": "4.5",
            "V.1": "4",
            "V.2": "4",
        },
        notes={
            "I.1": "Báo cáo số 73/BC-ĐPTTH ngày 20/12/2022 tổng kết công tác năm 2022: thời lượng chương trình tự "
            "sản xuất đạt 92 % kế hoạch",
            "V.1": "Tham dự 03/04 hội nghị của Khối; vắng Hội nghị sơ kết 6 tháng",
            "V.2": "Báo cáo quý I và quý III gửi Khối trưởng chậm so với thời hạn",
        },
        claims=(
            ("P.2", 2, "Báo cáo quý I và quý III năm 2022 gửi chậm so với thời hạn"),
            ("P.3", 1, "Không tham dự Hội nghị sơ kết 6 tháng đầu năm 2022 của Khối, không có lý do"),
        ),
        adjustments=(
            (
                "I.1",
                "24.5",
                "Chưa có văn bản chứng minh hoàn thành chỉ tiêu; thời lượng chương trình tự sản xuất mới đạt "
                "92 % kế hoạch",
            ),
        ),
    ),
    "GDDT": UnitReview(
        symbol="SGDĐT",
        report=2051,
        plan=215,
        decision=18,
        filled_at=at(13, 16),
        submitted_at=at(14, 8, 45),
        scores={"III.2": "4.5"},
        notes={"III.2": "01 hồ sơ đề nghị khen thưởng gửi chậm 05 ngày do bổ sung minh chứng"},
        claims=(
            (
                "B.2",
                1,
                "Bằng khen của Thủ tướng Chính phủ tặng tập thể Sở Giáo dục và Đào tạo theo Quyết định số "
                "1587/QĐ-TTg ngày 20/10/2022",
            ),
        ),
        adjustments=(
            (
                "I.1",
                "29",
                "Tỷ lệ trường đạt chuẩn quốc gia đạt 96 % kế hoạch; chưa có văn bản chứng minh hoàn thành chỉ tiêu",
            ),
        ),
    ),
    "TTTT": UnitReview(
        symbol="STTTT",
        report=265,
        plan=24,
        decision=6,
        filled_at=at(14, 10),
        submitted_at=at(15, 14, 20),
        scores={"I.1": "29", "II.1": "7.5", "II.2": "5.5", "III.1": "4.5"},
        notes={"III.1": "Hội đồng Thi đua - Khen thưởng họp 03 phiên trong năm"},
        claims=(("B.3", 1, "Mô hình “Chợ 4.0” được UBND tỉnh công nhận, nhân rộng theo Quyết định số 2190/QĐ-UBND"),),
        adjustments=(
            (
                "III.1",
                "5",
                "Đơn vị tự chấm thấp: Quyết định số 06/QĐ-STTTT ngày 10/01/2022 đã kiện toàn Hội đồng, biên bản "
                "đủ 04 phiên họp",
            ),
        ),
    ),
    "VHTT": UnitReview(
        symbol="SVHTT",
        report=318,
        plan=30,
        decision=9,
        filled_at=at(15, 9, 30),
        submitted_at=at(16, 16, 10),
        scores={"I.1": "28.5", "II.2": "5.5", "III.2": "4.5", "V.2": "4.5"},
        notes={"II.2": "Bài viết giới thiệu 03 gương người tốt, việc tốt trên trang thông tin điện tử của Sở"},
        claims=(("B.3", 1, "Sáng kiến số hoá di sản văn hoá phi vật thể được công nhận cấp tỉnh năm 2022"),),
        adjustments=(
            (
                "II.2",
                "5",
                "Chưa có quyết định công nhận điển hình tiên tiến, chỉ có bài viết trên trang thông tin điện tử",
            ),
        ),
    ),
    "YT": UnitReview(
        symbol="SYT",
        report=125,
        plan=12,
        decision=8,
        filled_at=at(12, 14),
        submitted_at=at(13, 10, 15),
        filled_by_head=True,
        scores={"I.2": "9.5", "II.2": "5.5", "V.2": "4.5"},
        claims=(
            (
                "B.1",
                1,
                "Cờ thi đua của Chính phủ tặng Sở Y tế vì thành tích phòng, chống dịch COVID-19 theo Quyết định "
                "số 1320/QĐ-TTg ngày 02/11/2022",
            ),
            ("B.3", 2, "02 sáng kiến được Hội đồng sáng kiến tỉnh công nhận năm 2022"),
        ),
        adjustments=(
            (
                "I.3",
                "9",
                "Chưa có văn bản chứng minh hoàn thành nhiệm vụ tiêm vắc-xin mũi nhắc lại do UBND tỉnh giao",
            ),
        ),
    ),
}


def seed_review_2022(*, term: Term, officer: User) -> Review:
    """Build *term*'s closed year-end review: table, eight submitted self-assessments, the bloc's adjustments.

    *officer* is the chair's officer, who sets the table, opens, adjusts and closes. Every member unit of
    *term* needs a head with signing right and a key in ``UNITS``; the term must have no review yet.
    """
    with clock.fixed_at(at(1, 8, 30)):
        services.table_set(actor=officer, term=term, data=selectors.example_table())
    with clock.fixed_at(at(5, 9)):
        review = services.review_open(actor=officer, term=term, deadline=datetime.date(2022, 12, 20))
    table = ScoringTable.objects.with_parts().get(term=term)
    criteria = table.criteria()
    lines = {line.code: line for line in table.lines.all()}
    assessments = list(review.assessments.select_related("unit"))
    users = User.objects.filter(unit__in=[a.unit for a in assessments])
    heads = {user.unit_id: user for user in users if user.can_sign}
    staff = {user.unit_id: user for user in users if not user.can_sign}

    for assessment in sorted(assessments, key=lambda a: UNITS[a.unit.code].submitted_at):
        data = UNITS[assessment.unit.code]
        head = heads[assessment.unit_id]
        clerk = head if data.filled_by_head else staff.get(assessment.unit_id, head)
        numbers = {
            "symbol": data.symbol,
            "report": data.report,
            "report_2": data.report + 1,
            "plan": data.plan,
            "decision": data.decision,
            "day": data.filled_at.strftime("%d/%m/%Y"),
        }
        with clock.fixed_at(data.filled_at):
            for criterion in criteria:
                services.score_set(
                    actor=clerk,
                    assessment=assessment,
                    criterion=criterion,
                    value=Decimal(data.scores.get(criterion.code, criterion.max_points)),
                    evidence_note=data.notes.get(criterion.code, EVIDENCE[criterion.code].format(**numbers)),
                )
            for code, times, note in data.claims:
                services.claim_set(actor=clerk, assessment=assessment, line=lines[code], times=times, note=note)
        with clock.fixed_at(data.submitted_at):
            services.assessment_submit(actor=head, assessment=assessment)

    # The year-end meeting: the bloc checks the scores criterion by criterion, then closes.
    with clock.fixed_at(at(27, 8, 30)):
        review = services.review_start(actor=officer, review=review)
    moment = at(27, 9)
    for assessment in assessments:
        for code, value, reason in UNITS[assessment.unit.code].adjustments:
            score = assessment.scores.get(criterion__code=code)
            with clock.fixed_at(moment):
                services.score_adjust(actor=officer, score=score, value=Decimal(value), reason=reason)
            moment += datetime.timedelta(minutes=12)
    with clock.fixed_at(at(27, 11, 30)):
        return services.review_close(actor=officer, review=review)


# The ballot (bỏ phiếu kín) at the same year-end meeting, after the review closed. Candidates are the
# seven members reaching "Tốt" (Đài PT-TH, "Khá", is none); 5 of the 8 heads' votes pass a unit.
FLAG, MERIT = "co-thi-dua", "bang-khen"
AWARD_FORMS = (  # code, name, default quota per bloc, in the province's order (higher awards first)
    (FLAG, "Cờ thi đua của UBND tỉnh", 1),
    (MERIT, "Bằng khen của Chủ tịch UBND tỉnh", 4),
)
FLAGS_FOR_THE_BLOC = 2  # a large bloc: 8 units, and 2 flags for 2021 too (DOMAIN.md)

# The papers (unit codes by award form), cast one each by the heads in the bloc's order; the database
# keeps no link from a paper to its head. Counted:
# flags: YT 7, GDĐT 6 pass (KHCN 2, TT&TT 1);
# certificates: VH&TT 7, KHCN 6, TT&TT 6 pass; LĐ-TB&XH 5 and BDT 5 tie for the fourth seat;
# GDĐT's 1 counts for nothing, as GDĐT takes a flag and a unit takes one form at most.
PAPERS_ROUND_1 = (
    {FLAG: ("YT", "GDDT"), MERIT: ("KHCN", "TTTT", "VHTT", "LDTBXH")},
    {FLAG: ("YT", "GDDT"), MERIT: ("KHCN", "TTTT", "VHTT", "BDT")},
    {FLAG: ("YT", "GDDT"), MERIT: ("KHCN", "TTTT", "LDTBXH", "BDT")},
    {FLAG: ("YT", "GDDT"), MERIT: ("KHCN", "VHTT", "LDTBXH", "BDT")},
    {FLAG: ("YT", "KHCN"), MERIT: ("TTTT", "VHTT", "LDTBXH", "BDT")},
    {FLAG: ("GDDT", "KHCN"), MERIT: ("TTTT", "VHTT", "LDTBXH", "BDT")},
    {FLAG: ("YT", "GDDT"), MERIT: ("KHCN", "TTTT", "VHTT")},
    {FLAG: ("YT", "TTTT"), MERIT: ("KHCN", "VHTT", "GDDT")},
)
# Round 2, the fourth certificate between the tied two: LĐ-TB&XH 5 passes, BDT 2, one empty paper.
PAPERS_ROUND_2 = (
    {MERIT: ("LDTBXH",)},
    {MERIT: ("BDT",)},
    {MERIT: ("LDTBXH",)},
    {},
    {MERIT: ("LDTBXH",)},
    {MERIT: ("LDTBXH",)},
    {MERIT: ("BDT",)},
    {MERIT: ("LDTBXH",)},
)


def seed_ballot_2022(*, term: Term, officer: User, board: User) -> Ballot:
    """Hold *term*'s ballot on its award proposals on 27/12/2022, after the review closed; return the last round.

    *board* is the province's board officer, who sets the award forms and the bloc's quota; *officer* is the
    chair's officer, who opens, closes and counts. The review must be closed, and every member unit of
    *term* needs one head with signing right and a key in ``UNITS``. Do nothing when *term* has a ballot.
    """
    last = term.ballots.order_by("-round").first()
    if last is not None:
        return last
    province = term.bloc.province
    with clock.fixed_at(at(2, 9)):  # the board's awards of the year, before the reviews open
        forms = {
            code: services.award_form_set(
                actor=board, province=province, year=2022, code=code, name=name, default_quota=quota, order=order
            )
            for order, (code, name, quota) in enumerate(AWARD_FORMS, start=1)
        }
        services.award_quota_set(actor=board, term=term, award_form=forms[FLAG], quota=FLAGS_FOR_THE_BLOC)
    members = [membership.unit for membership in term.memberships.filter(left_on__isnull=True).select_related("unit")]
    by_unit = {user.unit_id: user for user in User.objects.filter(unit__in=members, can_sign=True)}
    heads = [by_unit[unit.pk] for unit in members]

    with clock.fixed_at(at(27, 14)):
        ballot = services.ballot_open(actor=officer, term=term, min_band="Tốt")
    _cast(ballot, heads, PAPERS_ROUND_1, start=at(27, 14, 5), every=datetime.timedelta(minutes=3))
    with clock.fixed_at(at(27, 14, 40)):
        ballot = services.ballot_close(actor=officer, ballot=ballot)
    with clock.fixed_at(at(27, 14, 50)):
        runoff = services.ballot_runoff(actor=officer, ballot=ballot)
    _cast(runoff, heads, PAPERS_ROUND_2, start=at(27, 14, 55), every=datetime.timedelta(minutes=2))
    with clock.fixed_at(at(27, 15, 20)):
        return services.ballot_close(actor=officer, ballot=runoff)


def _cast(ballot: Ballot, heads: list[User], papers: tuple, *, start: datetime.datetime, every: datetime.timedelta):
    """Have *heads* cast *papers* (unit codes by award form code), one each, in order from *start*."""
    candidates = {
        (seat.award_form.code, candidate.unit.code): (seat.pk, candidate.pk)
        for seat in ballot.seats.select_related("award_form").prefetch_related("candidates__unit")
        for candidate in seat.candidates.all()
    }
    for number, (head, paper) in enumerate(zip(heads, papers, strict=True)):
        choices = {}
        for form, units in paper.items():
            # A KeyError here is a paper naming a unit that is no candidate for the form.
            for seat_pk, candidate_pk in (candidates[form, unit] for unit in units):
                choices.setdefault(seat_pk, []).append(candidate_pk)
        with clock.fixed_at(start + number * every):
            services.vote_cast(actor=head, ballot=ballot, choices=choices)


MINUTES_2022 = "Biên bản Hội nghị tổng kết công tác thi đua năm 2022 ngày 27/12/2022"


def seed_dossier_2022(*, term: Term, officer: User, board: User) -> None:
    """The 2023 chair and vice-chair elected at the meeting, then the dossier sent to the board, which has
    passed one proposal so far (the rest wait for a newcomer to decide)."""
    from pledges.models import Pledge
    from pledges.services import pledge_pdf_produce
    from reviews.models import Dossier, Election

    # The dossier includes the signed pledge: produce its PDF now rather than after the seed's commit.
    pledge_pdf_produce(term.pledges.get(status=Pledge.Status.COMPLETED).pk)

    following = Term.objects.get(bloc_id=term.bloc_id, year=term.year + 1)
    if not Election.objects.filter(term=term).exists():
        with clock.fixed_at(at(27, 15, 30)):
            # The meeting confirmed the rotation the 2023 term was rolled over with, by ballot.
            services.election_record(
                actor=officer,
                term=term,
                chair=following.chair,
                vice_chair=following.vice_chair,
                method="ballot",
                reference=MINUTES_2022,
                chair_votes=8,
                vice_chair_votes=7,
            )
    if Dossier.objects.filter(term=term).exists():
        return
    with clock.fixed_at(at(28, 9, 0)):
        services.dossier_prepare(
            actor=officer,
            term=term,
            number="12/TTr-KTĐKHVHXH",
            place="Nam Định",
            signed_on=datetime.date(2022, 12, 28),
            recipients="- Ban Thi đua - Khen thưởng tỉnh Nam Định;\n- Các đơn vị thành viên Khối;\n- Lưu: VT.",
        )
        dossier = services.dossier_submit(actor=officer, term=term)
    flag = dossier.proposals.filter(award_form__code="co-thi-dua").order_by("-votes", "unit_name").first()
    with clock.fixed_at(datetime.datetime(2023, 1, 10, 9, 0, tzinfo=VIETNAM)):
        services.proposal_decide(actor=board, proposal=flag, passed=True)
