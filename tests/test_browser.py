"""In Debian's headless Chromium, driven by Playwright (never a downloaded browser)."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import sync_playwright

from blocs.models import Bloc
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, SEED_2022_NAMES


@pytest.fixture
def browser_page(end_server_sessions):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="vi-VN")
        page = context.new_page()
        errors = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        yield page, errors
        # Close before the test database is flushed.
        context.close()
        browser.close()


@pytest.mark.browser
def test_chair_officer_logs_in_and_sees_the_eight_members(live_server, transactional_db, browser_page):
    page, errors = browser_page
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    bloc = Bloc.objects.get(province__code="NDH", code="KHVHXH")

    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("input[name=username]", "khcn.staff")
    page.fill("input[name=password]", "GiaoUoc@2022")
    page.click("button[type=submit]:has-text('Đăng nhập')")
    page.wait_for_url(live_server.url + reverse("home"))

    page.goto(live_server.url + reverse("blocs:term_detail", kwargs={"pk": bloc.pk, "year": 2022}))
    assert page.locator("#members .unit-name").all_inner_texts() == SEED_2022_NAMES
    # The page's styles and scripts load under the Content Security Policy.
    assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "flex"
    assert not [e for e in errors if "Content Security Policy" in e], errors
