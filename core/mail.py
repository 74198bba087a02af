"""E-mail: stored in the request's transaction (``OutgoingEmail``), sent by a task; reminders once a day."""

import datetime
import logging
from collections.abc import Callable, Iterable

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from core import context as log_context
from core.models import OutgoingEmail
from core.queue import enqueue_after_commit

logger = logging.getLogger(__name__)

SUBJECT_MAX_CHARS = 200
ERROR_MAX_CHARS = 2000
# A claim older than this is taken to belong to a consumer that died mid-send: another may take it over
# (the message may then go out twice, never zero times).
SENDING_STALE_AFTER = datetime.timedelta(minutes=10)


def render_subject(template_name: str, context: dict) -> str:
    """Render a subject template as plain text: not HTML-escaped, on one line, bounded.

    A subject is a header, not HTML: "Sở KH&CN" must not arrive as "Sở KH&amp;CN";
    and a line break in a name would make the header invalid (``BadHeaderError``).
    """
    template = get_template(template_name).template  # the engine's own template: render without autoescaping
    subject = " ".join(template.render(Context(context, autoescape=False)).split())
    return subject[:SUBJECT_MAX_CHARS]


def _message(to: str, subject: str, text: str, html: str = "") -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject, text, None, [to])
    if html:
        message.attach_alternative(html, "text/html")
    return message


def email_queue(*, to: str, subject: str, text: str, html: str = "") -> OutgoingEmail:
    """Store one e-mail to *to* and queue its sending once the current transaction commits.

    Call it inside the transaction that decided to send: a rollback then sends nothing, and a commit
    never loses the message (when the queue is unreachable, ``core.tasks.retry_unsent_emails`` sends
    it later).
    """
    email = email_store(to=to, subject=subject, text=text, html=html)
    enqueue_after_commit("core.tasks.send_outgoing_email", email.pk)
    return email


def email_store(*, to: str, subject: str, text: str, html: str = "") -> OutgoingEmail:
    """Store one e-mail to *to*, queued, without queueing its task (the caller does, after commit).

    The message is built first, so that a bad address or header is refused here.
    """
    subject = " ".join(subject.split())[:SUBJECT_MAX_CHARS]
    _message(to, subject, text, html).message()  # builds the headers: refuse a bad address before storing
    return OutgoingEmail.objects.create(
        to=to, subject=subject, text=text, html=html, request_id=log_context.request_id.get()[:64]
    )


def email_send(email_id: int, *, last_attempt: bool) -> bool:
    """Send the stored e-mail *email_id* if nobody has; return whether this call sent it.

    Claimed by a conditional update (queued → sending), so that a task delivered twice, or a task and
    the periodic retry at once, send it once. A failed send puts it back in the queue with its error
    (``failed`` on the *last_attempt*) and re-raises, so that the task queue retries it with back-off.
    """
    now = timezone.now()
    claimable = Q(status=OutgoingEmail.Status.QUEUED) | Q(
        status=OutgoingEmail.Status.SENDING, claimed_at__lt=now - SENDING_STALE_AFTER
    )
    claimed = OutgoingEmail.objects.filter(claimable, pk=email_id).update(
        status=OutgoingEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:  # sent, failed for good, being sent by another consumer, or deleted
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        _message(email.to, email.subject, email.text, email.html).send()
    except Exception as error:
        logger.warning("e-mail %s to %s not sent (attempt %s): %s", email.pk, email.to, email.attempts, error)
        OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.SENDING).update(
            status=OutgoingEmail.Status.FAILED if last_attempt else OutgoingEmail.Status.QUEUED,
            last_error=f"{type(error).__name__}: {error}"[:ERROR_MAX_CHARS],
        )
        raise
    OutgoingEmail.objects.filter(pk=email_id).update(status=OutgoingEmail.Status.SENT, sent_at=timezone.now())
    logger.info("e-mail %s sent to %s", email.pk, email.to)
    return True


def email_requeue(email_ids: Iterable[int]) -> int:
    """Queue failed (or stuck) e-mails again, for an administrator; return how many."""
    again = OutgoingEmail.objects.filter(pk__in=list(email_ids)).exclude(status=OutgoingEmail.Status.SENT)
    requeued = list(again.values_list("pk", flat=True))
    # One conditional update: a message sent meanwhile stays sent (and its task then sends nothing).
    OutgoingEmail.objects.filter(pk__in=requeued).exclude(status=OutgoingEmail.Status.SENT).update(
        status=OutgoingEmail.Status.QUEUED, claimed_at=None
    )
    for pk in requeued:
        enqueue_after_commit("core.tasks.send_outgoing_email", pk)
    return len(requeued)


def mail_once(users: Iterable, *, claim: Callable[[object], object], template: str, context: dict) -> int:
    """Queue an e-mail to each of *users* for whom ``claim(user)`` can write today's row; return how many.

    *claim* creates a row under a unique constraint on the day: repeated clicks
    and a daily run on the same day then send nothing more. *template* names
    ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html``.

    The claim row and the ``OutgoingEmail`` row are written together; a task sends the message (and
    retries it), so that a slow or failing mail server never slows or breaks the caller. A message
    that cannot be built is logged and nothing is claimed; the others are still queued.
    """
    queued = 0
    for user in users:
        if not user.email:
            continue
        try:
            with translation.override("vi"):
                full = {"user": user, **context}
                subject = render_subject(f"{template}_subject.txt", full)
                text = render_to_string(f"{template}.txt", full)
                html = render_to_string(f"{template}.html", full)
            _message(user.email, subject, text, html).message()  # a bad address is refused before any claim
        except Exception:
            logger.exception("e-mail %s to user %s could not be built", template, user.pk)
            continue
        try:
            with transaction.atomic():
                claim(user)
                email = email_store(to=user.email, subject=subject, text=text, html=html)
        except IntegrityError:
            continue
        enqueue_after_commit("core.tasks.send_outgoing_email", email.pk)
        queued += 1
    return queued
