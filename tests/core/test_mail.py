"""Reminder e-mail (core.mail.mail_once) through the chair's "remind" button: plain subjects, failures not counted."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from accounts.models import User
from blocs.models import Bloc, BlocName
from pledges import services
from pledges.models import Reminder
from tests.conftest import make_user

ODD_NAME = "Khối KH&CN\nBcc: spy@evil.example"


@pytest.fixture
def heads(cast):
    return [
        make_user("chair_head", unit=cast.chair_unit, can_sign=True),
        cast.vice_head,
        cast.member_head,
        make_user("member2_head", unit=cast.member_unit_2, can_sign=True),
    ]


def open_pledge(cast):
    draft = services.pledge_create(
        actor=cast.chair_officer,
        term=cast.term,
        place="Nam Định",
        signing_date=datetime.date(2022, 3, 30),
        legal_grounds="Căn cứ Luật Thi đua, Khen thưởng;",
        introduction="Các đơn vị thống nhất giao ước:",
        items=["Hoàn thành các chỉ tiêu."],
    )
    return services.pledge_open(actor=cast.chair_officer, pledge=draft, deadline=datetime.date(2099, 1, 1))


def remind(client, cast, pledge):
    client.force_login(cast.chair_officer)
    return client.post(reverse("pledges:remind", kwargs={"pk": pledge.pk}))


def reminded(pledge) -> set[str]:
    return set(Reminder.objects.filter(pledge=pledge).values_list("user__username", flat=True))


def test_a_bloc_name_with_a_line_break_gives_a_plain_one_line_subject(client, cast, heads):
    # The name checks refuse line breaks now; names stored before them may still hold one.
    Bloc.objects.filter(pk=cast.bloc.pk).update(name=ODD_NAME)
    BlocName.objects.filter(bloc=cast.bloc).update(name=ODD_NAME)
    pledge = open_pledge(cast)
    response = remind(client, cast, pledge)  # was a 500: BadHeaderError
    assert response.status_code == 302
    assert reminded(pledge) == {head.username for head in heads}
    subjects = {message.subject for message in mail.outbox}
    assert len(mail.outbox) == 4 and len(subjects) == 1
    (subject,) = subjects
    assert "\n" not in subject and "Khối KH&CN Bcc: spy@evil.example" in subject  # not "KH&amp;CN"
    assert all(message.to[0] != "spy@evil.example" and not message.bcc for message in mail.outbox)


def test_a_head_whose_mail_cannot_be_built_is_not_counted_and_the_others_are_reminded(client, cast, heads):
    pledge = open_pledge(cast)
    # An address with a line break (stored before the checks, or by hand): its header cannot be built.
    User.objects.filter(pk=cast.member_head.pk).update(email="member_head@example.invalid\nBcc: spy@evil.example")
    response = remind(client, cast, pledge)
    assert response.status_code == 302
    assert reminded(pledge) == {head.username for head in heads} - {"member_head"}
    assert len(mail.outbox) == 3


class RefusingBackend(EmailBackend):
    """The SMTP server refuses one recipient (as a full mailbox or an unknown address does)."""

    refused = "member_head@example.invalid"

    def send_messages(self, messages):
        for message in messages:
            if self.refused in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"mailbox unavailable")})
        return super().send_messages(messages)


def test_a_refused_send_never_fails_the_click_stays_queued_with_its_error_and_a_retry_sends_it(
    client, cast, heads, settings
):
    from core.models import OutgoingEmail
    from core.tasks import send_outgoing_email

    settings.EMAIL_BACKEND = "tests.core.test_mail.RefusingBackend"
    pledge = open_pledge(cast)
    assert remind(client, cast, pledge).status_code == 302
    # Claimed and queued for everyone in the click; the server refused one: kept, with its error, for a retry.
    assert reminded(pledge) == {head.username for head in heads}
    assert len(mail.outbox) == 3
    reminders = OutgoingEmail.objects.filter(subject__startswith="Nhắc ký")  # not the notice that signing opened
    refused = reminders.get(to="member_head@example.invalid")
    assert refused.status == OutgoingEmail.Status.QUEUED and refused.attempts == 1
    assert "SMTPRecipientsRefused" in refused.last_error
    assert remind(client, cast, pledge).status_code == 302  # a second click the same day queues nothing more
    assert reminders.count() == 4
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server accepts it again
    send_outgoing_email(refused.pk)  # what the queue's retry does
    refused.refresh_from_db()
    assert refused.status == OutgoingEmail.Status.SENT and refused.attempts == 2 and refused.sent_at
    assert len(mail.outbox) == 4 and mail.outbox[-1].to == ["member_head@example.invalid"]
    send_outgoing_email(refused.pk)  # delivered twice: sent once
    assert len(mail.outbox) == 4
