"""Inviting people after a province merger: the board of the province it merged into invites, into its own."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from accounts import services
from accounts.models import User
from blocs import services as registry
from blocs.models import Event
from blocs.services import RegistryError
from tests.conftest import make_user


@pytest.fixture
def merged(cast):
    """Nam Định merged into Ninh Bình on 01/07/2025; Ninh Bình has its own board officer."""
    ninh_binh = registry.province_create(actor=None, code="NBH", name="Ninh Bình")
    registry.province_merge(
        actor=cast.superuser, sources=[cast.province], target=ninh_binh, on=datetime.date(2025, 7, 1)
    )
    return ninh_binh, make_user("nb_board", province=ninh_binh)


def invite(client, **overrides):
    data = {"username": "new.officer", "email": "new.officer@example.invalid", "full_name": "Phạm Thị Lan"}
    return client.post(reverse("accounts:user_invite"), data | {"unit": "", "position": ""} | overrides)


def test_the_old_provinces_board_is_told_who_invites_now(client, cast, merged):
    client.force_login(cast.board)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("accounts:user_invite"))
    assert page.status_code == 403
    assert "the board of Ninh Bình invites users now" in page.content.decode()
    response = invite(client)  # was a 500: NOT NULL constraint failed: province_id
    assert response.status_code == 403
    assert not User.objects.filter(username="new.officer").exists()
    assert "Invite a user" not in client.get(reverse("accounts:user_list")).content.decode()


def test_the_successor_board_invites_into_its_living_province(client, cast, merged, django_capture_on_commit_callbacks):
    ninh_binh, nb_board = merged
    client.force_login(nb_board)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client)
    assert response.status_code == 302
    officer = User.objects.get(username="new.officer")
    assert (officer.province, officer.unit) == (ninh_binh, None)
    assert Event.objects.get(kind=Event.Kind.USER_INVITED, actor=nb_board).province == ninh_binh


def test_the_successor_board_cannot_invite_into_a_unit_that_merged_away(client, cast, merged):
    _, nb_board = merged
    client.force_login(nb_board)
    response = invite(client, unit=cast.member_unit.pk, can_sign="on")
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not User.objects.filter(username="new.officer").exists()


def test_the_old_provinces_board_no_longer_deactivates_people(client, cast, merged):
    client.force_login(cast.board)
    response = client.post(reverse("accounts:user_deactivate", kwargs={"pk": cast.member_staff.pk}))
    assert response.status_code == 403
    cast.member_staff.refresh_from_db()
    assert cast.member_staff.is_active
    _, nb_board = merged
    client.force_login(nb_board)  # the board it merged into does
    assert client.post(reverse("accounts:user_deactivate", kwargs={"pk": cast.member_staff.pk})).status_code == 302


def test_the_service_refuses_a_board_officer_of_a_merged_province(cast, merged):
    cast.province.refresh_from_db()
    with translation.override("en"), pytest.raises(RegistryError, match="has merged into another province"):
        services.user_invite(
            actor=cast.superuser,
            province=cast.province,
            username="x",
            email="x@example.invalid",
            full_name="X",
            unit=None,
            site_url="https://example.invalid",
        )
