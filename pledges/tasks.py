"""The pledges' background work: the signed PDF, previews and page images, and the retry of pending PDFs.

Thin wrappers around ``pledges.services.documents``; each is safe to run twice (the services keep one
stored file per document and content), and does nothing for a pledge deleted or cancelled meanwhile.
"""

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core.tasks import enqueue_after_commit, task

logger = logging.getLogger(__name__)


class PdfNotProduced(Exception):
    """The signed PDF failed or overran its time limit: the task is retried, then kept as failed."""


@task(retries=3, retry_delay=20, retry_backoff=3, timeout=settings.PDF_TIME_LIMIT * 3)
def produce_pdf(pledge_id: int) -> str:
    """Render, seal and store a completed pledge's signed PDF; retried after 20 s, 1 and 3 minutes."""
    from pledges.models import Pledge
    from pledges.services import documents

    if not Pledge.objects.filter(pk=pledge_id, status=Pledge.Status.COMPLETED).exists():
        return "gone"  # deleted, or not completed: nothing to produce
    pledge = documents.pledge_pdf_produce(pledge_id)
    if pledge.pdf_status != Pledge.PdfStatus.READY:
        raise PdfNotProduced(f"the PDF of pledge {pledge_id} is still pending: {pledge.pdf_error}")
    return pledge.pdf_status


@task(retries=2, retry_delay=10, retry_backoff=3, timeout=settings.PDF_TIME_LIMIT * 4)
def render_previews(pledge_id: int, digest: str) -> str:
    """Render a pledge's preview PDF and page images (or its frozen PDF and pages) for content *digest*.

    Does nothing when the content changed since (a newer request queued the newer content), or the
    pledge was deleted, cancelled or completed meanwhile; what is stored already is not rendered again.
    """
    from pledges import services

    return services.previews_render(pledge_id, digest)


@db_periodic_task(crontab(minute="*/2"))
def retry_pending_pdfs() -> int:
    """Queue again every completed pledge whose signed PDF is still pending (a lost or failed task)."""
    import datetime

    from django.utils import timezone

    from pledges.models import Pledge

    # Not those completed in the last two minutes: their own task is still queued or running.
    settled = timezone.now() - datetime.timedelta(minutes=2)
    pending = Pledge.objects.filter(status=Pledge.Status.COMPLETED, completed_at__lt=settled).exclude(
        pdf_status=Pledge.PdfStatus.READY
    )
    ids = list(pending.order_by("completed_at").values_list("pk", flat=True)[:500])
    for pk in ids:
        enqueue_after_commit(produce_pdf, pk)
    return len(ids)


@task(retries=2, retry_delay=10, retry_backoff=3, timeout=settings.PDF_TIME_LIMIT * 3)
def prepare_original(pledge_id: int) -> str:
    """Render and store revision 0 of a digitally signed pledge (the frozen document with its empty
    signature fields), once; retried after 10 and 30 seconds."""
    from pledges.services import digital

    revision = digital.original_prepare(pledge_id)
    return "ready" if revision is not None else "gone"


@task(retries=0, timeout=settings.REMOTE_SIGNING_TIMEOUT * 2)
def sign_remote(turn_id: int, otp: str = "") -> str:
    """Make the turn holder's remote signature over the CSC API and store its revision.

    Never retried after a failure, which ends the turn with its reason (a retry could ask the signer's
    phone to confirm twice); retried, with the turn held, while the time-stamping authority does not
    answer (then nothing has been signed yet).
    """
    from huey.exceptions import RetryTask

    from core.signing import TimestampUnavailable
    from pledges.services import remote

    try:
        return remote.remote_sign(turn_id, otp)
    except TimestampUnavailable as error:  # nothing was signed: the turn waits, the task comes back
        message = f"the time-stamping authority does not answer: {error}"
        raise RetryTask(message, delay=settings.TSA_RETRY_SECONDS) from error


@task(retries=5, retry_delay=60, retry_backoff=3, timeout=300)
def make_long_term(pledge_id: int) -> str:
    """Add the validation data and the archive timestamp to a completed ký số original (PAdES B-LTA);
    retried after 1, 3, 9, 27 and 81 minutes (a time-stamping or revocation service down)."""
    from pledges.services import long_term

    return long_term.original_make_long_term(pledge_id)


@task(retries=3, retry_delay=300, retry_backoff=3, timeout=300)
def renew_archive_timestamp(pledge_id: int) -> str:
    from pledges.services import long_term

    return long_term.archive_renew(pledge_id)


@db_periodic_task(crontab(hour="3", minute="20"))
def renew_archive_timestamps() -> int:
    """Every night: queue a new archive timestamp for each ký số original whose last one expires within
    ARCHIVE_TIMESTAMP_MARGIN_DAYS, and the long-term data of any completed original still without it."""
    from pledges.models import Pledge, Revision
    from pledges.services import long_term

    queued = 0
    originals = Pledge.objects.filter(status=Pledge.Status.COMPLETED, signing_mode=Pledge.SigningMode.DIGITAL)
    for pledge in originals.order_by("pk"):
        if not pledge.revisions.filter(kind=Revision.Kind.ARCHIVE).exists():
            enqueue_after_commit(make_long_term, pledge.pk)
            queued += 1
        elif long_term.archive_renew_due(pledge):
            enqueue_after_commit(renew_archive_timestamp, pledge.pk)
            queued += 1
    return queued
