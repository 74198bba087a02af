"""E-mail through the task queue: stored in the request, sent by a task, retried, never failing a request."""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from huey.contrib.djhuey import HUEY
from huey.storage import MemoryStorage, RedisStorage

from core.models import OutgoingEmail
from core.tasks import retry_unsent_emails, send_outgoing_email
from ops.models import FailedTask


class DownBackend(EmailBackend):
    """The SMTP server is down: every send fails."""

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, b"service not available")


def invite(client, cast, email="new@example.invalid"):
    client.force_login(cast.board)
    data = {"username": "newhead", "full_name": "Lê Văn Mới", "email": email, "unit": cast.member_unit.pk,
            "can_sign": "on"}  # fmt: skip
    return client.post(reverse("accounts:user_invite"), data)


def test_a_failing_smtp_server_never_fails_the_invitation_and_the_error_is_kept(
    client, cast, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.core.test_tasks.DownBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, cast)
    assert response.status_code == 302
    email = OutgoingEmail.objects.get(to="new@example.invalid")
    assert email.status == OutgoingEmail.Status.QUEUED and email.attempts == 1
    assert "SMTPConnectError" in email.last_error and email.request_id == response["X-Request-ID"]
    assert mail.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_outgoing_email(email.pk)  # the queue's retry
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and len(mail.outbox) == 1
    assert "/accounts/" in mail.outbox[0].body


def test_the_last_try_keeps_the_e_mail_as_failed_and_records_the_failed_task(cast, settings):
    from core.mail import email_queue

    settings.EMAIL_BACKEND = "tests.core.test_tasks.DownBackend"
    email = email_queue(to="someone@example.invalid", subject="Thử", text="Nội dung")
    last_try = send_outgoing_email.task_class((email.pk,), {"request_id": "abcdef123456"}, retries=0)
    HUEY.execute(last_try)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED and email.attempts == 2 and email.last_error
    failed = FailedTask.objects.get()
    assert failed.task_name == "core.tasks.send_outgoing_email" and failed.args == [email.pk]
    assert "SMTPConnectError" in failed.error and "Traceback" in failed.traceback
    assert failed.kwargs == {"request_id": "abcdef123456"}


def test_with_the_queue_unreachable_the_request_succeeds_and_the_periodic_retry_sends_later(
    client, cast, tasks_run_immediately, django_capture_on_commit_callbacks, caplog
):
    tasks_run_immediately.immediate = False
    tasks_run_immediately.storage = RedisStorage("giaouoc", url="redis://127.0.0.1:9/0")  # nothing listens
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = invite(client, cast)
    assert response.status_code == 302 and callbacks  # the queue refused the task: logged, the request goes on
    assert any("could not queue" in record.getMessage() for record in caplog.records)
    email = OutgoingEmail.objects.get(to="new@example.invalid")
    assert email.status == OutgoingEmail.Status.QUEUED and email.attempts == 0 and mail.outbox == []

    tasks_run_immediately.immediate = True  # the queue is back
    assert retry_unsent_emails.call_local() == 0  # written less than a minute ago: its own task may still come
    OutgoingEmail.objects.filter(pk=email.pk).update(created_at=email.created_at.replace(year=2020))
    assert retry_unsent_emails.call_local() == 1
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and len(mail.outbox) == 1


def test_a_task_logs_with_the_id_of_the_request_that_queued_it(
    client, cast, caplog, tasks_run_immediately, django_capture_on_commit_callbacks
):
    tasks_run_immediately.immediate = False
    tasks_run_immediately.storage = MemoryStorage("test")
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, cast)
    task = tasks_run_immediately.dequeue()
    assert task.kwargs["request_id"] == response["X-Request-ID"]
    tasks_run_immediately._immediate = True  # keep the test's connection (see tests/pledges/test_pdf_production)
    with caplog.at_level(logging.INFO, logger="core.mail"):
        tasks_run_immediately.execute(task)
    sent = [record for record in caplog.records if record.name == "core.mail" and "sent" in record.getMessage()]
    assert sent and sent[0].request_id == response["X-Request-ID"]


@pytest.mark.parametrize("address", ["a@example.invalid\nBcc: spy@evil.example"])
def test_a_bad_address_is_refused_before_anything_is_stored(cast, address):
    from core.mail import email_queue

    with pytest.raises(ValueError):  # BadHeaderError
        email_queue(to=address, subject="x", text="y")
    assert not OutgoingEmail.objects.exists()
