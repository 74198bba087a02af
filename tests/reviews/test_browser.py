"""The year-end review in Debian's headless Chromium: the chair's officer sets the table and opens
self-assessment; one unit's staff scores it with evidence and its head submits; the chair's officer
adjusts a score at the bloc's review and closes it; the unit sees its rank."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from blocs import services as bloc_services
from reviews import selectors
from reviews.models import CriterionScore, Evidence, Review, SelfAssessment
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, make_user
from tests.pledges.test_browser import PASSWORD, log_in
from tests.reviews.conftest import fill

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def shot(page, name: str) -> None:
    """With SCREENSHOTS_DIR set (docs/README.md), keep a full-page screenshot of this step."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / f"review-{name}.png"), full_page=True)


@pytest.fixture
def bloc(transactional_db):
    province = bloc_services.province_create(actor=None, code="NDH", name="Nam Định")
    board = make_user("board", province=province)
    names = ["Sở Khoa học và Công nghệ", "Sở Lao động - Thương binh và Xã hội", "Sở Y tế"]
    units = [
        bloc_services.unit_create(actor=board, province=province, code=f"U{i}", name=name, head_title="Giám đốc")
        for i, name in enumerate(names)
    ]
    bloc = bloc_services.bloc_create(actor=board, province=province, kind="khoi", code="KHVHXH", name="Khối KH-VH-XH")
    term = bloc_services.term_create(
        actor=board, bloc=bloc, year=2022, units=units, chair=units[0], vice_chair=units[1]
    )
    people = {
        "officer": make_user("officer", unit=units[0], full_name="Nguyễn Thị Thu Hà"),
        "chair_head": make_user("chair_head", unit=units[0], can_sign=True, full_name="Trần Văn Hùng"),
        "vice_head": make_user("vice_head", unit=units[1], can_sign=True, full_name="Phạm Đức Thắng"),
        "staff": make_user("yt_staff", unit=units[2], full_name="Lê Thị Mai"),
        "head": make_user("yt_head", unit=units[2], can_sign=True, full_name="Nguyễn Ngọc Thành"),
    }
    for user in people.values():
        user.set_password(PASSWORD)
        user.save()
    return term, units, people


@pytest.mark.browser
def test_one_units_self_assessment_and_the_chairs_review(live_server, bloc, end_server_sessions, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    term, units, people = bloc
    base = live_server.url
    home = base + reverse("reviews:home", args=[term.bloc_id, term.year])
    evidence_file = tmp_path / "Báo cáo tổng kết 2022.pdf"
    evidence_file.write_bytes(PDF)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        # The chair's officer starts from the example table and opens self-assessment.
        context = browser.new_context()
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        log_in(page, base, "officer")
        page.goto(base + reverse("blocs:term_detail", args=[term.bloc_id, term.year]))
        page.click("#review-link a")
        page.click(f"a[href='{reverse('reviews:table', args=[term.bloc_id, term.year])}']")
        page.click("form:has(input[value=example]) button")
        expect(page.locator("#criteria")).to_contain_text("Cải cách hành chính")
        shot(page, "1-table")
        page.goto(home)
        page.fill("input[name=deadline]", "31/12/2099")
        page.click("#open-heading ~ form button[type=submit]")
        expect(page.locator("#assessments tbody tr")).to_have_count(3)
        context.close()

        # The other two units fill theirs in through the services.
        review = Review.objects.get(term=term)
        fill(review.assessments.get(unit=units[0]), people["officer"], people["chair_head"], minus={"I.2": 1})
        fill(review.assessments.get(unit=units[1]), people["vice_head"], people["vice_head"], bonus={"B.3": 2})

        # Sở Y tế's staff scores every criterion (a comma decimal in one), attaches evidence, saves.
        context = browser.new_context()
        page = context.new_page()
        log_in(page, base, "yt_staff")
        page.goto(home)
        page.click("#fill-own")
        inputs = page.locator("#scores input.points-input")
        assert inputs.count() == 12
        inputs.nth(0).fill("28,5")
        for i in range(1, 12):
            inputs.nth(i).fill("5")
        notes = page.locator("#scores textarea")
        for i in range(12):
            notes.nth(i).fill("Báo cáo số 125/BC-SYT ngày 15/12/2022")
        page.fill("#claims input[name^=times_]", "1")  # B.1: the Government's flag
        page.click("#assessment-form button[type=submit]")
        expect(page.locator(".alert-success")).to_be_visible()
        page.set_input_files("input[name=file]", str(evidence_file))
        page.click("#evidence form button[type=submit]")
        expect(page.locator("#evidence")).to_contain_text("Báo cáo tổng kết 2022.pdf")
        shot(page, "2-self-assessment")
        assert page.locator("#submit-heading ~ form").count() == 0  # staff cannot submit
        context.close()

        # Its head submits; the page is then read-only.
        context = browser.new_context()
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        log_in(page, base, "yt_head")
        mine = review.assessments.get(unit=units[2])
        page.goto(base + reverse("reviews:assessment", args=[mine.pk]))
        page.click("#submit-heading ~ form button[type=submit]")
        expect(page.locator(".alert-success")).to_be_visible()
        assert page.locator("#assessment-form").count() == 0
        context.close()
        mine.refresh_from_db()
        assert mine.status == SelfAssessment.Status.SUBMITTED
        assert Evidence.objects.filter(assessment=mine).count() == 1

        # The chair's officer starts the bloc's review, lowers one score with a reason, and closes.
        context = browser.new_context()
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        log_in(page, base, "officer")
        page.goto(home)
        page.click(f"form[action='{reverse('reviews:start', args=[term.bloc_id, term.year])}'] button")
        page.goto(base + reverse("reviews:assessment", args=[mine.pk]))
        score = mine.scores.get(criterion__code="I.1")
        page.fill(f"input[name=value_{score.pk}]", "25")
        page.click("#adjust-form button[type=submit]")
        expect(page.locator(f"input[name=reason_{score.pk}] ~ .invalid-feedback")).to_be_visible()
        shot(page, "3-adjust-needs-a-reason")
        page.fill(f"input[name=reason_{score.pk}]", "Chưa đủ minh chứng chỉ tiêu 3")
        page.click("#adjust-form button[type=submit]")
        expect(page.locator(".alert-success")).to_be_visible()
        page.goto(home)
        shot(page, "4-bloc-review")
        page.click(f"form[action='{reverse('reviews:close', args=[term.bloc_id, term.year])}'] button")
        expect(page.locator(".review-status-closed").first).to_be_visible()
        context.close()

        # The unit sees the ranking, with its adjusted score counted.
        context = browser.new_context()
        page = context.new_page()
        log_in(page, base, "yt_head")
        page.goto(base + reverse("reviews:ranking", args=[term.bloc_id, term.year]))
        expect(page.locator("#ranking tbody tr")).to_have_count(3)
        expect(page.locator("#ranking")).to_contain_text("Sở Y tế")
        shot(page, "5-ranking")
        context.close()
        browser.close()

    score.refresh_from_db()
    assert (score.self_score, score.adjusted_score, score.adjust_reason) == (28.5, 25, "Chưa đủ minh chứng chỉ tiêu 3")
    assert CriterionScore.objects.filter(assessment=mine, adjusted_score__isnull=True).count() == 0
    rows = {row["assessment"].unit_id: row for row in selectors.results(Review.objects.get(term=term))}
    # 28.5 → 25, then eleven criteria at 5 (II.1 of 8, II.2 and II.3 of 6 are at 5 too) + 5 bonus.
    assert rows[units[2].pk]["result"].total == 25 + 5 * 11 + 5
