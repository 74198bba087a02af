"""The whole signing in Debian's headless Chromium: the chair's officer drafts and
opens a pledge, then eight heads sign it by drawing (mouse and touch), typing, or
with a saved signature, and the pledge ends completed."""

import pytest
from django.urls import reverse

from accounts import services as account_services
from blocs import services as bloc_services
from pledges.models import Pledge, Signature
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, make_user
from tests.pledges.conftest import drawn_png

HEADS = [
    ("Sở Khoa học và Công nghệ", "Trần Văn Hùng", "drawn"),
    ("Sở Lao động - Thương binh và Xã hội", "Phạm Đức Thắng", "typed"),
    ("Ban Dân tộc", "Vũ Văn Lộc", "saved"),
    ("Đài Phát thanh và Truyền hình tỉnh", "Lê Quang Vinh", "drawn"),
    ("Sở Giáo dục và Đào tạo", "Cao Xuân Hoà", "typed"),
    ("Sở Thông tin và Truyền thông", "Ngô Quốc Toản", "saved"),
    ("Sở Văn hóa và Thể thao", "Đoàn Thị Hương", "drawn"),
    ("Sở Y tế", "Nguyễn Ngọc Thành", "touch"),
]
PASSWORD = "Giao-uoc-2022!"
CANVAS_HAS_INK = """() => {
    const canvas = document.getElementById("signature-canvas");
    const blank = document.createElement("canvas");
    blank.width = canvas.width;
    blank.height = canvas.height;
    return canvas.toDataURL() !== blank.toDataURL();
}"""


@pytest.fixture
def conference(transactional_db):
    province = bloc_services.province_create(actor=None, code="NDH", name="Nam Định")
    board = make_user("board", province=province)
    units = [
        bloc_services.unit_create(actor=board, province=province, code=f"U{i}", name=name, head_title="Giám đốc")
        for i, (name, _, _) in enumerate(HEADS)
    ]
    bloc = bloc_services.bloc_create(actor=board, province=province, kind="khoi", code="KHVHXH", name="Khối KH-VH-XH")
    term = bloc_services.term_create(
        actor=board, bloc=bloc, year=2022, units=units, chair=units[0], vice_chair=units[1]
    )
    officer = make_user("officer", unit=units[0], full_name="Nguyễn Thị Thu Hà")
    heads = []
    for i, (unit, (_, name, method)) in enumerate(zip(units, HEADS, strict=True)):
        head = make_user(f"head{i}", unit=unit, can_sign=True, full_name=name)
        if method == "saved":
            account_services.saved_signature_set(user=head, png=drawn_png())
        heads.append((head, method))
    for user in [officer] + [h for h, _ in heads]:
        user.set_password(PASSWORD)
        user.save()
    return term, officer, heads


def log_in(page, base, username, password=PASSWORD):
    page.goto(base + reverse("accounts:login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(base + reverse("home"))


def draw_with_mouse(page):
    page.locator("#signature-canvas").scroll_into_view_if_needed()
    box = page.locator("#signature-canvas").bounding_box()
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(x + step * 12, y + (20 if step % 2 else -20), steps=2)
    page.mouse.up()


def draw_with_touch(page, context):
    page.locator("#signature-canvas").scroll_into_view_if_needed()
    box = page.locator("#signature-canvas").bounding_box()
    cdp = context.new_cdp_session(page)
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 20):
        point = {"x": x + step * 12, "y": y + (15 if step % 2 else -15)}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


@pytest.mark.browser
def test_eight_heads_sign_in_the_browser(live_server, conference, end_server_sessions):
    from playwright.sync_api import sync_playwright

    term, officer, heads = conference
    base = live_server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        # The chair's officer drafts and opens the pledge.
        context = browser.new_context()
        page = context.new_page()
        log_in(page, base, "officer")
        page.goto(base + reverse("blocs:term_detail", kwargs={"pk": term.bloc_id, "year": 2022}))
        page.click(f"a[href='{reverse('pledges:create', kwargs={'pk': term.bloc_id, 'year': 2022})}']")
        page.fill("input[name=place]", "Nam Định")
        page.fill("input[name=signing_date]", "30/03/2022")
        page.click("main button[type=submit]")
        for text in (
            "Hoàn thành các chỉ tiêu kinh tế - xã hội năm 2022.",
            "Thực hiện tốt công tác thi đua, khen thưởng.",
        ):
            page.fill("#add-item textarea[name=text]", text)
            page.click("#add-item button[type=submit]")
        assert page.locator("#items li").count() == 2
        pledge = Pledge.objects.get(term=term)
        page.goto(base + reverse("pledges:open", kwargs={"pk": pledge.pk}))
        digest = page.inner_text("#digest")
        page.fill("input[name=deadline]", "15/04/2099")
        page.click("main button[type=submit]")
        page.wait_for_url(base + pledge.get_absolute_url())
        pledge.refresh_from_db()
        assert pledge.status == "open" and pledge.content_hash == digest
        context.close()

        for head, method in heads:
            phone = method == "touch"
            options = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True} if phone else {}
            context = browser.new_context(**options)
            page = context.new_page()
            log_in(page, base, head.username)
            page.click("#todo-sign a")
            page.check("input[name=agree]")
            page.fill("input[name=typed_name]", head.full_name.upper() if method == "typed" else head.full_name)
            if method in ("drawn", "touch"):
                if phone:
                    draw_with_touch(page, context)
                    # The phone turns round and back: the drawing must survive the canvas resizing.
                    page.set_viewport_size({"width": 844, "height": 390})
                    page.set_viewport_size({"width": 390, "height": 844})
                    assert page.evaluate(CANVAS_HAS_INK)
                else:
                    draw_with_mouse(page)
            else:
                page.check(f"input[name=method][value={method}]")
            page.click("#sign-form button[type=submit]")
            page.wait_for_selector("#signed-at")
            assert "Asia/Ho_Chi_Minh" in page.content()
            context.close()
        browser.close()

    pledge.refresh_from_db()
    assert pledge.status == "completed"
    kinds = dict(Signature.objects.filter(pledge=pledge).values_list("signer__username", "kind"))
    assert sorted(kinds.values()) == ["drawn", "drawn", "drawn", "drawn", "saved", "saved", "typed", "typed"]


@pytest.mark.browser
def test_conference_screen_shows_a_signature_made_elsewhere(live_server, conference, end_server_sessions):
    import datetime as dt

    from playwright.sync_api import expect, sync_playwright

    from pledges import services
    from tests.pledges.conftest import sign

    term, officer, heads = conference
    pledge = services.pledge_create(
        actor=officer, term=term, place="Nam Định", signing_date=dt.date(2022, 3, 30), items=["Một nội dung."]
    )
    pledge = services.pledge_open(actor=officer, pledge=pledge, deadline=dt.date(2099, 1, 1))
    for head, _ in heads[:-1]:
        sign(pledge, head, token=head.username)
    last_head = heads[-1][0]
    base = live_server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        screen_context = browser.new_context(viewport={"width": 1600, "height": 900})
        screen = screen_context.new_page()
        log_in(screen, base, "officer")
        screen.goto(base + reverse("pledges:conference", kwargs={"pk": pledge.pk}))
        last = screen.locator(f'[data-unit="{last_head.unit_id}"]')
        expect(last).not_to_have_class("conference-unit is-signed")
        assert screen.locator("#completed-banner").is_hidden()

        phone_context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
        phone = phone_context.new_page()
        log_in(phone, base, last_head.username)
        phone.goto(base + reverse("pledges:sign", kwargs={"pk": pledge.pk}))
        phone.check("input[name=agree]")
        phone.fill("input[name=typed_name]", last_head.full_name)
        phone.check("input[name=method][value=typed]")
        phone.click("#sign-form button[type=submit]")
        phone.wait_for_selector("#signed-at")

        # The projector's page catches up by itself, within a few seconds.
        expect(last).to_have_class("conference-unit is-signed", timeout=8000)
        expect(screen.locator("#completed-banner")).to_be_visible(timeout=8000)
        assert screen.inner_text("#signed-count") == str(len(heads))
        phone_context.close()
        screen_context.close()
        browser.close()
