"""A year in the board's URLs that no emulation year can be: a clear 404, not a 500.

``GET /board/0000/`` had answered 500 (the page's links to year 0 cannot be built); the award forms and
the year's export took year 0 too.
"""

import pytest
from django.urls import reverse

from reviews.models import AwardForm


@pytest.mark.parametrize("year", ["0000", "0001", "1999", "2101", "9999"])
def test_a_year_no_term_can_have_is_404_on_every_board_page(client, cast, year):
    client.force_login(cast.board)
    client.cookies["django_language"] = "en"
    for url in (f"/board/{year}/", f"/reviews/awards/{year}/", f"/reviews/results/{year}.xlsx"):
        response = client.get(url)
        assert response.status_code == 404, url
    response = client.post(f"/reviews/awards/{year}/", {"code": "co", "name": "Cờ", "default_quota": 1, "order": 1})
    assert response.status_code == 404
    assert not AwardForm.objects.exists()


@pytest.mark.parametrize("year", [2000, 2022, 2100])
def test_the_years_a_term_can_have_are_served(client, cast, year):
    client.force_login(cast.board)
    assert client.get(reverse("board:dashboard", args=[year])).status_code == 200
    assert client.get(reverse("reviews:award_forms", args=[year])).status_code == 200
