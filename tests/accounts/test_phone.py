"""The people pages on a 390 px phone in Debian's headless Chromium: nothing scrolls sideways, and
axe-core finds no serious or critical violation."""

import pytest
from django.urls import reverse

from accounts import services
from tests.conftest import make_user
from tests.test_accessibility import browser, describe, logged_in_context, violations  # noqa: F401 (browser: a fixture)

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


@pytest.mark.browser
def test_people_pages_fit_a_phone(live_server, transactional_db, cast, browser, end_server_sessions):  # noqa: F811
    # A long name and e-mail, as real ones are: the list must wrap or scroll inside its own box.
    long = make_user(
        "nguyen.thi.thanh.huyen.phong.to.chuc.can.bo",
        unit=cast.member_unit,
        can_sign=True,
        full_name="Nguyễn Thị Thanh Huyền",
        position="Phó Giám đốc phụ trách công tác thi đua, khen thưởng",
    )
    services.user_update(
        actor=cast.board,
        user=long,
        full_name=long.full_name,
        position=long.position,
        can_sign=True,
        signing_capacity="deputy",
        is_clerk=True,
        unit=cast.member_unit,
    )
    pages = [
        ("users (board)", cast.board, reverse("accounts:user_list")),
        ("edit a deputy (board)", cast.board, reverse("accounts:user_edit", args=[long.pk])),
        ("my account (chair's officer)", cast.chair_officer, reverse("accounts:profile")),
        (
            "edit a colleague (chair's officer)",
            cast.chair_officer,
            reverse("accounts:user_edit", args=[cast.chair_officer.pk]),
        ),
    ]
    overflowing, found, contexts = [], {}, {}
    try:
        for name, user, url in pages:
            if user.pk not in contexts:
                contexts[user.pk] = logged_in_context(browser, live_server.url, user)
            page = contexts[user.pk].new_page()
            page.set_viewport_size({"width": 390, "height": 844})
            response = page.goto(live_server.url + url)
            assert response.status == 200, (name, response.status)
            if not page.evaluate(NO_HORIZONTAL_SCROLL):
                overflowing.append(name)
            found[name] = violations(page)
            page.close()
    finally:
        for context in contexts.values():
            context.close()
    assert overflowing == []
    assert not any(found.values()), "\n" + describe(found)
