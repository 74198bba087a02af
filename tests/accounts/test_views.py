"""Invitations, deactivation and the password pages."""

import re
from urllib.parse import urlsplit

from django.core import mail
from django.urls import reverse

from accounts.models import User
from blocs.models import Event


def invite(client, cast, **overrides):
    data = {
        "username": "new.head",
        "email": "New.Head@example.invalid",
        "full_name": "Phạm Thị Thuỷ",
        "unit": cast.member_unit.pk,
        "position": "Phó Giám đốc",
        "can_sign": "on",
    } | overrides
    return client.post(reverse("accounts:user_invite"), data)


def test_board_invites_a_head_who_sets_a_password_once(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.board)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, cast)
    assert response.status_code == 302
    user = User.objects.get(username="new.head")
    assert (user.unit, user.can_sign, user.email, user.has_usable_password()) == (
        cast.member_unit,
        True,
        "new.head@example.invalid",
        False,
    )
    assert Event.objects.filter(kind=Event.Kind.USER_INVITED, actor=cast.board).exists()
    assert len(mail.outbox) == 1
    link = re.search(r"http\S+/password/reset/\S+/", mail.outbox[0].body).group(0)
    path = urlsplit(link).path
    client.logout()
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "Hoa-sen-2022!", "new_password2": "Hoa-sen-2022!"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Hoa-sen-2022!")
    # The link dies once used.
    assert not client.get(path, follow=True).context["validlink"]


def test_invite_of_a_board_officer_without_unit(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.board)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, cast, username="officer2", email="o2@example.invalid", unit="", can_sign="on")
    user = User.objects.get(username="officer2")
    assert (user.unit, user.province, user.can_sign) == (None, cast.province, False)


def test_invite_with_taken_email_redisplays_and_creates_nothing(client, cast):
    client.force_login(cast.board)
    response = invite(client, cast, email=cast.member_head.email.upper())
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not User.objects.filter(username="new.head").exists()
    assert len(mail.outbox) == 0


def test_board_cannot_invite_into_a_unit_of_another_province(client, cast):
    foreign = cast.other_term.memberships.first().unit
    client.force_login(cast.board)
    response = invite(client, cast, unit=foreign.pk)
    assert response.status_code == 200 and "unit" in response.context["form"].errors


def test_board_deactivates_a_user(client, cast):
    client.force_login(cast.board)
    response = client.post(reverse("accounts:user_deactivate", kwargs={"pk": cast.member_staff.pk}))
    assert response.status_code == 302
    cast.member_staff.refresh_from_db()
    assert not cast.member_staff.is_active
    assert Event.objects.filter(kind=Event.Kind.USER_DEACTIVATED).count() == 1


def test_deactivate_refuses_get(client, cast):
    client.force_login(cast.board)
    assert client.get(reverse("accounts:user_deactivate", kwargs={"pk": cast.member_staff.pk})).status_code == 405
    cast.member_staff.refresh_from_db()
    assert cast.member_staff.is_active


def test_board_cannot_deactivate_itself(client, cast):
    client.force_login(cast.board)
    client.post(reverse("accounts:user_deactivate", kwargs={"pk": cast.board.pk}))
    cast.board.refresh_from_db()
    assert cast.board.is_active


def test_password_reset_sends_a_link(client, cast):
    response = client.post(reverse("accounts:password_reset"), {"email": cast.member_head.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/password/reset/" in mail.outbox[0].body


def test_login_through_the_real_form(client, cast):
    response = client.post(reverse("accounts:login"), {"username": "member_head", "password": "pw"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_redisplays_the_form(client, cast):
    response = client.post(reverse("accounts:login"), {"username": "member_head", "password": "wrong"})
    assert response.status_code == 200 and response.context["form"].errors


def test_admin_is_for_superusers_only(client, cast):
    client.force_login(cast.superuser)
    assert client.get(reverse("admin:blocs_unit_changelist")).status_code == 200
    assert client.get(reverse("admin:blocs_term_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    client.force_login(cast.board)
    assert client.get(reverse("admin:blocs_unit_changelist")).status_code == 302
