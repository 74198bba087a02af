"""The task queue's shared pieces: queueing after commit, the request id in task logs, and e-mail tasks.

Tasks run in ``manage.py run_huey`` (huey, configured by ``settings.HUEY``); each is safe to run twice.
"""

import datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core.queue import enqueue_after_commit, immediate, task

__all__ = ["enqueue_after_commit", "immediate", "retry_unsent_emails", "send_outgoing_email", "task"]


@task(retries=5, retry_delay=30, retry_backoff=2, context=True)
def send_outgoing_email(email_id: int, task=None) -> bool:
    """Send one stored e-mail; retried after 30 s, 1, 2, 4 and 8 minutes, then kept as failed."""
    from core.mail import email_send

    return email_send(email_id, last_attempt=task is None or not task.retries)


@db_periodic_task(crontab(minute="*/5"))
def retry_unsent_emails() -> int:
    """Queue again the e-mails whose task was lost: never tried a minute after they were written, or
    waiting for a retry (at most 8 minutes apart) for 20 minutes, or claimed by a consumer that died."""
    from django.db.models import Q

    from core.mail import SENDING_STALE_AFTER
    from core.models import OutgoingEmail

    now = timezone.now()
    Status = OutgoingEmail.Status
    waiting = OutgoingEmail.objects.filter(
        Q(status=Status.QUEUED, attempts=0, created_at__lt=now - datetime.timedelta(minutes=1))
        | Q(status=Status.QUEUED, claimed_at__lt=now - datetime.timedelta(minutes=20))
        | Q(status=Status.SENDING, claimed_at__lt=now - SENDING_STALE_AFTER)
    )
    ids = list(waiting.order_by("pk").values_list("pk", flat=True)[:1000])
    for pk in ids:
        enqueue_after_commit(send_outgoing_email, pk)
    return len(ids)
