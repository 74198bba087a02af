"""Editing a person: name, position, signing right and capacity, clerk role and (the board only) unit."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import services
from accounts.models import User
from blocs import services as registry
from blocs.models import Event
from blocs.services import RegistryError


@pytest.fixture(autouse=True)
def english():
    """Messages in English, whatever the catalogues hold, so that the assertions read them."""
    with translation.override("en"):
        yield


def url(user) -> str:
    return reverse("accounts:user_edit", kwargs={"pk": user.pk})


def edit(client, target, **overrides):
    data = {
        "full_name": target.full_name,
        "position": target.position,
        "can_sign": "on" if target.can_sign else "",
        "signing_capacity": target.signing_capacity,
        "is_clerk": "on" if target.is_clerk else "",
    } | overrides
    if target.unit_id and "unit" not in data:
        data["unit"] = target.unit_id
    return client.post(url(target), {key: value for key, value in data.items() if value != ""})


def state(user) -> tuple:
    user.refresh_from_db()
    return (user.full_name, user.position, user.can_sign, user.signing_capacity, user.is_clerk, user.unit_id)


# The board --------------------------------------------------------------------------------------


def test_board_sees_the_form_with_the_signature_block(client, cast):
    client.force_login(cast.board)
    response = client.get(url(cast.member_head))
    assert response.status_code == 200
    assert set(response.context["form"].fields) == {
        "full_name",
        "position",
        "unit",
        "can_sign",
        "signing_capacity",
        "is_clerk",
    }
    assert response.context["preview"] == ("GIÁM ĐỐC", "")
    assert "KHCN — Sở Khoa học và Công nghệ" in response.content.decode()  # units shown by code and name


def test_board_makes_a_head_a_deputy_who_signs_kt(client, cast):
    client.force_login(cast.board)
    response = edit(client, cast.member_head, position="Phó Giám đốc", signing_capacity="deputy")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:user_list")
    assert state(cast.member_head) == ("Member_Head", "Phó Giám đốc", True, "deputy", False, cast.member_unit.pk)
    assert cast.member_head.capacity_lines(cast.member_unit.head_title) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    event = Event.objects.get(kind=Event.Kind.USER_UPDATED)
    assert (event.actor, event.unit, event.province) == (cast.board, cast.member_unit, cast.province)
    # Written in the language of the page (Vietnamese by default): the capacity's label, old and new.
    old, new = event.details["changes"]["signing_capacity"]
    assert old != new and "KT." in new
    assert "Phó Giám đốc" in event.summary


def test_acting_head_signs_q(cast):
    services.user_update(
        actor=cast.board,
        user=cast.member_head,
        full_name="Member Head",
        position="Phó Giám đốc phụ trách",
        can_sign=True,
        signing_capacity=User.Capacity.ACTING,
        is_clerk=False,
        unit=cast.member_unit,
    )
    cast.member_head.refresh_from_db()
    assert cast.member_head.capacity_lines("Giám đốc") == ("Q. GIÁM ĐỐC", "")


def test_board_moves_staff_to_another_unit_and_makes_a_clerk(client, cast):
    client.force_login(cast.board)
    response = edit(client, cast.member_staff, unit=cast.member_unit_2.pk, is_clerk="on", full_name="Lê Thị Hoà")
    assert response.status_code == 302
    assert state(cast.member_staff) == ("Lê Thị Hoà", "", False, "head", True, cast.member_unit_2.pk)


def test_board_edits_a_board_officer_without_signing_fields(client, cast):
    client.force_login(cast.board)
    response = client.get(url(cast.board))
    assert set(response.context["form"].fields) == {"full_name", "position"}
    assert response.context["preview"] is None
    response = client.post(url(cast.board), {"full_name": "Nguyễn Văn Bình", "position": "Trưởng phòng"})
    assert response.status_code == 302
    assert state(cast.board)[:2] == ("Nguyễn Văn Bình", "Trưởng phòng")


def test_preview_shows_the_block_and_saves_nothing(client, cast):
    client.force_login(cast.board)
    before = state(cast.member_head)
    response = edit(client, cast.member_head, position="Phó Giám đốc", signing_capacity="deputy", preview="1")
    assert response.status_code == 200
    assert response.context["preview"] == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    assert "KT. GIÁM ĐỐC" in response.content.decode()
    assert state(cast.member_head) == before
    assert not Event.objects.filter(kind=Event.Kind.USER_UPDATED).exists()


def test_nothing_changed_writes_no_event(client, cast):
    client.force_login(cast.board)
    assert edit(client, cast.member_head).status_code == 302
    assert not Event.objects.filter(kind=Event.Kind.USER_UPDATED).exists()


# Bad input --------------------------------------------------------------------------------------


def test_deputy_without_a_position_is_refused_with_the_block_it_needs(client, cast):
    client.force_login(cast.board)
    before = state(cast.member_head)
    response = edit(client, cast.member_head, position="", signing_capacity="deputy")
    assert response.status_code == 200
    errors = response.context["form"].errors["position"]
    with translation.override("vi"):  # the page speaks Vietnamese
        expected = _(
            "A deputy signs “KT. %(head)s” over his or her own position: fill in the position, e.g. “Phó %(title)s”."
        ) % {"head": "GIÁM ĐỐC", "title": "Giám đốc"}
    assert errors == [expected]
    assert response.context["preview"] == ("KT. GIÁM ĐỐC", "")  # what would print: the missing line shows
    assert state(cast.member_head) == before
    assert not Event.objects.filter(kind=Event.Kind.USER_UPDATED).exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"full_name": ""}, "full_name"),
        ({"full_name": "Hai\ndòng"}, "full_name"),
        ({"signing_capacity": "boss"}, "signing_capacity"),
        ({"unit": "999999"}, "unit"),
    ],
)
def test_bad_input_redisplays_with_errors_and_writes_nothing(client, cast, overrides, field):
    client.force_login(cast.board)
    before = state(cast.member_head)
    response = edit(client, cast.member_head, **overrides)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert state(cast.member_head) == before


def test_unit_of_another_province_or_merged_is_refused(cast):
    foreign = cast.other_term.memberships.first().unit
    kwargs = dict(full_name="X", position="", can_sign=False, signing_capacity="head", is_clerk=False)
    with pytest.raises(RegistryError) as refused:
        services.user_update(actor=cast.board, user=cast.member_staff, unit=foreign, **kwargs)
    assert refused.value.field == "unit"
    registry.unit_close(actor=cast.board, unit=cast.outsider_unit, on=cast.term.first_day, reason="Giải thể")
    cast.outsider_unit.refresh_from_db()
    with pytest.raises(RegistryError):
        services.user_update(actor=cast.board, user=cast.member_staff, unit=cast.outsider_unit, **kwargs)
    assert state(cast.member_staff)[5] == cast.member_unit.pk


def test_a_board_officer_gets_no_signing_right(cast):
    with pytest.raises(RegistryError) as refused:
        services.user_update(
            actor=cast.board,
            user=cast.other_board,
            full_name="Other",
            position="",
            can_sign=True,
            signing_capacity="head",
            is_clerk=False,
            unit=None,
        )
    assert refused.value.field == "can_sign"


# The chair's officer ----------------------------------------------------------------------------


def test_chair_officer_edits_own_unit_staff_but_not_their_unit(client, cast):
    head = User.objects.create_user(
        username="chair_head", full_name="Trần Văn Khoa", unit=cast.chair_unit, can_sign=True, password="pw"
    )
    client.force_login(cast.chair_officer)
    response = client.get(url(head))
    assert response.status_code == 200
    assert "unit" not in response.context["form"].fields
    response = edit(client, head, position="Phó Giám đốc", signing_capacity="deputy")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    assert state(head) == ("Trần Văn Khoa", "Phó Giám đốc", True, "deputy", False, cast.chair_unit.pk)
    assert Event.objects.get(kind=Event.Kind.USER_UPDATED).actor == cast.chair_officer


def test_chair_officer_finds_own_unit_people_on_the_profile(client, cast):
    client.force_login(cast.chair_officer)
    response = client.get(reverse("accounts:profile"))
    assert list(response.context["colleagues"]) == [cast.chair_officer]
    assert url(cast.chair_officer) in response.content.decode()


def test_chair_officer_cannot_edit_another_units_people(client, cast):
    client.force_login(cast.chair_officer)
    before = state(cast.member_head)
    assert client.get(url(cast.member_head)).status_code == 404
    assert edit(client, cast.member_head, position="Phó Giám đốc", signing_capacity="deputy").status_code == 404
    assert state(cast.member_head) == before


def test_staff_of_a_unit_that_chairs_nothing_may_not_edit_colleagues(client, cast):
    client.force_login(cast.member_head)
    assert client.get(url(cast.member_staff)).status_code == 403
    assert edit(client, cast.member_staff, full_name="Đổi tên").status_code == 403
    assert state(cast.member_staff)[0] == "Member_Staff"
    # Nor does the chair's officer of a year since handed on: the latest year's chair runs the bloc.
    registry.term_create(
        actor=cast.board,
        bloc=cast.bloc,
        year=2023,
        units=[cast.chair_unit, cast.vice_unit, cast.member_unit, cast.member_unit_2],
        chair=cast.member_unit,
        vice_chair=cast.vice_unit,
    )
    client.force_login(cast.chair_officer)
    assert client.get(url(cast.chair_officer)).status_code == 403


def test_outsider_and_other_board_get_404(client, cast):
    for user in (cast.outsider, cast.other_board):
        client.force_login(user)
        assert client.get(url(cast.member_staff)).status_code == 404
        assert edit(client, cast.member_staff, full_name="Đổi tên").status_code == 404
    assert state(cast.member_staff)[0] == "Member_Staff"


def test_anonymous_is_sent_to_login(client, cast):
    response = client.get(url(cast.member_staff))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# The list ---------------------------------------------------------------------------------------


def test_user_list_links_each_person_to_the_edit_page_and_fits_a_phone(client, cast):
    client.force_login(cast.board)
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert url(cast.member_head) in page and url(cast.board) in page
    assert 'class="table-responsive"' in page
    assert "Ban Thi đua - Khen thưởng tỉnh Nam Định" in page  # the board officers' row


def test_invite_sets_the_signing_capacity(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.board)
    data = {
        "username": "deputy",
        "email": "deputy@example.invalid",
        "full_name": "Phạm Thị Thuỷ",
        "unit": cast.member_unit.pk,
        "position": "Phó Giám đốc",
        "can_sign": "on",
        "signing_capacity": "deputy",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("accounts:user_invite"), data).status_code == 302
    assert User.objects.get(username="deputy").signing_capacity == User.Capacity.DEPUTY
    response = client.post(
        reverse("accounts:user_invite"), data | {"username": "d2", "email": "d2@x.invalid", "position": ""}
    )
    assert response.status_code == 200 and "position" in response.context["form"].errors
