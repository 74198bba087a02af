"""The board area's access-matrix rows hold, role by role, and cover every URL of the area."""

import pytest
from django.urls import reverse

from board.urls import urlpatterns
from tests.board.access_rows import BOARD_ROWS, ROLES


def test_every_board_url_has_a_row():
    assert {f"board:{pattern.name}" for pattern in urlpatterns} == set(BOARD_ROWS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(BOARD_ROWS))
def test_access(client, cast, name, role):
    method, kwargs, expected = BOARD_ROWS[name]
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    response = getattr(client, method)(reverse(name, kwargs=kwargs(cast)))
    assert response.status_code == expected[role], f"{name} as {role}"
