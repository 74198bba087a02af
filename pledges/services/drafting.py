"""The draft: creating it (or copying last year's), its texts and commitments, and the comment round."""

import datetime
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Term
from core import clock
from core.text import nfc
from pledges import limits, notices
from pledges.models import LegalGround, Pledge, PledgeEvent, PledgeItem
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
    """Create *term*'s draft as a copy of *source*, moved to this year.

    The texts and commitments are copied; the year in the title and the slogan moves ("năm 2025" →
    "năm 2026", a bare "2025" too, but not a period such as "2021-2025"); the place is the bloc's
    province as named today; the signing date and the proposed deadline move to this year. The legal
    grounds are copied as they were: the edit page warns about those no longer in force.
    """
    old_default = _("Giao ước thi đua năm %(year)s") % {"year": source.term.year}
    years = term.year - source.term.year
    pledge = pledge_create(
        actor=actor,
        term=term,
        title="" if source.title == old_default else move_year(source.title, source.term.year, term.year),
        place=place_today(term) or source.place,
        signing_date=_moved(source.signing_date, years),
        legal_grounds=source.legal_grounds,
        introduction=source.introduction,
        slogan=move_year(source.slogan, source.term.year, term.year),
        implementation=source.implementation,
        items=list(source.items.order_by("position", "id").values_list("text", flat=True)),
    )
    deadline = _moved(source.signing_deadline, years) if source.signing_deadline else None
    Pledge.objects.filter(pk=pledge.pk).update(copied_from=source, signing_deadline=deadline)
    pledge.copied_from, pledge.signing_deadline = source, deadline
    return pledge


def _moved(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def move_year(text: str, old: int, new: int) -> str:
    """Return *text* with the year *old* written as *new*: "năm 2025" and a bare "2025".

    A year inside a number or a reference ("12/2025/NQ-HĐND") or one end of a period ("2021-2025",
    "2021 – 2025") stays.
    """
    pattern = rf"(?<![\d/.\-–])(?<![\-–] ){old}(?![\d/.\-–])(?! [\-–])"
    return re.sub(pattern, str(new), text or "")


_PROVINCE_PREFIX = re.compile(r"^(tỉnh|thành phố|tp\.?)\s+", re.IGNORECASE)


def place_today(term: Term) -> str:
    """Return the place a new pledge of *term* is signed at: its bloc's province as named today,
    without "Tỉnh"/"Thành phố" ("Nam Định, ngày …"); the province it merged into, once merged."""
    today = timezone.localdate(clock.now())
    province = term.bloc.province
    seen = set()
    while province.successor_id and province.pk not in seen and (province.merged_on or today) <= today:
        seen.add(province.pk)
        province = province.successor
    return _PROVINCE_PREFIX.sub("", province.name_on(today)).strip()


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
        notices.comments_opened(pledge)
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
        if comment.author_id != actor.pk:
            notices.comment_answered(comment)
    return comment


# Legal grounds of a province (the board's) ----------------------------------------------


def _check_ground(*, text: str, short_name: str, valid_from, valid_until) -> None:
    if not text:
        raise PledgeError(_("Write the line as it is printed."), field="text")
    if not short_name:
        raise PledgeError(_("Give the ground a short name."), field="short_name")
    if valid_until is not None and valid_until < valid_from:
        raise PledgeError(_("The end of its force cannot be before its start."), field="valid_until")


def legal_ground_create(
    *,
    actor,
    province,
    text: str,
    short_name: str,
    number: str = "",
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    order: int = 100,
) -> LegalGround:
    """Add a regulation of *province* that its pledges may cite (the board enters it)."""
    texts = {"text": nfc(text), "short_name": nfc(short_name), "number": nfc(number)}
    _check_ground(text=texts["text"], short_name=texts["short_name"], valid_from=valid_from, valid_until=valid_until)
    return LegalGround.objects.create(
        province=province, valid_from=valid_from, valid_until=valid_until, order=order, **texts
    )


def legal_ground_update(
    *,
    actor,
    ground: LegalGround,
    text: str,
    short_name: str,
    number: str = "",
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    order: int = 100,
) -> LegalGround:
    """Change a province's regulation, e.g. the date another replaced it; a national ground refuses."""
    if ground.province_id is None:
        raise PledgeError(_("A national ground is changed only by the site's administrators (in the admin)."))
    texts = {"text": nfc(text), "short_name": nfc(short_name), "number": nfc(number)}
    _check_ground(text=texts["text"], short_name=texts["short_name"], valid_from=valid_from, valid_until=valid_until)
    with transaction.atomic():
        ground = LegalGround.objects.select_for_update().get(pk=ground.pk)
        for name, value in texts.items():
            setattr(ground, name, value)
        ground.valid_from, ground.valid_until, ground.order = valid_from, valid_until, order
        ground.save()
    return ground
