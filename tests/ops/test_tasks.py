"""Operations and the task queue: /healthz and the consumer's heartbeat, failed tasks in the admin, the daily job."""

import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from huey.storage import MemoryStorage, RedisStorage

from core.models import OutgoingEmail
from ops.models import FailedTask
from ops.tasks import HEARTBEAT_KEY, at_seven_local, daily_reminders, heartbeat


def queue_only(huey):
    huey.immediate = False
    huey.storage = MemoryStorage("test")


def test_healthz_fails_without_a_consumer_heartbeat_and_passes_with_one(client, db, tasks_run_immediately):
    queue_only(tasks_run_immediately)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503 and response.json()["tasks"] == "error"
    assert response.json()["database"] == "ok"

    heartbeat.call_local()  # what the consumer does every minute
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json() == {
        "status": "ok", "database": "ok", "storage": "ok", "tasks": "ok"}  # fmt: skip


def test_healthz_fails_when_the_last_heartbeat_is_too_old(client, db, settings, tasks_run_immediately):
    queue_only(tasks_run_immediately)
    old = timezone.now() - datetime.timedelta(seconds=settings.TASKS_HEARTBEAT_MAX_AGE + 5)
    tasks_run_immediately.put(HEARTBEAT_KEY, old.isoformat())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503 and response.json()["tasks"] == "error"


def test_healthz_fails_when_the_queue_is_unreachable(client, db, tasks_run_immediately):
    tasks_run_immediately.immediate = False
    tasks_run_immediately.storage = RedisStorage("giaouoc", url="redis://127.0.0.1:9/0")  # nothing listens
    response = client.get(reverse("healthz"))
    assert response.status_code == 503 and response.json()["tasks"] == "error"


def test_healthz_says_so_when_tasks_run_in_the_caller(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json()["tasks"] == "immediate"


def failed_email_task(cast, settings):
    """An e-mail whose last try failed: kept as failed, and its task in the failed tasks."""
    from huey.contrib.djhuey import HUEY

    from core.mail import email_queue
    from core.tasks import send_outgoing_email

    settings.EMAIL_BACKEND = "tests.core.test_tasks.DownBackend"
    email = email_queue(to="someone@example.invalid", subject="Thử", text="Nội dung")
    HUEY.execute(send_outgoing_email.task_class((email.pk,), {"request_id": "-"}, retries=0))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return email, FailedTask.objects.get()


def test_the_admin_lists_failed_tasks_for_superusers_only(client, cast, settings):
    email, failed = failed_email_task(cast, settings)
    url = reverse("admin:ops_failedtask_changelist")
    client.force_login(cast.board)
    assert client.get(url).status_code in (302, 403)
    client.force_login(cast.superuser)
    page = client.get(url)
    assert page.status_code == 200 and "core.tasks.send_outgoing_email" in page.content.decode()
    assert "SMTPConnectError" in client.get(reverse("admin:ops_failedtask_change", args=[failed.pk])).content.decode()


def test_the_admin_retry_queues_the_failed_task_again_once(client, cast, settings):
    email, failed = failed_email_task(cast, settings)
    # The failed e-mail is queued again first (its own admin action), then the task is retried.
    client.force_login(cast.superuser)
    OutgoingEmail.objects.filter(pk=email.pk).update(status=OutgoingEmail.Status.QUEUED)
    url = reverse("admin:ops_failedtask_changelist")
    response = client.post(url, {"action": "retry", "_selected_action": [failed.pk]})
    assert response.status_code == 302
    failed.refresh_from_db()
    email.refresh_from_db()
    assert failed.retried_at is not None
    assert email.status == OutgoingEmail.Status.SENT and len(mail.outbox) == 1
    client.post(url, {"action": "retry", "_selected_action": [failed.pk]})  # a second click: nothing more
    assert len(mail.outbox) == 1


def test_the_admin_sends_a_failed_e_mail_again(client, cast, settings):
    email, _failed = failed_email_task(cast, settings)
    client.force_login(cast.superuser)
    url = reverse("admin:core_outgoingemail_changelist")
    assert "someone@example.invalid" in client.get(url).content.decode()
    response = client.post(url, {"action": "send_again", "_selected_action": [email.pk]})
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and len(mail.outbox) == 1


def test_the_daily_reminders_run_at_seven_in_vietnam():
    assert at_seven_local(datetime.datetime(2026, 3, 2, 0, 0))  # 00:00 UTC is 07:00 in Hà Nội
    assert not at_seven_local(datetime.datetime(2026, 3, 2, 7, 0))
    assert not at_seven_local(datetime.datetime(2026, 3, 2, 0, 1))


def test_the_daily_reminders_task_runs_the_reminders(cast):
    assert daily_reminders.call_local() == "done"


def test_production_refuses_tasks_run_inside_requests(settings):
    from ops.checks import tasks_queued

    assert tasks_queued(None) == []
    settings.HUEY = {**settings.HUEY, "immediate": True}
    assert [error.id for error in tasks_queued(None)] == ["ops.E020"]
