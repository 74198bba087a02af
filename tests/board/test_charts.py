"""The dashboard's charts: the data the page carries for board.js, and the script that draws them."""

import json
import re
from decimal import Decimal as D
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from board.dashboard import SCORE_EDGES, _score_bin
from pledges import services as pledge_services


def dashboard(client, user, year=2022):
    client.force_login(user)
    response = client.get(reverse("board:dashboard", kwargs={"year": year}))
    assert response.status_code == 200
    return response


def test_signing_progress_counts_signatures_by_local_day(client, season):
    signing = dashboard(client, season.cast.board).context["data"]["signing"]
    # 30/03: a head of each pledge; 01/04 06:00 in Hà Nội (still 31/03 in UTC); 02/04; 05/04.
    assert signing["labels"] == ["30/03", "31/03", "01/04", "02/04", "03/04", "04/04", "05/04"]
    assert signing["cumulative"] == [2, 2, 3, 4, 4, 4, 5]
    assert signing["required"] == 4 + 3


def test_signatures_of_a_cancelled_pledge_leave_the_chart(client, season):
    pledge_services.pledge_cancel(actor=season.cast.board, pledge=season.open_pledge, reason="Soạn lại")
    response = dashboard(client, season.cast.board)
    assert response.context["data"]["signing"]["cumulative"][-1] == 3
    assert response.context["data"]["signing"]["required"] == 3
    row = next(row for row in response.context["rows"] if row.term == season.cast.term)
    assert row.pledge_state == "none"


def test_score_distribution_bins_the_closed_reviews_totals(client, season):
    scores = dashboard(client, season.cast.board).context["data"]["scores"]
    assert scores["labels"] == ["< 50", "50–60", "60–70", "70–80", "80–90", "90–100", "≥ 100"]
    # 100, 85 and 72 in the closed review; the open review's submitted assessment does not count.
    assert scores["counts"] == [0, 0, 0, 1, 1, 0, 1]


def test_score_bins_hold_their_lower_bound():
    assert [_score_bin(D(x)) for x in ("0", "49.9", "50", "89.9", "90", "99.9", "100", "104.5")] == [
        0,
        0,
        1,
        4,
        5,
        5,
        6,
        6,
    ]
    assert len(SCORE_EDGES) + 1 == 7


def test_proposals_by_award_form_highest_first(client, season):
    awards = dashboard(client, season.cast.board).context["data"]["awards"]
    assert awards["labels"] == ["Cờ thi đua của UBND tỉnh", "Bằng khen của Chủ tịch UBND tỉnh"]
    assert (awards["proposed"], awards["passed"], awards["cut"]) == ([2, 1], [1, 0], [1, 0])


def test_page_carries_the_data_as_json_and_loads_the_scripts(client, season):
    response = dashboard(client, season.cast.board)
    page = response.content.decode()
    found = re.search(r'<script id="board-data" type="application/json">(.*?)</script>', page, re.S)
    assert json.loads(found.group(1)) == json.loads(json.dumps(response.context["data"]))
    chart_js = f"{settings.STATIC_URL}vendor/chart.js/chart.umd.min.js"
    board_js = f"{settings.STATIC_URL}js/board.js"
    assert page.index(chart_js) < page.index(board_js)
    for canvas in ("chart-signing", "chart-scores", "chart-awards"):
        assert f'<canvas id="{canvas}" role="img" aria-label="' in page


def test_each_chart_has_a_text_alternative(client, season):
    client.cookies["django_language"] = "en"
    page = dashboard(client, season.cast.board).content.decode()
    assert 'aria-label="Signing progress: 5 of 7 signatures, from 30/03/2022 to 05/04/2022."' in page
    assert 'aria-label="Score distribution of 3 units in closed reviews, on a 100-point scale."' in page
    assert 'aria-label="Proposals by award form: 3 proposed, 1 passed, 1 cut."' in page
    # The class is on a wrapper: a visually hidden <table> itself widened the page (issue 19).
    hidden = re.findall(r'<div class="visually-hidden"><table>(.*?)</table></div>', page, re.S)
    assert len(hidden) == 3
    assert '<th scope="row">01/04/2022</th><td>1</td><td>3</td>' in hidden[0]
    assert '<th scope="row">Bằng khen của Chủ tịch UBND tỉnh</th><td>1</td><td>0</td><td>0</td>' in hidden[2]


def test_empty_season_draws_no_chart(client, cast):
    page = dashboard(client, cast.board).content.decode()
    assert "<canvas" not in page


def test_chart_library_and_script_are_served_as_static_files():
    assert finders.find("vendor/chart.js/chart.umd.min.js"), "run npm install: chart.js is in package.json"
    assert finders.find("js/board.js")


def test_chart_library_is_pinned_in_package_json():
    package = json.loads((Path(settings.BASE_DIR) / "package.json").read_text())
    assert re.fullmatch(r"4\.\d+\.\d+", package["dependencies"]["chart.js"])
