"""Reminder e-mail, at most once a day per person and subject, in Vietnamese."""

from collections.abc import Callable, Iterable

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation


def mail_once(users: Iterable, *, claim: Callable[[object], object], template: str, context: dict) -> int:
    """Mail each of *users* for whom ``claim(user)`` can write today's row; return how many were mailed.

    *claim* creates a row under a unique constraint on the day: repeated clicks
    and a cron run on the same day then send nothing more. *template* names
    ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html``.
    """
    sent = 0
    for user in users:
        if not user.email:
            continue
        try:
            with transaction.atomic():
                claim(user)
        except IntegrityError:
            continue
        with translation.override("vi"):
            full = {"user": user, **context}
            subject = render_to_string(f"{template}_subject.txt", full).strip()
            text = render_to_string(f"{template}.txt", full)
            html = render_to_string(f"{template}.html", full)
        message = EmailMultiAlternatives(subject, text, None, [user.email])
        message.attach_alternative(html, "text/html")
        message.send()
        sent += 1
    return sent
