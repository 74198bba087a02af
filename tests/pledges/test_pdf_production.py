"""When the signed PDF is produced: after the last signer's response is sent, or by the PDF worker."""

import io
import re
import sys
from urllib.parse import urlencode

from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command

from pledges.models import Pledge
from pledges.services import documents
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


def test_the_last_signer_is_answered_before_the_pdf_is_produced(
    transactional_db, cast, heads, pledge, client, monkeypatch
):
    for key in ("chair", "vice", "member"):
        sign(pledge, heads[key], token=key)
    happened = []
    produce = documents.pledge_pdf_produce
    monkeypatch.setattr(documents, "pledge_pdf_produce", lambda pk, **kw: happened.append("pdf") or produce(pk, **kw))

    started, body, close = sign_through_wsgi(client, pledge, heads["member2"])
    happened.append("response sent")
    pledge.refresh_from_db()
    assert started["status"].startswith("302") and "/pledges/signatures/" in started["headers"]["Location"]
    assert pledge.status == Pledge.Status.COMPLETED and pledge.pdf_status == Pledge.PdfStatus.PENDING

    close()  # what the WSGI server does once the last byte is out
    pledge.refresh_from_db()
    assert happened == ["response sent", "pdf"]
    assert pledge.pdf_status == Pledge.PdfStatus.READY and pledge.pdf_sha256


def test_with_the_pdf_worker_the_request_only_marks_the_pdf_and_the_worker_produces_it(
    cast, heads, pledge, client, settings, django_capture_on_commit_callbacks
):
    settings.PDF_WORKER = True
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        for key in ("chair", "vice", "member", "member2"):
            sign(pledge, heads[key], token=key)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.COMPLETED and pledge.pdf_status == Pledge.PdfStatus.PENDING
    client.force_login(cast.chair_officer)
    page = client.get(pledge.get_absolute_url()).content.decode()
    assert "The signed PDF is being produced" in page and "Download the signed PDF" not in page

    out = io.StringIO()
    call_command("pledge_pdf", "--watch", "--interval", "0.1", "--max-seconds", "0.5", stdout=out)
    pledge.refresh_from_db()
    assert pledge.pdf_status == Pledge.PdfStatus.READY and f"pledge {pledge.pk}: ready" in out.getvalue()
    assert "Download the signed PDF" in client.get(pledge.get_absolute_url()).content.decode()


def test_the_worker_leaves_a_failed_pdf_to_the_retry(cast, heads, pledge, settings, django_capture_on_commit_callbacks):
    settings.PDF_WORKER = True
    with django_capture_on_commit_callbacks(execute=True):
        for key in ("chair", "vice", "member", "member2"):
            sign(pledge, heads[key], token=key)
    Pledge.objects.filter(pk=pledge.pk).update(pdf_error="rendering failed")
    out = io.StringIO()
    call_command("pledge_pdf", "--watch", "--interval", "0.1", "--max-seconds", "0.3", stdout=out)
    pledge.refresh_from_db()
    assert pledge.pdf_status == Pledge.PdfStatus.PENDING and out.getvalue() == ""
    call_command("pledge_pdf", "--retry-pending", stdout=out)
    pledge.refresh_from_db()
    assert pledge.pdf_status == Pledge.PdfStatus.READY and pledge.pdf_error == ""
