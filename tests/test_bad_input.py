"""Whatever a user types gets a clear answer, never a 500."""

import pytest
from django.urls import reverse

HUGE = 10**30


@pytest.mark.parametrize(
    "path",
    [
        f"/blocs/{HUGE}/",
        f"/blocs/{HUGE}/2022/",
        "/blocs/1/99999/",
        f"/blocs/1/{HUGE}/",
        f"/blocs/units/{HUGE}/",
        f"/blocs/1/2022/members/{HUGE}/end/",
    ],
)
def test_out_of_range_ids_are_404(client, cast, path):
    client.force_login(cast.board)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"unit": "abc", "joined_on": "05/03/2022"},
        {"unit": str(HUGE), "joined_on": "05/03/2022"},
        {"unit": "1", "joined_on": "31/02/2022"},
        {"unit": "1", "joined_on": "x" * 5000},
        {"unit": "1", "joined_on": "\x00"},
    ],
)
def test_garbage_in_forms_redisplays(client, cast, data):
    client.force_login(cast.board)
    url = reverse("blocs:membership_add", kwargs={"pk": cast.bloc.pk, "year": 2022})
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors


def test_overlong_and_control_text_in_names_redisplays(client, cast):
    client.force_login(cast.board)
    response = client.post(reverse("blocs:unit_create"), {"code": "X" * 31, "name": "Sở\x00", "head_title": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"code", "name", "head_title"}
