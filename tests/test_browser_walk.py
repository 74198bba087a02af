"""A walk through every page of a season on a phone (390×844) in Debian's headless Chromium, as each role.

No page scrolls sideways (a table too wide for a phone scrolls inside its own box or becomes
cards), axe-core finds no serious or critical violation, and no row of actions offers more than
one primary action. The board's dashboards are walked at 1366×768 too: the 2022 one overflowed
there because of a chart's visually hidden table. The pledge, the ranking and the dossier print
without the menu, buttons or forms, and without a table cut at the right edge.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.text import slugify

from pledges import services as pledge_services
from reviews import services as review_services
from tests.board.conftest import season  # noqa: F401 (a fixture)
from tests.conftest import make_user
from tests.reviews.conftest import EXAMPLE, LATER, fill
from tests.test_accessibility import browser, describe, violations  # noqa: F401 (browser is a fixture)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

# The page is wider than the window: list the elements that stick out, so a failure says where to look.
OVERFLOW = """() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth + 1) return null;
    const limit = root.clientWidth + 1;
    const culprits = [];
    for (const element of document.body.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        if (box.right > limit && box.width > 0) {
            // Report the outermost element only: its children stick out with it.
            if (!culprits.some((outer) => outer.contains(element))) culprits.push(element);
        }
    }
    const name = (element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + (element.className && typeof element.className === "string" ? "." + element.className.trim().split(/\\s+/).join(".") : "");
    return {width: root.scrollWidth, client: root.clientWidth, culprits: culprits.slice(0, 5).map(name)};
}"""


# Section 7: a row of actions offers one primary action; the others are outlined or under "More".
PRIMARY_ACTIONS = """() => [...document.querySelectorAll(".page-actions")].map((row) =>
    row.querySelectorAll(":scope > .btn-primary, :scope > .btn-success, :scope > form > .btn-primary,"
        + " :scope > form > .btn-success").length)"""


def context_for(browser, base: str, user, viewport: dict):  # noqa: F811
    """Return a browser context of *viewport*'s size with *user*'s session (none for the public)."""
    context = browser.new_context(locale="vi-VN", viewport=viewport, reduced_motion="reduce")
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    return context


def walk(browser, base: str, pages, viewport: dict) -> tuple[dict, dict]:  # noqa: F811
    """Open each (name, user, url) at *viewport*; return the pages that overflow and their axe violations.

    A page whose row of actions offers more than one primary action fails too, listed with the violations.
    """
    overflowing, found, contexts = {}, {}, {}
    try:
        for name, user, url in pages:
            key = user.pk if user else None
            if key not in contexts:
                contexts[key] = context_for(browser, base, user, viewport)
            page = contexts[key].new_page()
            response = page.goto(base + url)
            assert response.status == 200, (name, url, response.status)
            overflow = page.evaluate(OVERFLOW)
            if overflow:
                overflowing[name] = overflow
            found[name] = violations(page)
            if any(count > 1 for count in page.evaluate(PRIMARY_ACTIONS)):
                found[name].append({"id": "one-primary-action", "impact": "serious", "help": "", "targets": []})
            if os.environ.get("SCREENSHOTS_DIR"):  # as for the review's screenshots (README)
                file_name = f"walk-{viewport['width']}-{slugify(name)}.png"
                page.screenshot(path=str(Path(os.environ["SCREENSHOTS_DIR"]) / file_name), full_page=True)
            page.close()
    finally:
        # Before the test database is flushed: a page still open would query it.
        for context in contexts.values():
            context.close()
    return overflowing, {name: v for name, v in found.items() if v}


def describe_overflow(overflowing: dict) -> str:
    return "\n".join(
        f"{name}: {o['width']}px wide in {o['client']}px, sticking out: {', '.join(o['culprits'])}"
        for name, o in overflowing.items()
    )


@pytest.fixture
def walk_pages(season):  # noqa: F811
    """Every page of the season as each role sees it: (name, user or None for the public, url).

    On top of the season: the cast's bloc closes its review and opens its ballot, and the economy bloc drafts its
    pledge and opens its self-assessment, so that the pages with forms are walked too.
    """
    cast = season.cast
    board, chair_officer = cast.board, cast.chair_officer
    term, cluster_term, dossier = cast.term, season.cluster_term, season.dossier
    pledge, completed = season.open_pledge, season.completed_pledge
    clerk = make_user("member_clerk", unit=cast.member_unit, is_clerk=True)
    # A head whose unit has not signed the open pledge yet: the signing page as it is used.
    waiting_head = make_user("member2_head", unit=cast.member_unit_2, can_sign=True, full_name="Cao Xuân Hoà")
    cluster_head = cluster_term.memberships.order_by("order").first().unit.users.get(can_sign=True)
    # The cast's bloc closes its review and opens its ballot, so a member's head has a paper to fill in.
    review = season.review
    for assessment in review.assessments.exclude(status="submitted").select_related("unit"):
        head = assessment.unit.users.filter(can_sign=True).first() or make_user(
            f"head_{assessment.unit.code.lower()}", unit=assessment.unit, can_sign=True
        )
        fill(assessment, head, head)
    review_services.review_start(actor=board, review=review)
    review_services.review_close(actor=board, review=review)
    ballot = review_services.ballot_open(actor=board, term=term)
    # The economy bloc drafts its pledge and fills in its self-assessment: the pages with forms.
    economy_term = season.economy_term
    economy_unit = economy_term.chair
    economy_officer = make_user("economy_officer", unit=economy_unit)
    economy_draft = pledge_services.pledge_create(
        actor=board, term=economy_term, place="Nam Định", signing_date=datetime.date(2022, 3, 30), items=["Một"]
    )
    review_services.table_set(actor=board, term=economy_term, data=EXAMPLE)
    economy_review = review_services.review_open(actor=board, term=economy_term, deadline=LATER)
    economy_assessment = economy_review.assessments.get(unit=economy_unit)

    member_assessment = review.assessments.get(unit=cast.member_unit)
    vice_assessment = review.assessments.get(unit=cast.vice_unit)
    cluster_assessment = season.closed_review.assessments.order_by("pk").first()
    cluster_ballot = cluster_term.ballots.order_by("round").first()
    bloc_pages = [
        ("year page", reverse("blocs:term_detail", args=[term.bloc_id, term.year])),
        ("pledge detail (open)", pledge.get_absolute_url()),
        ("review home", reverse("reviews:home", args=[term.bloc_id, term.year])),
        ("scoring table", reverse("reviews:table", args=[term.bloc_id, term.year])),
        ("ranking", reverse("reviews:ranking", args=[term.bloc_id, term.year])),
        ("ballot home", reverse("reviews:ballot_home", args=[term.bloc_id, term.year])),
        ("ballot", reverse("reviews:ballot", args=[ballot.pk])),
    ]
    everyone = [("home", reverse("home")), ("bloc list", reverse("blocs:bloc_list"))]
    pages = [(f"{name} (board)", board, url) for name, url in everyone + bloc_pages]
    pages += [
        ("board dashboard 2022 (board)", board, reverse("board:dashboard", args=[2022])),
        ("board dashboard this year (board)", board, reverse("board:index")),
        ("users (board)", board, reverse("accounts:user_list")),
        ("units (board)", board, reverse("blocs:unit_list")),
        ("unit (board)", board, reverse("blocs:unit_detail", args=[cast.member_unit.pk])),
        ("bloc (board)", board, reverse("blocs:bloc_detail", args=[term.bloc_id])),
        ("province signing (board)", board, reverse("blocs:province_signing", args=[cast.province.pk])),
        ("award forms (board)", board, reverse("reviews:award_forms", args=[2022])),
        ("cluster year page (board)", board, reverse("blocs:term_detail", args=[cluster_term.bloc_id, 2022])),
        ("pledge detail, completed (board)", board, completed.get_absolute_url()),
        ("cluster ranking (board)", board, reverse("reviews:ranking", args=[cluster_term.bloc_id, 2022])),
        ("cluster ballot home (board)", board, reverse("reviews:ballot_home", args=[cluster_term.bloc_id, 2022])),
        ("cluster ballot, counted (board)", board, reverse("reviews:ballot", args=[cluster_ballot.pk])),
        ("dossier (board)", board, reverse("reviews:dossier", args=[dossier.pk])),
        ("self-assessment, cluster (board)", board, reverse("reviews:assessment", args=[cluster_assessment.pk])),
    ]
    pages += [(f"{name} (chair's officer)", chair_officer, url) for name, url in everyone + bloc_pages]
    pages += [
        ("conference screen (chair's officer)", chair_officer, reverse("pledges:conference", args=[pledge.pk])),
        ("paper signature (chair's officer)", chair_officer, reverse("pledges:paper", args=[pledge.pk])),
        ("self-assessment (chair's officer)", chair_officer, reverse("reviews:assessment", args=[vice_assessment.pk])),
        ("my account (chair's officer)", chair_officer, reverse("accounts:profile")),
    ]
    pages += [
        ("year page with a draft (economy officer)", economy_officer, economy_term.get_absolute_url()),
        ("pledge detail, draft (economy officer)", economy_officer, economy_draft.get_absolute_url()),
        ("pledge edit (economy officer)", economy_officer, reverse("pledges:edit", args=[economy_draft.pk])),
        (
            "review home, open (economy officer)",
            economy_officer,
            reverse("reviews:home", args=[economy_term.bloc_id, 2022]),
        ),
        (
            "self-assessment form (economy officer)",
            economy_officer,
            reverse("reviews:assessment", args=[economy_assessment.pk]),
        ),
    ]
    pages += [(f"{name} (member head)", cast.member_head, url) for name, url in everyone + bloc_pages]
    pages += [
        ("self-assessment (member head)", cast.member_head, reverse("reviews:assessment", args=[member_assessment.pk])),
        ("cluster dossier (cluster head)", cluster_head, reverse("reviews:dossier", args=[dossier.pk])),
    ]
    pages += [
        ("home (member staff)", cast.member_staff, reverse("home")),
        ("year page (member staff)", cast.member_staff, reverse("blocs:term_detail", args=[term.bloc_id, term.year])),
        ("pledge detail (member staff)", cast.member_staff, pledge.get_absolute_url()),
        (
            "self-assessment (member staff)",
            cast.member_staff,
            reverse("reviews:assessment", args=[member_assessment.pk]),
        ),
        ("signing page (a head who has not signed)", waiting_head, reverse("pledges:sign", args=[pledge.pk])),
        ("home (a head who has not signed)", waiting_head, reverse("home")),
        ("e-mail notifications (member head)", cast.member_head, reverse("ops:notification_settings")),
        ("user edit (board)", board, reverse("accounts:user_edit", args=[waiting_head.pk])),
        ("legal grounds (board)", board, reverse("pledges:legal_grounds")),
        ("comments (economy officer)", economy_officer, reverse("pledges:comments", args=[economy_draft.pk])),
        ("home (clerk)", clerk, reverse("home")),
        ("pledge detail (clerk)", clerk, pledge.get_absolute_url()),
        ("verification index (public)", None, reverse("verify:index")),
        ("verification page (public)", None, reverse("verify:code", args=[completed.verification_code])),
        ("log in (public)", None, reverse("accounts:login")),
    ]
    return pages


@pytest.mark.browser
def test_no_page_scrolls_sideways_on_a_phone(live_server, transactional_db, walk_pages, browser, end_server_sessions):  # noqa: F811
    overflowing, found = walk(browser, live_server.url, walk_pages, PHONE)
    assert not overflowing, "\n" + describe_overflow(overflowing)
    assert not found, "\n" + describe(found)


@pytest.mark.browser
def test_board_dashboards_fit_a_laptop(live_server, transactional_db, season, browser, end_server_sessions):  # noqa: F811
    board = season.cast.board
    pages = [
        ("board dashboard 2022", board, reverse("board:dashboard", args=[2022])),
        ("board dashboard this year", board, reverse("board:index")),
    ]
    overflowing, found = walk(browser, live_server.url, pages, LAPTOP)
    assert not overflowing, "\n" + describe_overflow(overflowing)
    assert not found, "\n" + describe(found)


# What a printout must leave out: the menu, every button and form (they print as dead boxes).
PRINTED_CONTROLS = """() => [...document.querySelectorAll("nav, .btn, form, .dropdown")]
    .filter((element) => element.getClientRects().length > 0)
    .map((element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : ""))"""


@pytest.mark.browser
@pytest.mark.usefixtures("transactional_db", "end_server_sessions")
def test_pledge_ranking_and_dossier_print_without_controls_or_cut_tables(live_server, season, browser):  # noqa: F811
    board, cluster_term = season.cast.board, season.cluster_term
    pages = [
        ("pledge", season.completed_pledge.get_absolute_url()),
        ("ranking", reverse("reviews:ranking", args=[cluster_term.bloc_id, cluster_term.year])),
        ("dossier", reverse("reviews:dossier", args=[season.dossier.pk])),
    ]
    # A4's printable width at 96 dpi with 15 mm margins: about 180 mm.
    context = context_for(browser, live_server.url, board, {"width": 680, "height": 960})
    printed, overflowing = {}, {}
    try:
        page = context.new_page()
        page.emulate_media(media="print")
        for name, url in pages:
            assert page.goto(live_server.url + url).status == 200
            printed[name] = page.evaluate(PRINTED_CONTROLS)
            if os.environ.get("SCREENSHOTS_DIR"):
                page.screenshot(path=str(Path(os.environ["SCREENSHOTS_DIR"]) / f"print-{name}.png"), full_page=True)
            overflow = page.evaluate(OVERFLOW)
            if overflow:
                overflowing[name] = overflow
        page.close()
    finally:
        context.close()
    assert not any(printed.values()), printed
    assert not overflowing, "\n" + describe_overflow(overflowing)
