"""When the signed PDF is produced: by a task the last signer's request only queues; never in the request."""

import io
import re
import sys
from urllib.parse import urlencode

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from huey.contrib.djhuey import HUEY
from huey.storage import MemoryStorage

from pledges.models import Pledge
from tests.pledges.conftest import sign


def sign_through_wsgi(client, pledge, head):
    """Post *head*'s signing form straight to the WSGI handler; return (status, body, close) unclosed.

    The test client closes the response itself; here the test decides when the server "has sent" it.
    """
    client.force_login(head)
    page = client.get(f"/pledges/{pledge.pk}/sign/").content.decode()

    def field(name):
        return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)

    form = {"csrfmiddlewaretoken": field("csrfmiddlewaretoken"), "content_hash": field("content_hash"),
            "form_token": field("form_token"), "agree": "on", "typed_name": head.full_name, "method": "typed",
            "drawn": ""}  # fmt: skip
    body = urlencode(form).encode()
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": f"/pledges/{pledge.pk}/sign/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": cookies,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = status, dict(headers)

    result = WSGIHandler()(environ, start_response)
    return started, b"".join(result), result.close


@pytest.fixture
def queue_only(tasks_run_immediately):
    """Tasks are queued (in memory) and not run, as with a consumer that has not picked them up yet."""
    HUEY.immediate = False
    HUEY.storage = MemoryStorage("test")
    return HUEY


def run_queued():
    """Run the queued tasks as a consumer would, keeping the test's database connection open, up to
    and including the first that is not an e-mail (the notices' e-mails are queued first); return
    that task's result."""
    HUEY._immediate = True  # djhuey closes the connection around a task outside immediate mode
    try:
        while True:
            task = HUEY.dequeue()
            if task is None:
                return None
            result = HUEY.execute(task)
            if task.name.split(".")[-1] != "send_outgoing_email":
                return result
    finally:
        HUEY._immediate = False


def test_the_last_signer_is_answered_at_once_and_a_task_produces_the_pdf(
    transactional_db, cast, heads, pledge, client, queue_only
):
    for key in ("chair", "vice", "member"):
        sign(pledge, heads[key], token=key)

    started, body, close = sign_through_wsgi(client, pledge, heads["member2"])
    close()
    pledge.refresh_from_db()
    assert started["status"].startswith("302") and "/pledges/signatures/" in started["headers"]["Location"]
    # The request queued the PDF and rendered nothing: still pending after the response is closed.
    assert pledge.status == Pledge.Status.COMPLETED and pledge.pdf_status == Pledge.PdfStatus.PENDING
    queued = [task for task in HUEY.pending() if task.name == "produce_pdf"]
    assert [task.args for task in queued] == [(pledge.pk,)]
    assert queued[0].kwargs["request_id"] == started["headers"]["X-Request-ID"]

    run_queued()  # what a consumer does
    pledge.refresh_from_db()
    assert pledge.pdf_status == Pledge.PdfStatus.READY and pledge.pdf_sha256


def test_the_pledge_page_says_the_pdf_is_being_produced_until_the_task_has_run(
    cast, heads, pledge, client, django_capture_on_commit_callbacks, queue_only
):
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        for key in ("chair", "vice", "member", "member2"):
            sign(pledge, heads[key], token=key)
    client.force_login(cast.chair_officer)
    page = client.get(pledge.get_absolute_url()).content.decode()
    assert "The signed PDF is being produced" in page and "Download the signed PDF" not in page
    run_queued()
    assert "Download the signed PDF" in client.get(pledge.get_absolute_url()).content.decode()


def test_the_retry_pending_command_produces_a_pdf_left_pending(
    cast, heads, pledge, django_capture_on_commit_callbacks, queue_only
):
    with django_capture_on_commit_callbacks(execute=True):
        for key in ("chair", "vice", "member", "member2"):
            sign(pledge, heads[key], token=key)
    Pledge.objects.filter(pk=pledge.pk).update(pdf_error="rendering failed")
    out = io.StringIO()
    call_command("pledge_pdf", "--retry-pending", stdout=out)
    pledge.refresh_from_db()
    assert pledge.pdf_status == Pledge.PdfStatus.READY and pledge.pdf_error == ""
    assert f"pledge {pledge.pk}: ready" in out.getvalue()
