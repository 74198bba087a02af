"""Reminder e-mail, at most once a day per person and subject, in Vietnamese."""

import logging
from collections.abc import Callable, Iterable

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

SUBJECT_MAX_CHARS = 200


def render_subject(template_name: str, context: dict) -> str:
    """Render a subject template as plain text: not HTML-escaped, on one line, bounded.

    A subject is a header, not HTML: "Sở KH&CN" must not arrive as "Sở KH&amp;CN";
    and a line break in a name would make the header invalid (``BadHeaderError``).
    """
    template = get_template(template_name).template  # the engine's own template: render without autoescaping
    subject = " ".join(template.render(Context(context, autoescape=False)).split())
    return subject[:SUBJECT_MAX_CHARS]


def mail_once(users: Iterable, *, claim: Callable[[object], object], template: str, context: dict) -> int:
    """Mail each of *users* for whom ``claim(user)`` can write today's row; return how many were mailed.

    *claim* creates a row under a unique constraint on the day: repeated clicks
    and a cron run on the same day then send nothing more. *template* names
    ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html``.

    A message that cannot be built or sent is logged and its row deleted, so that it
    does not count as sent and the next run tries again; the others are still sent.
    """
    sent = 0
    for user in users:
        if not user.email:
            continue
        try:
            with translation.override("vi"):
                full = {"user": user, **context}
                subject = render_subject(f"{template}_subject.txt", full)
                text = render_to_string(f"{template}.txt", full)
                html = render_to_string(f"{template}.html", full)
            message = EmailMultiAlternatives(subject, text, None, [user.email])
            message.attach_alternative(html, "text/html")
            message.message()  # builds the headers: a bad address is refused before anything is claimed
        except Exception:
            logger.exception("e-mail %s to user %s could not be built", template, user.pk)
            continue
        try:
            with transaction.atomic():
                row = claim(user)
        except IntegrityError:
            continue
        # The claim is committed before sending: the SMTP round trip must not hold the database's write lock.
        try:
            message.send()
        except Exception:
            logger.exception("e-mail %s to user %s could not be sent", template, user.pk)
            if hasattr(row, "delete"):
                row.delete()  # not sent: the next click or cron run tries again
            continue
        sent += 1
    return sent
