"""E-mail reminders to heads who have not signed, and overdue reports to the chairs' officers."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from pledges.models import Pledge, PledgeEvent
from pledges.selectors import waiting_signers
from pledges.services._common import (
    PledgeError,
    Status,
    _event,
)

# Reminders ---------------------------------------------------------------------


def _unsigned_heads(pledge: Pledge):
    from accounts.models import User

    return User.objects.filter(
        unit_id__in=waiting_signers(pledge).values("unit_id"), can_sign=True, is_active=True
    ).select_related("unit")


def _send(*, pledge: Pledge, users, kind: str, template: str, context: dict) -> int:
    """Mail *users* about *pledge* once today each; return how many were mailed."""
    from django.conf import settings
    from django.urls import reverse

    from core.mail import mail_once
    from pledges.models import Reminder

    now = clock.now()
    today = timezone.localdate(now)
    return mail_once(
        users,
        claim=lambda user: Reminder.objects.create(pledge=pledge, user=user, kind=kind, sent_on=today, sent_at=now),
        template=f"pledges/email/{template}",
        context={
            "pledge": pledge,
            "sign_url": settings.SITE_URL + reverse("pledges:sign", args=[pledge.pk]),
            "page_url": settings.SITE_URL + pledge.get_absolute_url(),
            **context,
        },
    )


def pledge_remind(*, actor, pledge: Pledge) -> int:
    """E-mail the heads who have not signed yet (at most once a day each); return how many."""
    if pledge.status != Status.OPEN:
        raise PledgeError(_("Only a pledge open for signing has signers to remind."))
    sent = _send(pledge=pledge, users=_unsigned_heads(pledge), kind="to_sign", template="remind", context={})
    _event(pledge, PledgeEvent.Kind.REMINDED, actor=actor, count=sent)
    return sent


def reminders_send_due(*, days_before: int = 3) -> dict:
    """For the daily cron: remind heads before a deadline; report overdue pledges to the chairs' officers."""
    from accounts.models import User

    today = timezone.localdate(clock.now())
    report = {"reminded": 0, "overdue_reports": 0}
    open_pledges = Pledge.objects.filter(status=Status.OPEN, signing_deadline__isnull=False).select_related(
        "term__bloc"
    )
    for pledge in open_pledges:
        if today <= pledge.signing_deadline <= today + datetime.timedelta(days=days_before):
            report["reminded"] += _send(
                pledge=pledge, users=_unsigned_heads(pledge), kind="to_sign", template="remind", context={}
            )
        elif pledge.signing_deadline < today:
            term = pledge.term
            officers = User.objects.filter(unit_id__in=term.running_unit_ids(), is_active=True)
            waiting = list(waiting_signers(pledge).values_list("unit_name", flat=True))
            report["overdue_reports"] += _send(
                pledge=pledge, users=officers, kind="overdue", template="overdue", context={"waiting": waiting}
            )
    return report
