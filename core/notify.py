"""Notifications: one e-mail per person and occasion, through the task queue, with a direct link.

Each app declares its kinds with ``register`` (``pledges.notices``, ``reviews.notices``) and sends
with ``notify``. A kind that asks people to act before a deadline is *required*: nobody can switch
it off. The ``Notice`` row claimed per person, kind and occasion is what stops the same notice from
going out twice (a repeated click, a retried task, two consumers at once).
"""

import dataclasses
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from core.mail import mail_once
from core.models import Notice, NoticeOptOut

TEMPLATE = "notices/notice"
KEY_MAX_CHARS = 100


@dataclasses.dataclass(frozen=True)
class Kind:
    code: str
    label: str  # lazily translated
    required: bool
    order: int


_KINDS: dict[str, Kind] = {}


def register(code: str, label, *, required: bool = False) -> str:
    """Declare the notice kind *code* (idempotent: a module imported twice declares it once); return *code*."""
    if code not in _KINDS:
        _KINDS[code] = Kind(code=code, label=label, required=required, order=len(_KINDS))
    return code


def kinds() -> list[Kind]:
    """Return every declared kind, in the order they were declared."""
    return sorted(_KINDS.values(), key=lambda kind: kind.order)


def notify(
    users: Iterable,
    *,
    kind: str,
    key: str,
    subject: str,
    lines: list[str],
    action_url: str,
    action_label: str,
    sender: str = "",
) -> int:
    """Queue the notice e-mail to each of *users* who has not had (*kind*, *key*); return how many.

    People who switched *kind* off are skipped unless it is required. The e-mail addresses the
    person ("Kính gửi đồng chí …"), says *lines*, and links to *action_url*. Call it inside the
    transaction that made the change: a rollback sends nothing.
    """
    spec = _KINDS[kind]
    people = [user for user in users if user.is_active and user.email]
    if not spec.required and people:
        muted = set(
            NoticeOptOut.objects.filter(kind=kind, user_id__in=[user.pk for user in people]).values_list(
                "user_id", flat=True
            )
        )
        people = [user for user in people if user.pk not in muted]
    now = timezone.now()
    return mail_once(
        people,
        claim=lambda user: Notice.objects.create(user=user, kind=kind, key=key[:KEY_MAX_CHARS], sent_at=now),
        template=TEMPLATE,
        context={
            "subject": subject,
            "lines": lines,
            "action_url": action_url,
            "action_label": action_label,
            "sender": sender,
            "kind": spec,
        },
    )


def opt_outs(user) -> set[str]:
    """Return the kinds *user* switched off."""
    return set(NoticeOptOut.objects.filter(user=user).values_list("kind", flat=True))


def opt_outs_set(*, user, off: Iterable[str]) -> set[str]:
    """Switch off exactly the optional kinds in *off* for *user* (required ones stay on); return them."""
    wanted = {code for code in off if code in _KINDS and not _KINDS[code].required}
    with transaction.atomic():
        current = set(NoticeOptOut.objects.select_for_update().filter(user=user).values_list("kind", flat=True))
        NoticeOptOut.objects.filter(user=user, kind__in=current - wanted).delete()
        NoticeOptOut.objects.bulk_create(
            [NoticeOptOut(user=user, kind=code) for code in sorted(wanted - current)], ignore_conflicts=True
        )
    return wanted
