"""People first, in Debian's headless Chromium on a 390-px phone: a head follows the e-mail that
signing opened to the signing page, reads the pledge as text, is refused once (the drawing stays,
the errors are summarised and focused) and signs; the chair's officer's to-do list names who has
not signed yet."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from pledges import services
from pledges.models import Signature
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.pledges.test_browser import CANVAS_HAS_INK, PASSWORD, conference, draw_with_touch  # noqa: F401

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


@pytest.mark.browser
def test_a_head_goes_from_the_e_mail_to_a_signed_pledge_on_a_phone(live_server, conference, end_server_sessions):  # noqa: F811
    from playwright.sync_api import sync_playwright

    term, officer, heads = conference
    head = heads[-1][0]
    pledge = services.pledge_create(
        actor=officer, term=term, place="Nam Định", signing_date=datetime.date(2022, 3, 30), items=["Một nội dung."]
    )
    mail.outbox.clear()
    pledge = services.pledge_open(actor=officer, pledge=pledge, deadline=datetime.date(2099, 1, 1))
    [message] = [m for m in mail.outbox if m.to == [head.email]]
    assert message.body.startswith(f"Kính gửi đồng chí {head.full_name},")
    link = re.search(r"https?://\S+/sign/", message.body).group(0)
    link = live_server.url + link[link.index("/pledges/") :]
    clicks = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.goto(link)  # 1: the link in the e-mail
        clicks += 1
        page.fill("input[name=username]", head.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")  # 2: log in, straight back to the signing page
        clicks += 1
        page.wait_for_url(live_server.url + reverse("pledges:sign", args=[pledge.pk]))
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        assert "Một nội dung." in page.inner_text("#document-text")  # the pledge as text, not pictures
        assert not page.locator("#technical-details").get_attribute("open")
        draw_with_touch(page, context)  # 3: sign in the box
        clicks += 1
        page.fill("input[name=typed_name]", head.full_name)
        page.click("#sign-form button[type=submit]")  # forgot to tick "Tôi đã đọc và đồng ý"
        page.wait_for_selector("#error-summary")
        assert page.evaluate("() => document.activeElement.id") == "error-summary"
        page.wait_for_function(CANVAS_HAS_INK)  # the drawing came back
        assert not Signature.objects.filter(pledge=pledge).exists()
        page.check("input[name=agree]")  # 4
        page.click("#sign-form button[type=submit]")  # 5: sign
        clicks += 2
        page.wait_for_selector("#signed-at")
        context.close()

        # The chair's officer sees on the to-do list who has not signed yet.
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.goto(live_server.url + reverse("accounts:login"))
        page.fill("input[name=username]", officer.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(live_server.url + reverse("home"))
        waiting = page.inner_text("#todo-chair")
        assert "7/8" in waiting and head.unit.name not in waiting.split("chưa ký:")[-1]
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        context.close()
        browser.close()
    signature = Signature.objects.get(pledge=pledge, unit=head.unit)
    assert signature.kind == "drawn"
    assert clicks == 5  # from the e-mail: link, log in, draw, tick, sign (and one refusal that lost nothing)
