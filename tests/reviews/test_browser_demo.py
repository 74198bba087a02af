"""The 2022 demo in Debian's headless Chromium: a member sees the ballot's count (never a paper), and the
board walks to the bloc's dossier and passes a proposal."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from reviews.models import Dossier, Proposal
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.pledges.test_browser import log_in

PASSWORD = "GiaoUoc@2022"  # the demo's


def shot(page, name: str) -> None:
    """With SCREENSHOTS_DIR set (README), keep a full-page screenshot of this step."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / f"demo-{name}.png"), full_page=True)


@pytest.mark.browser
def test_the_board_passes_a_proposal_of_the_2022_demo(live_server, transactional_db, end_server_sessions):
    from playwright.sync_api import expect, sync_playwright

    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    dossier = Dossier.objects.get(term__year=2022, term__bloc__code="KHVHXH")
    term = dossier.term
    waiting = dossier.proposals.filter(status=Proposal.Status.PROPOSED).order_by("unit_name").first()
    base = live_server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        # A member's head follows the year-end meeting: the ranking, then the ballot's count.
        context = browser.new_context()
        page = context.new_page()
        log_in(page, base, "yt.head", PASSWORD)
        page.goto(base + reverse("blocs:term_detail", args=[term.bloc_id, 2022]))
        page.click("#review-link a")
        page.click(f"a[href='{reverse('reviews:ranking', args=[term.bloc_id, 2022])}']")
        expect(page.locator("#ranking tbody tr")).to_have_count(8)
        expect(page.locator("#ranking")).to_contain_text("đồng hạng")
        shot(page, "1-ranking-2022")
        page.goto(base + reverse("reviews:ballot_home", args=[term.bloc_id, 2022]))
        page.click("#ballots a >> nth=0")
        expect(page.locator("#count-co-thi-dua")).to_contain_text("Sở Y tế")
        shot(page, "2-ballot-count")
        page.goto(base + reverse("reviews:ballot_home", args=[term.bloc_id, 2022]))
        shot(page, "3-proposals-and-election")
        context.close()

        # The board opens the dossier from the bloc's pages and passes a proposal: Nam Định merged into Ninh Bình
        # on 01/07/2025, so Ninh Bình's board decides on Nam Định's dossiers now (Nam Định's own board reads them).
        context = browser.new_context()
        page = context.new_page()
        log_in(page, base, "bandtk.ninhbinh", PASSWORD)
        page.goto(base + reverse("board:dashboard", args=[2022]))
        page.wait_for_function("document.querySelectorAll('canvas').length >= 3")
        page.wait_for_timeout(500)  # let the charts finish their animation
        shot(page, "4-board-overview")
        page.goto(base + reverse("reviews:ballot_home", args=[term.bloc_id, 2022]))
        page.click(f"a[href='{reverse('reviews:dossier', args=[dossier.pk])}']")
        expect(page.locator("#proposal-table")).to_contain_text(waiting.unit_name)
        row = page.locator("#proposal-table tr", has_text=waiting.unit_name)
        row.locator("input[value=pass] ~ button").click()
        expect(page.locator("#proposal-table tr.table-success", has_text=waiting.unit_name)).to_be_visible()
        shot(page, "5-dossier-board-review")
        context.close()
        browser.close()

    waiting.refresh_from_db()
    assert waiting.status == Proposal.Status.PASSED
