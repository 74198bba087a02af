"""Accessibility in Debian's headless Chromium: axe-core (npm) finds no serious or critical
violation on the main pages, and a head signs by keyboard alone, with the typed or the saved
signature."""

import datetime
import functools
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from blocs import services as bloc_services
from pledges import services as pledge_services
from pledges.models import Signature
from tests.board.conftest import season  # noqa: F401 (a fixture)
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, make_user
from tests.pledges.conftest import drawn_png

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}
RUN_AXE = """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}}).then((results) =>
    results.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.map((node) => node.target.join(" ")),
    })))"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def logged_in_context(browser, base: str, user=None):
    """Return a browser context with *user*'s session (none for the public), made without the login form."""
    context = browser.new_context(locale="vi-VN")
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    return context


@functools.cache
def axe_source() -> str:
    return AXE.read_text()


def violations(page) -> list[dict]:
    """Run axe-core on the page and return its serious and critical violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Not add_script_tag: the page's policy (script-src 'self') blocks the inline script it adds,
        # while a script the driver evaluates is not subject to it.
        page.evaluate(axe_source())
    return [v for v in page.evaluate(RUN_AXE, AXE_TAGS) if v["impact"] in BLOCKING]


def describe(found: dict[str, list[dict]]) -> str:
    lines = []
    for name, page_violations in found.items():
        for v in page_violations:
            lines.append(f"{name}: {v['id']} ({v['impact']}) {v['help']} at {', '.join(v['targets'])}")
    return "\n".join(lines)


def open_pledge_with_heads(board, province, bloc_code: str, unit_codes: list[tuple[str, str]]):
    """Open a pledge of a new bloc's 2022 term and return it with one head per unit."""
    units = [
        bloc_services.unit_create(actor=board, province=province, code=code, name=name, head_title="Giám đốc")
        for code, name in unit_codes
    ]
    bloc = bloc_services.bloc_create(actor=board, province=province, kind="khoi", code=bloc_code, name="Khối Nội chính")
    term = bloc_services.term_create(
        actor=board, bloc=bloc, year=2022, units=units, chair=units[0], vice_chair=units[1]
    )
    draft = pledge_services.pledge_create(
        actor=board, term=term, place="Nam Định", signing_date=datetime.date(2022, 3, 30), items=["Một nội dung."]
    )
    pledge = pledge_services.pledge_open(actor=board, pledge=draft, deadline=datetime.date(2099, 1, 1))
    heads = [
        make_user(f"head_{code.lower()}", unit=unit, can_sign=True, full_name=full_name)
        for (code, _), unit, full_name in zip(unit_codes, units, ["Trần Văn Hùng", "Phạm Đức Thắng"], strict=True)
    ]
    return pledge, heads


@pytest.mark.browser
def test_main_pages_have_no_serious_violations(live_server, transactional_db, season, browser, end_server_sessions):  # noqa: F811
    cast = season.cast
    pledge, (head, _) = open_pledge_with_heads(
        cast.board, cast.province, "NC", [("CA", "Công an tỉnh"), ("TP", "Sở Tư pháp")]
    )
    vice_assessment = season.review.assessments.get(unit=cast.vice_unit)
    cluster = season.cluster_term
    pages = [
        ("home (head)", head, reverse("home")),
        ("signing page (head)", head, reverse("pledges:sign", args=[pledge.pk])),
        ("pledge progress (chair's officer)", cast.chair_officer, season.open_pledge.get_absolute_url()),
        ("conference screen", cast.chair_officer, reverse("pledges:conference", args=[season.open_pledge.pk])),
        ("verification index", None, reverse("verify:index")),
        ("verification code", None, reverse("verify:code", args=[season.completed_pledge.verification_code])),
        ("board dashboard", cast.board, reverse("board:dashboard", kwargs={"year": 2022})),
        ("self-assessment (vice head)", cast.vice_head, reverse("reviews:assessment", args=[vice_assessment.pk])),
        ("ranking (board)", cast.board, reverse("reviews:ranking", args=[cluster.bloc_id, cluster.year])),
    ]
    found = {}
    contexts = {}
    try:
        for name, user, url in pages:
            key = user.pk if user else None
            if key not in contexts:
                contexts[key] = logged_in_context(browser, live_server.url, user)
            page = contexts[key].new_page()
            response = page.goto(live_server.url + url)
            assert response.status == 200, (name, response.status)
            found[name] = violations(page)
            page.close()
    finally:
        for context in contexts.values():
            context.close()
    assert not any(found.values()), "\n" + describe(found)


FOCUS_VISIBLE = """() => {
    const style = getComputedStyle(document.activeElement);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return outline || style.boxShadow !== "none";
}"""


def tab_to(page, selector: str, *, presses: int = 40) -> None:
    """Press Tab until the focused element matches *selector*; fail if focus order never reaches it."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            # Without a visible focus indicator a keyboard user cannot tell where they are.
            assert page.evaluate(FOCUS_VISIBLE), f"no visible focus on {selector}"
            return
    raise AssertionError(f"{selector} is not reached by Tab")


@pytest.fixture
def signing(transactional_db):
    province = bloc_services.province_create(actor=None, code="NDH", name="Nam Định")
    board = make_user("board", province=province)
    return open_pledge_with_heads(board, province, "NC", [("CA", "Công an tỉnh"), ("TP", "Sở Tư pháp")])


def sign_by_keyboard(browser, base: str, pledge, head, *, arrows: int) -> None:
    """Sign as *head* with Tab, Space, arrow keys and Enter only; *arrows* moves the method off "drawn"."""
    # Reduced motion: Bootstrap then draws the focus ring at once instead of fading it in.
    context = browser.new_context(locale="vi-VN", reduced_motion="reduce")
    try:
        client = Client()
        client.force_login(head)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
        page = context.new_page()
        page.goto(base + reverse("pledges:sign", args=[pledge.pk]))
        tab_to(page, "input[name=agree]")
        page.keyboard.press("Space")
        tab_to(page, "input[name=typed_name]")
        page.keyboard.type(head.full_name)
        # Tab enters the radio group on its checked button; the arrows choose within it.
        tab_to(page, "input[name=method]:checked")
        for _ in range(arrows):
            page.keyboard.press("ArrowDown")
        tab_to(page, "#sign-form button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_selector("#signed-at")
    finally:
        context.close()


@pytest.mark.browser
def test_head_signs_with_typed_name_by_keyboard_alone(live_server, signing, browser, end_server_sessions):
    pledge, (head, _) = signing
    sign_by_keyboard(browser, live_server.url, pledge, head, arrows=1)
    signature = Signature.objects.get(pledge=pledge, signer=head)
    assert (signature.kind, signature.signer_name) == (Signature.Kind.TYPED, head.full_name)


@pytest.mark.browser
def test_head_signs_with_saved_signature_by_keyboard_alone(live_server, signing, browser, end_server_sessions):
    pledge, (_, head) = signing
    account_services.saved_signature_set(user=head, png=drawn_png())
    assert not Signature.objects.filter(pledge=pledge, signer=head).exists()
    sign_by_keyboard(browser, live_server.url, pledge, head, arrows=2)
    signature = Signature.objects.get(pledge=pledge, signer=head)
    assert signature.kind == Signature.Kind.SAVED
