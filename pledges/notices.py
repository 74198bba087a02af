"""The pledge's notices (``core.notify``): signing opens, a turn comes, the pledge completes, the
chair's daily digest of signatures, comment rounds, and a signer's question to the chair.

Each function is called by a service inside its transaction (or by the daily task); the
``Notice`` claim per person and occasion makes a repeat send nothing.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.notify import notify, register
from core.templatetags.vn import long_date
from pledges.models import Pledge, Signature
from pledges.selectors import waiting_signers

SIGNING_OPENED = register("pledge_opened", gettext_lazy("A pledge is open for you to sign"), required=True)
TURN = register("signing_turn", gettext_lazy("Your turn to sign digitally has come"), required=True)
COMPLETED = register("pledge_completed", gettext_lazy("A pledge is signed by every unit (with its PDF)"))
DIGEST = register("signing_digest", gettext_lazy("Daily digest of signatures (the chair's officers)"))
COMMENTS_OPENED = register("comments_opened", gettext_lazy("A draft pledge is open for comments"))
COMMENT_ANSWERED = register("comment_answered", gettext_lazy("Your comment was answered"))
QUESTION = register("signer_question", gettext_lazy("A signer's question about a pledge (the chair's officers)"))


def people():
    """Return the active users with an e-mail address (whom a notice can reach)."""
    from accounts.models import User

    return User.objects.filter(is_active=True).exclude(email="")


def link(path: str) -> str:
    """Return the absolute address of *path*, for an e-mail."""
    return settings.SITE_URL + path


def _deadline_line(pledge: Pledge) -> list[str]:
    if not pledge.signing_deadline:
        return []
    return [_("Deadline: %(date)s.") % {"date": long_date(pledge.signing_deadline)}]


def chair_officers(term):
    """Return the people who run *term*: the chair's unit (and the vice-chair's while it acts)."""
    return people().filter(unit_id__in=term.running_unit_ids())


def member_users(pledge: Pledge):
    """Return the active users of every unit that signs *pledge* (not excused)."""
    units = pledge.required_signers.filter(excused_at__isnull=True).values("unit_id")
    return people().filter(unit_id__in=units)


def signing_opened(pledge: Pledge) -> int:
    """Tell every head who must sign (and, where seals are required, every clerk) that signing opened."""
    units = pledge.required_signers.filter(excused_at__isnull=True).values("unit_id")
    wanted = Q(can_sign=True)
    if pledge.is_digital and pledge.seals_required:
        wanted |= Q(is_clerk=True)
    signers = people().filter(wanted, unit_id__in=units).select_related("unit")
    return notify(
        signers,
        kind=SIGNING_OPENED,
        key=f"pledge:{pledge.pk}",
        subject=_("To sign: %(title)s – %(bloc)s") % {"title": pledge.title, "bloc": pledge.bloc_name},
        lines=[
            _("%(title)s of %(bloc)s is open for signing.") % {"title": pledge.title, "bloc": pledge.bloc_name},
            *_deadline_line(pledge),
            _("Heads sign with their digital certificate; clerks then add the agency's seal.")
            if pledge.is_digital
            else _("Read the pledge, then sign on the signing page."),
        ],
        action_url=link(reverse("pledges:sign", args=[pledge.pk])),
        action_label=_("Open the signing page"),
        sender=pledge.bloc_name,
    )


def turn_granted(turn) -> int:
    """Tell a signer who waited in line that their turn to sign digitally has come."""
    pledge = turn.pledge
    minutes = max(1, settings.SIGNING_TURN_SECONDS // 60)
    return notify(
        [turn.user],
        kind=TURN,
        key=f"turn:{turn.pk}:{turn.granted_at:%Y%m%d%H%M%S}",
        subject=_("Your turn to sign: %(title)s") % {"title": pledge.title},
        lines=[
            _("Your turn to sign %(title)s digitally has come.") % {"title": pledge.title},
            _("The turn is kept for you for %(minutes)s minutes; after that it passes to the next in line.")
            % {"minutes": minutes},
        ],
        action_url=link(reverse("pledges:digital", args=[pledge.pk])),
        action_label=_("Sign now"),
        sender=pledge.bloc_name,
    )


def completed(pledge: Pledge) -> int:
    """Tell every member unit's users that *pledge* is signed by all, with the signed PDF's link."""
    return notify(
        member_users(pledge),
        kind=COMPLETED,
        key=f"pledge:{pledge.pk}",
        subject=_("Signed by every unit: %(title)s – %(bloc)s") % {"title": pledge.title, "bloc": pledge.bloc_name},
        lines=[
            _("Every unit has signed %(title)s of %(bloc)s.") % {"title": pledge.title, "bloc": pledge.bloc_name},
            _("The signed PDF can be downloaded from the link below (it may take a few minutes to prepare)."),
        ],
        action_url=link(reverse("pledges:pdf", args=[pledge.pk])),
        action_label=_("Download the signed PDF"),
        sender=pledge.bloc_name,
    )


def digests_send(*, day: datetime.date | None = None) -> int:
    """Send each chair's officers one digest of the signatures made on *day* (yesterday by default)."""
    day = day or timezone.localdate(clock.now()) - datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    signed = (
        Signature.objects.filter(signed_at__gte=start, signed_at__lt=end)
        .select_related("pledge__term")
        .order_by("pledge_id", "signed_at")
    )
    by_pledge: dict[int, list[Signature]] = {}
    for signature in signed:
        by_pledge.setdefault(signature.pledge_id, []).append(signature)
    sent = 0
    for signatures in by_pledge.values():
        pledge = signatures[0].pledge
        lines = [
            _("On %(date)s, %(count)s units signed %(title)s:")
            % {"date": long_date(day), "count": len(signatures), "title": pledge.title},
            *[f"– {signature.unit_name} ({signature.signer_name})" for signature in signatures],
        ]
        left = list(waiting_signers(pledge).values_list("unit_name", flat=True))
        lines.append(
            _("Still to sign (%(count)s): %(units)s.") % {"count": len(left), "units": "; ".join(left)}
            if left
            else _("Every unit has signed.")
        )
        sent += notify(
            chair_officers(pledge.term),
            kind=DIGEST,
            key=f"digest:{pledge.pk}:{day.isoformat()}",
            subject=_("Signatures of %(date)s: %(title)s") % {"date": day.strftime("%d/%m/%Y"), "title": pledge.title},
            lines=lines,
            action_url=link(reverse("pledges:detail", args=[pledge.pk])),
            action_label=_("Open the pledge"),
            sender=pledge.bloc_name,
        )
    return sent


def comments_opened(pledge: Pledge) -> int:
    """Tell the member units' users that the draft is open for comments, until when."""
    return notify(
        member_users_of_term(pledge),
        kind=COMMENTS_OPENED,
        key=f"comments:{pledge.pk}:{pledge.comments_until}",
        subject=_("Comments on the draft: %(title)s") % {"title": pledge.title},
        lines=[
            _("The draft %(title)s of %(bloc)s is open for comments until %(date)s.")
            % {
                "title": pledge.title,
                "bloc": pledge.bloc_name or pledge.term.bloc.name,
                "date": long_date(pledge.comments_until),
            },
        ],
        action_url=link(reverse("pledges:comments", args=[pledge.pk])),
        action_label=_("Read the draft and comment"),
        sender=pledge.bloc_name or pledge.term.bloc.name,
    )


def member_users_of_term(pledge: Pledge):
    """Return the active users of the units in *pledge*'s year (a draft has no required signers yet)."""
    units = pledge.term.memberships.filter(left_on__isnull=True).values("unit_id")
    return people().filter(unit_id__in=units)


def comment_answered(comment) -> int:
    """Tell a comment's author that the chair's officer answered it."""
    pledge = comment.pledge
    return notify(
        [comment.author],
        kind=COMMENT_ANSWERED,
        key=f"comment:{comment.pk}",
        subject=_("Your comment was answered: %(title)s") % {"title": pledge.title},
        lines=[
            _("Your comment: %(text)s") % {"text": _short(comment.text)},
            _("Decision: %(decision)s.") % {"decision": comment.get_decision_display()},
            *([_("Answer: %(text)s") % {"text": _short(comment.answer)}] if comment.answer else []),
        ],
        action_url=link(reverse("pledges:comments", args=[pledge.pk])),
        action_label=_("Open the comments"),
        sender=pledge.bloc_name or pledge.term.bloc.name,
    )


def question_sent(pledge: Pledge, *, asker, text: str, key: str) -> int:
    """Send a signer's question about *pledge* to the chair's officers."""
    return notify(
        chair_officers(pledge.term),
        kind=QUESTION,
        key=key,
        subject=_("A question before signing: %(title)s") % {"title": pledge.title},
        lines=[
            _("%(name)s (%(unit)s) asks about %(title)s before signing:")
            % {
                "name": asker.full_name or asker.username,
                "unit": asker.unit.name if asker.unit_id else "",
                "title": pledge.title,
            },
            text,
            _("Reply to %(email)s.") % {"email": asker.email} if asker.email else "",
        ],
        action_url=link(reverse("pledges:detail", args=[pledge.pk])),
        action_label=_("Open the pledge"),
        sender=pledge.bloc_name,
    )


def _short(text: str, limit: int = 500) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
