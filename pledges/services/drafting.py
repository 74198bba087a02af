"""The draft: creating it (or copying last year's), its texts and commitments, and the comment round."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Term
from core import clock
from core.text import nfc
from pledges import limits
from pledges.models import Pledge, PledgeEvent, PledgeItem
from pledges.services._common import (
    TEXT_FIELDS,
    PledgeError,
    Status,
    _check_text,
    _check_texts,
    _event,
    _locked,
    _require_draft,
)

# Drafting ---------------------------------------------------------------------


def pledge_create(
    *,
    actor,
    term: Term,
    place: str,
    signing_date: datetime.date,
    title: str = "",
    legal_grounds: str = "",
    introduction: str = "",
    slogan: str = "",
    implementation: str = "",
    items: list[str] = (),
) -> Pledge:
    """Create the draft pledge of *term*; a term has at most one that is not cancelled.

    Refuse texts and commitments beyond ``pledges.limits`` (a copy of an older, longer pledge too).
    """
    texts = {
        "title": nfc(title),
        "place": nfc(place),
        "legal_grounds": nfc(legal_grounds),
        "introduction": nfc(introduction),
        "slogan": nfc(slogan),
        "implementation": nfc(implementation),
    }
    _check_texts(texts)
    items = [nfc(text) for text in items]
    if len(items) > limits.MAX_ITEMS:
        raise PledgeError(limits.items_message())
    for text in items:
        _check_item(text)
    if Pledge.objects.filter(term=term).exclude(status=Status.CANCELLED).exists():
        raise PledgeError(_("This year already has a pledge; cancel it first to start another."))
    if signing_date.year != term.year:
        raise PledgeError(
            _("The signing date must be inside the year %(year)s.") % {"year": term.year}, field="signing_date"
        )
    try:
        with transaction.atomic():
            pledge = Pledge.objects.create(
                term=term,
                signing_date=signing_date,
                created_at=clock.now(),
                **texts | {"title": texts["title"] or _("Giao ước thi đua năm %(year)s") % {"year": term.year}},
            )
            for position, text in enumerate(items, start=1):
                PledgeItem.objects.create(pledge=pledge, position=position, text=text)
            _event(pledge, PledgeEvent.Kind.CREATED, actor=actor)
    except IntegrityError as error:  # a concurrent request created one
        raise PledgeError(_("This year already has a pledge; cancel it first to start another.")) from error
    return pledge


def pledge_copy_source(term: Term) -> Pledge | None:
    """Return the pledge a new one for *term* starts from: the bloc's latest earlier pledge
    that was not cancelled, or else that of a bloc it was formed from."""
    earlier = Pledge.objects.exclude(status=Status.CANCELLED).filter(term__year__lt=term.year)
    own = earlier.filter(term__bloc=term.bloc).order_by("-term__year", "-created_at").first()
    if own is not None:
        return own
    origins = term.bloc.formed_from.all()
    return earlier.filter(term__bloc__in=origins).order_by("-term__year", "-created_at").first()


def pledge_create_from(*, actor, term: Term, source: Pledge) -> Pledge:
    """Create *term*'s draft as a copy of *source*: its texts and commitments, the date moved to this year."""
    old_default = _("Giao ước thi đua năm %(year)s") % {"year": source.term.year}
    try:
        signing_date = source.signing_date.replace(year=term.year)
    except ValueError:  # 29 February
        signing_date = source.signing_date.replace(year=term.year, day=28)
    pledge = pledge_create(
        actor=actor,
        term=term,
        title="" if source.title == old_default else source.title,
        place=source.place,
        signing_date=signing_date,
        legal_grounds=source.legal_grounds,
        introduction=source.introduction,
        slogan=source.slogan,
        implementation=source.implementation,
        items=list(source.items.order_by("position", "id").values_list("text", flat=True)),
    )
    Pledge.objects.filter(pk=pledge.pk).update(copied_from=source)
    pledge.copied_from = source
    return pledge


def pledge_update(*, actor, pledge: Pledge, signing_date: datetime.date, signing_deadline=None, **texts) -> Pledge:
    """Change a draft's fields; a frozen pledge refuses, and so do texts beyond ``pledges.limits``."""
    texts = {name: nfc(texts[name]) for name in TEXT_FIELDS if name in texts}
    _check_texts(texts)
    with transaction.atomic():
        pledge = _locked(pledge)
        _require_draft(pledge)
        if signing_date.year != pledge.term.year:
            raise PledgeError(
                _("The signing date must be inside the year %(year)s.") % {"year": pledge.term.year},
                field="signing_date",
            )
        for name, value in texts.items():
            setattr(pledge, name, value)
        pledge.signing_date = signing_date
        pledge.save()
        _event(pledge, PledgeEvent.Kind.EDITED, actor=actor)
    return pledge


def _check_item(text: str) -> None:
    if not text:
        raise PledgeError(_("Write the commitment first."), field="text")
    _check_text("text", text, limits.MAX_ITEM_CHARS)


def _renumber(pledge: Pledge, items: list[PledgeItem]) -> None:
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


def item_add(*, actor, pledge: Pledge, text: str) -> PledgeItem:
    """Add a commitment at the end of a draft; refuse beyond ``limits.MAX_ITEMS`` or ``MAX_ITEM_CHARS``."""
    text = nfc(text)
    _check_item(text)
    with transaction.atomic():
        pledge = _locked(pledge)
        _require_draft(pledge)
        count = pledge.items.count()  # under the lock: two adds at once both see the count before theirs
        if count >= limits.MAX_ITEMS:
            raise PledgeError(limits.items_message(), field="text")
        item = PledgeItem.objects.create(pledge=pledge, position=count + 1, text=text)
        _event(pledge, PledgeEvent.Kind.EDITED, actor=actor, item=item.position, change="added")
    return item


def item_update(*, actor, item: PledgeItem, text: str) -> PledgeItem:
    text = nfc(text)
    _check_item(text)
    with transaction.atomic():
        pledge = _locked(item.pledge)
        _require_draft(pledge)
        item.text = text
        item.save(update_fields=["text"])
        _event(pledge, PledgeEvent.Kind.EDITED, actor=actor, item=item.position, change="edited")
    return item


def item_move(*, actor, item: PledgeItem, offset: int) -> None:
    """Move *item* up (-1) or down (+1) in the numbering."""
    with transaction.atomic():
        pledge = _locked(item.pledge)
        _require_draft(pledge)
        items = list(pledge.items.order_by("position", "id"))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        target = index + offset
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
            _renumber(pledge, items)
            _event(pledge, PledgeEvent.Kind.EDITED, actor=actor, item=target + 1, change="moved")


def item_remove(*, actor, item: PledgeItem) -> None:
    with transaction.atomic():
        pledge = _locked(item.pledge)
        _require_draft(pledge)
        item.delete()
        _renumber(pledge, list(pledge.items.order_by("position", "id")))
        _event(pledge, PledgeEvent.Kind.EDITED, actor=actor, item=item.position, change="removed")


# The comment round ----------------------------------------------------------------

MAX_COMMENT = limits.MAX_COMMENT_CHARS


def comments_open(*, actor, pledge: Pledge, until: datetime.date) -> Pledge:
    """Open the draft for the members' comments until *until* (lấy ý kiến)."""
    if until < timezone.localdate(clock.now()):
        raise PledgeError(_("The closing date cannot be in the past."), field="until")
    with transaction.atomic():
        pledge = _locked(pledge)
        _require_draft(pledge)
        pledge.comments_until = until
        pledge.save(update_fields=["comments_until"])
        _event(pledge, PledgeEvent.Kind.COMMENTS_OPENED, actor=actor, until=until.isoformat())
    return pledge


def comments_are_open(pledge: Pledge) -> bool:
    return (
        pledge.status == Status.DRAFT
        and pledge.comments_until is not None
        and timezone.localdate(clock.now()) <= pledge.comments_until
    )


def comment_add(*, actor, pledge: Pledge, text: str, item: PledgeItem | None = None):
    """Record a member's comment on the draft or one of its commitments."""
    from pledges.models import Comment

    text = nfc(text)
    if not text:
        raise PledgeError(_("Write the comment first."), field="text")
    if len(text) > MAX_COMMENT:
        raise PledgeError(_("A comment has at most %(count)s characters.") % {"count": MAX_COMMENT}, field="text")
    with transaction.atomic():
        pledge = _locked(pledge)
        if not comments_are_open(pledge):
            raise PledgeError(_("The draft is not open for comments (or the closing date has passed)."))
        if item is not None and item.pledge_id != pledge.pk:
            raise PledgeError(_("No such commitment in this draft."), field="item")
        if Comment.objects.filter(pledge=pledge, author__unit_id=actor.unit_id).count() >= limits.MAX_COMMENTS_PER_UNIT:
            raise PledgeError(
                _("Your unit has made %(count)s comments on this draft, the most there may be.")
                % {"count": limits.MAX_COMMENTS_PER_UNIT}
            )
        comment = Comment.objects.create(
            pledge=pledge,
            item=item,
            item_number=item.position if item else None,
            author=actor,
            unit_name=actor.unit.name if actor.unit_id else "",
            text=text,
            created_at=clock.now(),
        )
        _event(pledge, PledgeEvent.Kind.COMMENTED, actor=actor, unit=comment.unit_name, item=comment.item_number)
    return comment


def comment_answer(*, actor, comment, decision: str, answer: str):
    """The chair's officer accepts, declines or answers a comment; members see the answer."""
    from pledges.models import Comment

    if decision not in (Comment.Decision.ACCEPTED, Comment.Decision.DECLINED, Comment.Decision.ANSWERED):
        raise PledgeError(_("Choose a decision."), field="decision")
    answer = nfc(answer)
    _check_text("answer", answer, MAX_COMMENT)
    with transaction.atomic():
        pledge = _locked(comment.pledge)
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.decision, comment.answer = decision, answer
        comment.answered_by, comment.answered_at = actor, clock.now()
        comment.save(update_fields=["decision", "answer", "answered_by", "answered_at"])
        _event(pledge, PledgeEvent.Kind.COMMENT_ANSWERED, actor=actor, decision=decision)
    return comment
