"""The dashboard in Debian's headless Chromium: Chart.js draws the three charts under the Content Security Policy."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.pledges.test_browser import PASSWORD, log_in

DRAWN = "() => ['chart-signing', 'chart-scores', 'chart-awards'].map((id) => Boolean(window.Chart.getChart(id)))"


@pytest.mark.browser
def test_board_sees_the_charts_drawn(live_server, transactional_db, season, end_server_sessions):
    from playwright.sync_api import sync_playwright

    board = season.cast.board
    board.set_password(PASSWORD)
    board.save()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="vi-VN")
        page = context.new_page()
        errors = []
        # Script errors and policy violations; a missing resource is caught below with its address.
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        missing = []
        page.on("response", lambda response: missing.append(response.url) if response.status >= 400 else None)
        log_in(page, live_server.url, board.username)
        page.goto(live_server.url + reverse("board:dashboard", kwargs={"year": 2022}) + "?q=so+y+te")
        page.wait_for_function("() => window.Chart && window.Chart.getChart('chart-awards')")
        assert page.evaluate(DRAWN) == [True, True, True]
        assert page.locator("#blocs tbody tr").count() == 1
        # Chart.js sizes its canvas through the style object, which the policy allows (no style attribute parsed).
        assert page.evaluate("document.getElementById('chart-signing').getBoundingClientRect().height") > 50
        if os.environ.get("SCREENSHOTS_DIR"):  # as for the review's screenshots (README)
            page.set_viewport_size({"width": 1400, "height": 900})
            page.goto(live_server.url + reverse("board:dashboard", kwargs={"year": 2022}))
            page.wait_for_function("() => window.Chart && window.Chart.getChart('chart-awards')")
            page.wait_for_timeout(1200)  # let the charts' animation finish
            page.screenshot(path=str(Path(os.environ["SCREENSHOTS_DIR"]) / "board-dashboard.png"), full_page=True)
        context.close()
        browser.close()
    assert [url for url in missing if not url.endswith("/favicon.ico")] == []
    assert not [error for error in errors if "Failed to load resource" not in error], errors
