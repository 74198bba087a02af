"""Reminders: by the chair's button and by the daily cron, never twice the same day."""

import datetime
import io
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from core import clock
from pledges import services
from tests.pledges.conftest import sign

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: datetime.date):
    return clock.fixed_at(datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=VN))


@pytest.fixture
def due(cast, heads, draft):
    """Opened on 01/03/2022 with the deadline on 30/03/2022; two heads have signed."""
    with at(datetime.date(2022, 3, 1)):
        pledge = services.pledge_open(actor=cast.chair_officer, pledge=draft, deadline=datetime.date(2022, 3, 30))
        sign(pledge, heads["chair"], token="c")
        sign(pledge, heads["vice"], token="v")
    return pledge


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_cron_reminds_unsigned_heads_before_the_deadline_once_a_day(cast, heads, due):
    with at(datetime.date(2022, 3, 20)):  # ten days before: too early
        call_command("send_reminders", stdout=io.StringIO())
    assert mail.outbox == []
    with at(datetime.date(2022, 3, 28)):
        call_command("send_reminders", stdout=io.StringIO())
        call_command("send_reminders", stdout=io.StringIO())  # the cron ran twice: nothing more
    assert recipients() == sorted([heads["member"].email, heads["member2"].email])
    message = mail.outbox[0]
    assert "Nhắc ký" in message.subject and reverse("pledges:sign", args=[due.pk]) in message.body
    assert message.alternatives[0][1] == "text/html"
    with at(datetime.date(2022, 3, 29)):  # a new day: reminded again
        call_command("send_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 4


def test_cron_reports_overdue_pledges_to_the_chairs_officers(cast, heads, due):
    with at(datetime.date(2022, 4, 2)):
        call_command("send_reminders", stdout=io.StringIO())
        call_command("send_reminders", stdout=io.StringIO())
    chair_staff = sorted(u.email for u in [cast.chair_officer, heads["chair"]])
    assert recipients() == chair_staff
    assert "Sở Y tế" in mail.outbox[0].body and "Quá hạn" in mail.outbox[0].subject


def test_remind_button_is_idempotent_within_a_day(client, cast, heads, due):
    client.force_login(cast.chair_officer)
    url = reverse("pledges:remind", kwargs={"pk": due.pk})
    for _ in range(5):  # a reminder storm
        assert client.post(url).status_code == 302
    assert len(mail.outbox) == 2


def test_remind_refuses_a_pledge_that_is_not_open(client, cast, draft):
    client.force_login(cast.chair_officer)
    response = client.post(reverse("pledges:remind", kwargs={"pk": draft.pk}), follow=True)
    assert response.status_code == 200 and mail.outbox == []


def test_board_sees_overdue_pledges_on_its_home_page(client, cast, due):
    client.force_login(cast.board)
    tasks = client.get(reverse("home")).context["tasks"]
    assert any(due.title in task.text for task in tasks)
    client.force_login(cast.other_board)
    assert not any(due.title in task.text for task in client.get(reverse("home")).context["tasks"])
