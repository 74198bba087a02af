"""The pledges' tasks: the signed PDF and previews are produced by the queue, never in a request."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from core.mail import email_queue
from pledges import services
from pledges.models import Pledge
from pledges.services import documents
from pledges.tasks import produce_pdf, render_previews, retry_pending_pdfs
from tests.pledges.conftest import sign
from tests.pledges.test_pdf_production import sign_through_wsgi
from tests.pledges.test_reminders import at
from tests.pledges.test_reminders import due as due  # noqa: F401  (a fixture)

CONSUMER_SECONDS = 90


def run_queued(huey):
    """Run the next queued task as a consumer would, keeping the test's database connection open."""
    task = huey.dequeue()
    huey._immediate = True  # djhuey closes the connection around a task outside immediate mode
    try:
        return huey.execute(task)
    finally:
        huey._immediate = False


def test_the_preview_is_queued_never_rendered_in_the_request(
    client, cast, draft, tasks_run_immediately, django_capture_on_commit_callbacks
):
    huey = tasks_run_immediately
    huey.immediate, huey.storage = False, MemoryStorage("test")
    client.force_login(cast.chair_officer)
    before = dict(documents.renderings)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("pledges:pdf", kwargs={"pk": draft.pk}))
    assert response.status_code == 202 and response["Retry-After"]
    assert dict(documents.renderings) == before  # nothing rendered in the request
    [queued] = huey.pending()
    assert queued.name == "render_previews" and queued.args == (draft.pk, services.frozen_preview(draft)[2])

    assert run_queued(huey) == "rendered"
    response = client.get(reverse("pledges:pdf", kwargs={"pk": draft.pk}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(reverse("pledges:detail", kwargs={"pk": draft.pk})).context["page_images"]


def test_a_preview_task_for_a_pledge_cancelled_meanwhile_does_nothing(cast, draft):
    digest = services.frozen_preview(draft)[2]
    services.pledge_cancel(actor=cast.chair_officer, pledge=draft, reason="Thôi")
    before = dict(documents.renderings)
    assert render_previews.call_local(draft.pk, digest) == "gone"
    assert dict(documents.renderings) == before


def test_a_preview_task_for_content_changed_meanwhile_does_nothing(cast, draft):
    digest = services.frozen_preview(draft)[2]
    services.item_add(actor=cast.chair_officer, pledge=draft, text="Cam kết mới thêm")
    assert render_previews.call_local(draft.pk, digest) == "changed"


def test_a_pdf_task_for_a_deleted_pledge_does_nothing(db):
    assert produce_pdf.call_local(987654) == "gone"


def test_a_pdf_task_run_twice_keeps_one_stored_file(cast, heads, pledge, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for key in ("chair", "vice", "member", "member2"):
            sign(pledge, heads[key], token=key)
    pledge.refresh_from_db()
    first = (pledge.pdf_file.name, pledge.pdf_sha256)
    assert pledge.pdf_status == Pledge.PdfStatus.READY
    produce_pdf.call_local(pledge.pk)  # delivered again
    pledge.refresh_from_db()
    assert (pledge.pdf_file.name, pledge.pdf_sha256) == first
    assert len(os.listdir(Path(django_settings.PRIVATE_ROOT) / "pledge-pdfs")) == 1


def test_with_the_queue_unreachable_the_last_signer_succeeds_and_the_periodic_retry_produces_the_pdf(
    transactional_db, cast, heads, pledge, client, tasks_run_immediately
):
    for key in ("chair", "vice", "member"):
        sign(pledge, heads[key], token=key)
    tasks_run_immediately.immediate = False
    tasks_run_immediately.storage = RedisStorage("giaouoc", url="redis://127.0.0.1:9/0")  # nothing listens
    started, _body, close = sign_through_wsgi(client, pledge, heads["member2"])
    close()
    pledge.refresh_from_db()
    assert started["status"].startswith("302")
    assert pledge.status == Pledge.Status.COMPLETED and pledge.pdf_status == Pledge.PdfStatus.PENDING

    tasks_run_immediately.immediate = True  # the queue is back
    assert retry_pending_pdfs.call_local() == 0  # completed just now: its own task may still be queued
    Pledge.objects.filter(pk=pledge.pk).update(completed_at=pledge.completed_at.replace(year=2021))
    assert retry_pending_pdfs.call_local() == 1
    pledge.refresh_from_db()
    assert pledge.pdf_status == Pledge.PdfStatus.READY


def _database_url() -> str:
    """The URL of the test database this process uses, for a consumer in another process (both passes)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_real_consumer_produces_the_signed_pdf_and_sends_the_e_mail(cast, heads, pledge, settings, tmp_path,
                                                                      tasks_run_immediately):  # fmt: skip
    """Start ``manage.py run_huey`` on the test's SQLite database and an SQLite queue; sign; wait for its work."""
    queue, outbox = tmp_path / "tasks.sqlite3", tmp_path / "mail"
    tasks_run_immediately.immediate = False
    tasks_run_immediately.storage = SqliteStorage("giaouoc", filename=str(queue))
    for key in ("chair", "vice", "member", "member2"):
        sign(pledge, heads[key], token=key)  # the last one queues the PDF
    email = email_queue(to="someone@example.invalid", subject="Giao ước đã hoàn thành", text="Nội dung")
    assert Pledge.objects.get(pk=pledge.pk).pdf_status == Pledge.PdfStatus.PENDING

    env = {name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "DATABASE_URL")}
    env |= {
        "DATABASE_URL": _database_url(),
        "TASKS_SQLITE_PATH": str(queue),
        "HUEY_IMMEDIATE": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "PRIVATE_ROOT": str(settings.PRIVATE_ROOT),
        "SEAL_PKCS12": str(settings.SEAL_PKCS12),
        "SEAL_PASSPHRASE": settings.SEAL_PASSPHRASE,
        "SEAL_TRUST_ROOTS": ",".join(settings.SEAL_TRUST_ROOTS),
    }
    log = tmp_path / "consumer.log"
    with open(log, "wb") as output:
        consumer = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "-w", "2"],
            cwd=django_settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + CONSUMER_SECONDS
            while time.monotonic() < deadline and consumer.poll() is None:
                pledge.refresh_from_db()
                email.refresh_from_db()
                if pledge.pdf_status == Pledge.PdfStatus.READY and email.status == email.Status.SENT:
                    break
                time.sleep(0.5)
        finally:
            consumer.terminate()
            try:
                consumer.wait(10)
            except subprocess.TimeoutExpired:
                consumer.kill()
                consumer.wait()
    assert pledge.pdf_status == Pledge.PdfStatus.READY and pledge.pdf_sha256, log.read_text()[-3000:]
    assert email.status == email.Status.SENT and email.attempts == 1
    sent = b"".join(path.read_bytes() for path in outbox.iterdir())
    assert b"someone@example.invalid" in sent


def test_the_daily_task_reminds_unsigned_heads_once_a_day(cast, heads, due):  # noqa: F811
    from django.core import mail

    from ops.tasks import daily_reminders

    with at(datetime.date(2022, 3, 28)):
        daily_reminders.call_local()
        daily_reminders.call_local()  # delivered twice: nothing more
    assert sorted(message.to[0] for message in mail.outbox) == sorted([heads["member"].email, heads["member2"].email])
