"""What every pledge service shares: the transition table, the refusal, the event, the row lock."""

import datetime
import logging

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.errors import ServiceError
from pledges import limits
from pledges.models import Pledge, PledgeEvent

logger = logging.getLogger("pledges.services")

Status = Pledge.Status

# Which status may move to which.
TRANSITIONS = {
    Status.DRAFT: {Status.OPEN, Status.CANCELLED},
    Status.OPEN: {Status.COMPLETED, Status.CANCELLED},
    Status.COMPLETED: set(),
    Status.CANCELLED: set(),
}

TEXT_FIELDS = ("title", "place", "legal_grounds", "introduction", "slogan", "implementation")


class PledgeError(ServiceError):
    """A rule of the pledge refused the change; the message says which."""


def _event(pledge, kind, *, actor=None, ip=None, user_agent="", **details) -> PledgeEvent:
    return PledgeEvent.record(
        pledge=pledge, actor=actor, kind=kind, ip=ip, user_agent=(user_agent or "")[:400], details=details
    )


def _locked(pledge: Pledge) -> Pledge:
    # Lock the row: two heads signing at once would both see the pledge open.
    return Pledge.objects.select_for_update().select_related("term__bloc").get(pk=pledge.pk)


def _refuse_status(pledge: Pledge, wanted: str) -> None:
    if wanted not in TRANSITIONS[pledge.status]:
        messages = {
            Status.DRAFT: _("The pledge is still a draft: it is not open for signing."),
            Status.OPEN: _("The pledge is open for signing: its content is frozen."),
            Status.COMPLETED: _("The pledge is completed: nothing can change any more."),
            Status.CANCELLED: _("The pledge has been cancelled."),
        }
        raise PledgeError(messages[pledge.status])


def _require_draft(pledge: Pledge) -> None:
    if pledge.status != Status.DRAFT:
        _refuse_status(pledge, Status.DRAFT)


def _check_text(name: str, value: str, limit: int, *, one_line: bool = False) -> None:
    """Refuse *value* for field *name* if it is longer than *limit* or, for a one-line field, has a line break."""
    if len(value) > limit:
        raise PledgeError(limits.too_long_message(limit), field=name)
    if one_line and limits.has_line_break(value):
        raise PledgeError(limits.one_line_message(), field=name)


def _check_texts(texts: dict[str, str]) -> None:
    """Refuse a pledge's text fields beyond their limits (``pledges.limits``)."""
    for name, value in texts.items():
        _check_text(name, value, limits.TEXT_LIMITS[name], one_line=name in limits.ONE_LINE_FIELDS)


def _check_reason(reason: str) -> None:
    _check_text("reason", reason, limits.MAX_REASON_CHARS, one_line=True)


def local_time_text(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} {date_format(local.date(), 'SHORT_DATE_FORMAT')} (Asia/Ho_Chi_Minh)"
