"""Every write to a pledge: its life cycle, its content while a draft, its signatures.

Each transition locks the pledge row, checks the transition table, writes an
event and schedules slow work after commit. Refusals raise ``PledgeError``
with a message a person can read; nothing half-written stays.
"""

import datetime
import logging
import re
import secrets
import threading
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from blocs.models import Membership, Term, Unit
from core import clock
from core.after_response import after_response
from core.errors import ServiceError
from core.text import nfc
from pledges.content import HASH_VERSION, content_hash, name_key
from pledges.models import Pledge, PledgeEvent, PledgeItem, RequiredSigner, Signature

logger = logging.getLogger(__name__)

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


def local_time_text(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} {date_format(local.date(), 'SHORT_DATE_FORMAT')} (Asia/Ho_Chi_Minh)"


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
    """Create the draft pledge of *term*; a term has at most one that is not cancelled."""
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
                title=nfc(title) or _("Giao ước thi đua năm %(year)s") % {"year": term.year},
                place=nfc(place),
                signing_date=signing_date,
                legal_grounds=nfc(legal_grounds),
                introduction=nfc(introduction),
                slogan=nfc(slogan),
                implementation=nfc(implementation),
                created_at=clock.now(),
            )
            for position, text in enumerate(items, start=1):
                PledgeItem.objects.create(pledge=pledge, position=position, text=nfc(text))
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
    """Change a draft's fields; a frozen pledge refuses."""
    with transaction.atomic():
        pledge = _locked(pledge)
        _require_draft(pledge)
        if signing_date.year != pledge.term.year:
            raise PledgeError(
                _("The signing date must be inside the year %(year)s.") % {"year": pledge.term.year},
                field="signing_date",
            )
        for name in TEXT_FIELDS:
            if name in texts:
                setattr(pledge, name, nfc(texts[name]))
        pledge.signing_date = signing_date
        pledge.save()
        _event(pledge, PledgeEvent.Kind.EDITED, actor=actor)
    return pledge


def _renumber(pledge: Pledge, items: list[PledgeItem]) -> None:
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


def item_add(*, actor, pledge: Pledge, text: str) -> PledgeItem:
    with transaction.atomic():
        pledge = _locked(pledge)
        _require_draft(pledge)
        item = PledgeItem.objects.create(pledge=pledge, position=pledge.items.count() + 1, text=nfc(text))
        _event(pledge, PledgeEvent.Kind.EDITED, actor=actor, item=item.position, change="added")
    return item


def item_update(*, actor, item: PledgeItem, text: str) -> PledgeItem:
    with transaction.atomic():
        pledge = _locked(item.pledge)
        _require_draft(pledge)
        item.text = nfc(text)
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


# Opening ----------------------------------------------------------------------


def frozen_preview(pledge: Pledge) -> tuple[Pledge, list[RequiredSigner], str]:
    """Return the pledge as it would be frozen now: names on the signing date, signers, hash.

    Nothing is saved; ``pledge_open`` calls this inside its transaction.
    """
    term = pledge.term
    day = pledge.signing_date
    bloc = term.bloc
    bloc_name = bloc.name_on(day)
    pledge.bloc_name = bloc_name
    pledge.issuing_body = bloc_name.upper()
    memberships = (
        Membership.objects.filter(term=term, left_on__isnull=True)
        .select_related("unit")
        .prefetch_related("unit__versions")
        .order_by("order", "id")
    )
    signers = [
        RequiredSigner(
            pledge=pledge,
            unit=m.unit,
            order=position,
            unit_name=m.unit.name_on(day),
            head_title=m.unit.head_title_on(day),
        )
        for position, m in enumerate(memberships, start=1)
    ]
    items = list(pledge.items.order_by("position", "id"))
    return pledge, signers, content_hash(pledge, items, signers)


def pledge_open(*, actor, pledge: Pledge, deadline: datetime.date, expected_hash: str | None = None) -> Pledge:
    """Freeze the content, fix the required signers and open the pledge for signing.

    *expected_hash* is the hash the officer confirmed; if the draft changed since,
    opening is refused so that nobody freezes what they did not see.
    """
    today = timezone.localdate(clock.now())
    if deadline < today:
        raise PledgeError(_("The signing deadline cannot be in the past."), field="deadline")
    with transaction.atomic():
        pledge = _locked(pledge)
        if pledge.status == Status.OPEN:
            return pledge
        _refuse_status(pledge, Status.OPEN)
        if not pledge.items.exists():
            raise PledgeError(_("Add at least one commitment before opening the pledge."))
        pledge, signers, digest = frozen_preview(pledge)
        if not signers:
            raise PledgeError(_("The year has no members to sign."))
        if expected_hash is not None and expected_hash != digest:
            raise PledgeError(_("The draft changed after you reviewed it: review it again before opening."))
        RequiredSigner.objects.bulk_create(signers)
        pledge.verification_code = new_verification_code()
        pledge.content_hash, pledge.hash_version = digest, HASH_VERSION
        pledge.status, pledge.opened_at, pledge.signing_deadline = Status.OPEN, clock.now(), deadline
        pledge.save()
        _event(pledge, PledgeEvent.Kind.OPENED, actor=actor, content_hash=digest, deadline=deadline.isoformat())
        pledge_id = pledge.pk
        transaction.on_commit(lambda: after_opening(pledge_id))
    return pledge


def after_opening(pledge_id: int) -> None:
    """Render the frozen PDF and its page images once, after commit; if it fails, the first request does."""
    try:
        page_images(Pledge.objects.get(pk=pledge_id), render=True)
    except Exception:
        logger.exception("the frozen PDF of pledge %s was not rendered", pledge_id)


def new_verification_code() -> str:
    """Return a fresh code for the verification page: 10 characters, easy to type."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I
    while True:
        code = "".join(secrets.choice(alphabet) for _ in range(10))
        if not Pledge.objects.filter(verification_code=code).exists():
            return code


def recomputed_hash(pledge: Pledge, signers: list[RequiredSigner] | None = None) -> str:
    """Recompute the frozen pledge's hash from the database (*signers*: its required signers, read already)."""
    items = list(pledge.items.order_by("position", "id"))
    if signers is None:
        signers = list(pledge.required_signers.order_by("order"))
    return content_hash(pledge, items, signers)


def pledge_cancel(*, actor, pledge: Pledge, reason: str) -> Pledge:
    """Cancel a draft or open pledge; its signatures stay on record."""
    reason = nfc(reason)
    if not reason:
        raise PledgeError(_("Give the reason for cancelling."), field="reason")
    with transaction.atomic():
        pledge = _locked(pledge)
        if pledge.status == Status.CANCELLED:
            return pledge
        _refuse_status(pledge, Status.CANCELLED)
        pledge.status, pledge.cancelled_at, pledge.cancel_reason = Status.CANCELLED, clock.now(), reason
        pledge.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        _event(pledge, PledgeEvent.Kind.CANCELLED, actor=actor, reason=reason)
    return pledge


def signer_excuse(*, actor, pledge: Pledge, signer: RequiredSigner, reason: str) -> RequiredSigner:
    """Excuse a unit that left the bloc before signing, so that the pledge can complete."""
    reason = nfc(reason)
    if not reason:
        raise PledgeError(_("Give the reason for excusing the unit."), field="reason")
    with transaction.atomic():
        pledge = _locked(pledge)
        if pledge.status != Status.OPEN:
            _refuse_status(pledge, Status.COMPLETED)
        signer = RequiredSigner.objects.select_for_update().get(pk=signer.pk, pledge=pledge)
        if signer.excused_at:
            return signer
        if pledge.signatures.filter(unit_id=signer.unit_id).exists():
            raise PledgeError(_("This unit has signed; it cannot be excused."))
        still_member = Membership.objects.filter(term=pledge.term, unit_id=signer.unit_id, left_on__isnull=True)
        if still_member.exists():
            raise PledgeError(_("Only a unit that has left the bloc can be excused from signing."))
        signer.excused_at, signer.excused_reason = clock.now(), reason
        signer.save(update_fields=["excused_at", "excused_reason"])
        _event(pledge, PledgeEvent.Kind.EXCUSED, actor=actor, unit=signer.unit_name, reason=reason)
        _complete_if_done(pledge, actor=actor)
    return signer


# Signing ----------------------------------------------------------------------


def _complete_if_done(pledge: Pledge, *, actor) -> bool:
    """Complete *pledge* if every required unit has signed or is excused, exactly once."""
    waiting = pledge.required_signers.filter(excused_at__isnull=True).exclude(
        unit_id__in=pledge.signatures.values("unit_id")
    )
    if waiting.exists():
        return False
    # A conditional update: of two transactions that both get here, one moves the row.
    now = clock.now()
    moved = Pledge.objects.filter(pk=pledge.pk, status=Status.OPEN).update(status=Status.COMPLETED, completed_at=now)
    if moved != 1:
        return False
    pledge.status, pledge.completed_at = Status.COMPLETED, now
    _event(pledge, PledgeEvent.Kind.COMPLETED, actor=actor, content_hash=pledge.content_hash)
    pledge_id = pledge.pk
    transaction.on_commit(lambda: after_completion(pledge_id))
    return True


def after_completion(pledge_id: int) -> None:
    """Follow-up work once a pledge completes, run after commit.

    The signed PDF is marked pending, then produced under a time limit after the
    last signer's response is sent (``core.after_response``), or by the PDF
    worker (``pledge_pdf --watch``) when ``PDF_WORKER`` is on. A failure here
    never loses a signature: the signatures are committed before it runs.
    """
    from django.conf import settings

    logger.info("pledge %s completed", pledge_id)
    Pledge.objects.filter(pk=pledge_id, pdf_status=Pledge.PdfStatus.NONE).update(pdf_status=Pledge.PdfStatus.PENDING)
    if not settings.PDF_WORKER:
        after_response(lambda: _produce_logged(pledge_id))


def _produce_logged(pledge_id: int) -> None:
    try:
        pledge_pdf_produce(pledge_id)
    except Exception:  # the PDF stays pending: the chair retries, or the cron does
        logger.exception("the PDF of pledge %s is pending", pledge_id)


def _check_open_for(pledge: Pledge, unit_id: int, signers: list[RequiredSigner] | None = None) -> RequiredSigner:
    """Return *unit_id*'s required-signer row if the pledge is open for it (*signers*: all rows, read already)."""
    if pledge.status != Status.OPEN:
        _refuse_status(pledge, Status.COMPLETED)
    if signers is None:
        signer = pledge.required_signers.filter(unit_id=unit_id).first()
    else:
        signer = next((s for s in signers if s.unit_id == unit_id), None)
    if signer is None:
        raise PledgeError(_("Your unit is not among the signers of this pledge."))
    if signer.excused_at:
        raise PledgeError(_("Your unit has been excused from signing this pledge."))
    return signer


def _refuse_second(existing: Signature) -> None:
    raise PledgeError(
        _("%(unit)s signed this pledge already, at %(time)s (%(name)s).")
        % {"unit": existing.unit_name, "time": local_time_text(existing.signed_at), "name": existing.signer_name}
    )


def _new_signature(*, actor, pledge: Pledge, kind: str, now, ip, user_agent: str, **fields) -> Signature:
    """Return an unsaved signature of *actor*'s unit with what is true today: names, title, capacity."""
    day = timezone.localdate(now)
    unit = Unit.objects.prefetch_related("versions").get(pk=actor.unit_id)  # fresh: names and seal of today
    capacity, capacity_title = actor.capacity_lines(unit.head_title_on(day))
    return Signature(
        pledge=pledge,
        unit=unit,
        signer=actor,
        unit_name=unit.name_on(day),
        signer_name=actor.full_name,
        signer_position=actor.position,
        capacity=capacity,
        capacity_title=capacity_title,
        kind=kind,
        signed_at=now,
        ip=ip,
        user_agent=(user_agent or "")[:400],
        **fields,
    )


def _save_signature(signature: Signature, *, actor, ip, user_agent: str, **details) -> None:
    """Store *signature*, write its event and complete the pledge if it was the last one."""
    signature.save()
    _event(
        signature.pledge,
        PledgeEvent.Kind.SIGNED,
        actor=actor,
        ip=ip,
        user_agent=user_agent,
        unit=signature.unit_name,
        signature_kind=signature.kind,
        content_hash=signature.content_hash,
        **details,
    )
    _complete_if_done(signature.pledge, actor=actor)


def _existing_answer(pledge_id: int, actor, token: str) -> tuple[Signature, bool]:
    """After a lost race for the unit: the stored signature if it is this same submission, else a refusal."""
    existing = Signature.objects.get(pledge_id=pledge_id, unit_id=actor.unit_id)
    if existing.signer_id == actor.pk and token and existing.form_token == token:
        return existing, False
    _refuse_second(existing)


def signature_add(
    *, actor, pledge: Pledge, ip: str | None = None, user_agent: str = "", **kwargs
) -> tuple[Signature, bool]:
    """Record *actor*'s signature for their unit; return it and whether it is new.

    The same signing form sent twice by the same signer returns the stored
    signature; any other second signature for the unit is refused. A refusal
    is written to the audit trail after the failed transaction rolled back.
    """
    try:
        return _signature_add(actor=actor, pledge=pledge, ip=ip, user_agent=user_agent, **kwargs)
    except PledgeError as error:
        _event(
            pledge, PledgeEvent.Kind.SIGNATURE_REFUSED, actor=actor, ip=ip, user_agent=user_agent, reason=error.message
        )
        raise


def _signature_add(
    *,
    actor,
    pledge: Pledge,
    kind: str,
    image_png: bytes,
    content_hash_seen: str,
    typed_name: str,
    form_token: str,
    ip: str | None = None,
    user_agent: str = "",
) -> tuple[Signature, bool]:
    if kind not in (Signature.Kind.DRAWN, Signature.Kind.TYPED, Signature.Kind.SAVED):
        raise PledgeError(_("Choose how to sign."))
    if not (actor.is_active and actor.can_sign and actor.unit_id):
        raise PledgeError(_("Only a head with signing right can sign for a unit."))
    try:
        with transaction.atomic():
            pledge = _locked(pledge)
            existing = pledge.signatures.filter(unit_id=actor.unit_id).first()
            if existing is not None:
                if existing.signer_id == actor.pk and form_token and existing.form_token == form_token:
                    return existing, False
                _refuse_second(existing)
            signers = list(pledge.required_signers.order_by("order"))  # one read for both checks
            _check_open_for(pledge, actor.unit_id, signers)
            if content_hash_seen != pledge.content_hash or recomputed_hash(pledge, signers) != pledge.content_hash:
                raise PledgeError(
                    _("The pledge you read is not the one open for signing now: reload the page and read it again.")
                )
            if name_key(typed_name) != name_key(actor.full_name):
                raise PledgeError(_("The name you typed does not match your full name."), field="typed_name")
            signature = _new_signature(
                actor=actor,
                pledge=pledge,
                kind=kind,
                now=clock.now(),
                ip=ip,
                user_agent=user_agent,
                content_hash=content_hash_seen,
                form_token=form_token or "",
            )
            signature.image.save(f"{uuid.uuid4().hex}.png", ContentFile(image_png), save=False)
            if signature.unit.seal_image:  # the seal as it is today, kept with the signature
                with signature.unit.seal_image.open("rb") as seal:
                    signature.seal_image.save(f"{uuid.uuid4().hex}.png", ContentFile(seal.read()), save=False)
            _save_signature(signature, actor=actor, ip=ip, user_agent=user_agent)
    except IntegrityError:
        # Another request for the same unit won the race: answer as for a second signature.
        return _existing_answer(pledge.pk, actor, form_token)
    return signature, True


def paper_signature_add(
    *,
    actor,
    pledge: Pledge,
    signer: RequiredSigner,
    signer_name: str,
    capacity: str,
    capacity_title: str,
    scan: bytes,
    scan_extension: str,
    ip: str | None = None,
    user_agent: str = "",
) -> Signature:
    """Record a head's signature made on paper, with the scan of the signed page."""
    signer_name, capacity, capacity_title = nfc(signer_name), nfc(capacity).upper(), nfc(capacity_title).upper()
    if not signer_name or not capacity:
        raise PledgeError(_("Give the signer's full name and signing capacity."))
    try:
        with transaction.atomic():
            pledge = _locked(pledge)
            existing = pledge.signatures.filter(unit_id=signer.unit_id).first()
            if existing is not None:
                _refuse_second(existing)
            signer = _check_open_for(pledge, signer.unit_id)
            now = clock.now()
            signature = Signature(
                pledge=pledge,
                unit=signer.unit,
                signer=None,
                recorded_by=actor,
                unit_name=signer.unit.name_on(timezone.localdate(now)),
                signer_name=signer_name,
                capacity=capacity,
                capacity_title=capacity_title,
                kind=Signature.Kind.PAPER,
                signed_at=now,
                ip=ip,
                user_agent=(user_agent or "")[:400],
                content_hash=pledge.content_hash,
            )
            signature.scan.save(f"{uuid.uuid4().hex}.{scan_extension}", ContentFile(scan), save=False)
            signature.save()
            _event(
                pledge,
                PledgeEvent.Kind.PAPER_RECORDED,
                actor=actor,
                ip=ip,
                user_agent=user_agent,
                unit=signature.unit_name,
                signer=signer_name,
            )
            _complete_if_done(pledge, actor=actor)
    except IntegrityError:
        _refuse_second(Signature.objects.get(pledge=pledge, unit_id=signer.unit_id))
    return signature


# The signed PDF ------------------------------------------------------------------


def run_with_time_limit(function, seconds: float):
    """Run *function* in a worker thread; raise TimeoutError if it has not returned in *seconds*.

    A worker that overruns is abandoned (it holds no database connection: only
    pure rendering runs there), so the caller never waits longer than the limit.
    """
    outcome = {}

    def work():
        try:
            outcome["value"] = function()
        except BaseException as error:  # handed back to the caller
            outcome["error"] = error

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError(f"gave up after {seconds:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def pledge_pdf_produce(pledge_id: int, *, time_limit: float | None = None) -> Pledge:
    """Render, seal and store the final PDF of a completed pledge, once.

    Reads the data here, renders and seals under *time_limit* in a worker, and
    stores the file with its SHA-256. A failure or a time-out leaves the PDF
    pending with the error recorded; the pledge and its signatures are untouched.
    """
    from django.conf import settings
    from django.core.files.storage import storages

    from core import pdf as pdf_engine
    from pledges import pdf

    pledge = Pledge.objects.for_document().get(pk=pledge_id)
    if pledge.status != Status.COMPLETED or pledge.pdf_status == Pledge.PdfStatus.READY:
        return pledge
    Pledge.objects.filter(pk=pledge.pk, pdf_status=Pledge.PdfStatus.NONE).update(pdf_status=Pledge.PdfStatus.PENDING)
    html, attachment = pdf.render_html(pledge, preview=False), pdf.audit_json(pledge)
    limit = settings.PDF_TIME_LIMIT if time_limit is None else time_limit
    try:
        data = run_with_time_limit(lambda: pdf.seal_pdf(pdf.html_to_pdf(html, attachment)), limit)
    except Exception as error:
        logger.exception("the PDF of pledge %s failed", pledge.pk)
        Pledge.objects.filter(pk=pledge.pk).update(pdf_status=Pledge.PdfStatus.PENDING, pdf_error=str(error)[:500])
        pledge.refresh_from_db()
        return pledge
    storage = storages["private"]
    name = storage.save(f"pledge-pdfs/{uuid.uuid4().hex}.pdf", ContentFile(data))
    moved = Pledge.objects.filter(pk=pledge.pk, pdf_status=Pledge.PdfStatus.PENDING).update(
        pdf_status=Pledge.PdfStatus.READY, pdf_file=name, pdf_sha256=pdf_engine.sha256(data), pdf_error=""
    )
    if moved != 1:  # another worker stored it first: keep theirs
        storage.delete(name)
    pledge.refresh_from_db()
    return pledge


def pledge_frozen_pdf(pledge: Pledge) -> bytes:
    """Return the frozen document's PDF, rendering and storing it the first time.

    Its bytes never change afterwards: a head's digital signature must cover
    exactly them. Of two first requests, the first stored file wins.
    """
    from django.core.files.storage import storages

    from pledges import pdf

    if pledge.status not in (Status.OPEN, Status.COMPLETED):
        raise PledgeError(_("Only a pledge open for signing has a frozen PDF."))
    if not pledge.frozen_pdf:
        data = pdf.render_frozen_pdf(Pledge.objects.for_document().get(pk=pledge.pk))
        storage = storages["private"]
        name = storage.save(f"frozen-pdfs/{uuid.uuid4().hex}.pdf", ContentFile(data))
        if Pledge.objects.filter(pk=pledge.pk, frozen_pdf="").update(frozen_pdf=name) != 1:
            storage.delete(name)
        pledge.refresh_from_db(fields=["frozen_pdf"])
    with pledge.frozen_pdf.open("rb") as stored:
        return stored.read()


def digital_signature_add(
    *, actor, pledge: Pledge, signed_pdf: bytes, ip: str | None = None, user_agent: str = ""
) -> tuple[Signature, bool]:
    """Record a head's signature made with their own digital certificate (ký số).

    The upload must be the frozen PDF's exact bytes followed by one signature
    that is intact and covers the whole file. The certificate's subject, issuer
    and validity are recorded; its chain counts as trusted only against the
    configured trust roots.
    """
    try:
        return _digital_signature_add(actor=actor, pledge=pledge, signed_pdf=signed_pdf, ip=ip, user_agent=user_agent)
    except PledgeError as error:
        _event(
            pledge, PledgeEvent.Kind.SIGNATURE_REFUSED, actor=actor, ip=ip, user_agent=user_agent, reason=error.message
        )
        raise


def _digital_signature_add(*, actor, pledge, signed_pdf, ip, user_agent):
    from core import pdf as pdf_engine

    if not (actor.is_active and actor.can_sign and actor.unit_id):
        raise PledgeError(_("Only a head with signing right can sign for a unit."))
    token = pdf_engine.sha256(signed_pdf)
    frozen = pledge_frozen_pdf(pledge)
    if not signed_pdf.startswith(frozen) or len(signed_pdf) == len(frozen):
        raise PledgeError(
            _("This file is not the frozen pledge signed: download the pledge's PDF, sign it, upload it.")
        )
    verdict = pdf_engine.inspect_signature(signed_pdf)
    if not (verdict["sealed"] and verdict["intact"] and verdict["whole_file"]):
        raise PledgeError(_("The digital signature is missing, broken, or does not cover the whole file."))
    now = clock.now()
    if verdict["valid_from"] and not (verdict["valid_from"] <= now <= verdict["valid_until"]):
        raise PledgeError(_("The signing certificate is not valid today."))
    try:
        with transaction.atomic():
            pledge = _locked(pledge)
            existing = pledge.signatures.filter(unit_id=actor.unit_id).first()
            if existing is not None:
                if existing.signer_id == actor.pk and existing.form_token == token:
                    return existing, False
                _refuse_second(existing)
            _check_open_for(pledge, actor.unit_id)
            signature = _new_signature(
                actor=actor,
                pledge=pledge,
                kind=Signature.Kind.DIGITAL,
                now=now,
                ip=ip,
                user_agent=user_agent,
                content_hash=pledge.content_hash,
                form_token=token,
                certificate_subject=verdict["signer"][:500],
                certificate_issuer=verdict["issuer"][:500],
                certificate_valid_from=verdict["valid_from"],
                certificate_valid_until=verdict["valid_until"],
                certificate_trusted=verdict["trusted"] if verdict["roots_configured"] else None,
            )
            signature.signed_file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(signed_pdf), save=False)
            _save_signature(
                signature, actor=actor, ip=ip, user_agent=user_agent, certificate=signature.certificate_subject
            )
    except IntegrityError:
        return _existing_answer(pledge.pk, actor, token)
    return signature, True


def page_image_key(pledge: Pledge, draft_digest: str | None = None) -> str:
    """Name the set of page images: the frozen document's, or a draft's by its content."""
    if pledge.status == Status.DRAFT:
        return f"draft-{(draft_digest or '')[:20]}"
    return f"frozen-{pledge.content_hash[:20]}"


def page_images(pledge: Pledge, *, render: bool, draft_digest: str | None = None) -> list[str]:
    """Return the names of the pledge's page images, rendering them first if *render* and missing.

    Open and completed pledges show the frozen PDF's pages (what every signer
    signs); a draft shows its current preview. Images are cached in private storage.
    """
    from django.core.files.storage import storages

    from core import pdf as pdf_engine
    from pledges import pdf

    storage = storages["private"]
    key = page_image_key(pledge, draft_digest)
    folder = f"page-images/{pledge.pk}"
    try:
        pattern = re.compile(rf"{re.escape(key)}-(\d+)\.png")
        numbered = [(int(m.group(1)), m.group(0)) for m in map(pattern.fullmatch, storage.listdir(folder)[1]) if m]
        names = [name for _, name in sorted(numbered)]
    except FileNotFoundError:
        names = []
    if names or not render:
        return names
    if pledge.status == Status.DRAFT:
        document = Pledge.objects.for_document().get(pk=pledge.pk)
        data = pdf.html_to_pdf(pdf.render_html(document, preview=True, certificate=False), pdf.audit_json(document))
    else:
        data = pledge_frozen_pdf(pledge)
    names = []
    for number, png in enumerate(pdf_engine.pdf_to_pngs(data), start=1):
        name = f"{key}-{number}.png"
        if not storage.exists(f"{folder}/{name}"):  # the same content renders the same pages
            storage.save(f"{folder}/{name}", ContentFile(png))
        names.append(name)
    return names


# Reminders ---------------------------------------------------------------------


def _unsigned_heads(pledge: Pledge):
    from accounts.models import User

    waiting_units = pledge.required_signers.filter(excused_at__isnull=True).exclude(
        unit_id__in=pledge.signatures.values("unit_id")
    )
    return User.objects.filter(
        unit_id__in=waiting_units.values("unit_id"), can_sign=True, is_active=True
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
            units = [term.chair_id] + ([term.vice_chair_id] if term.vice_chair_acting else [])
            officers = User.objects.filter(unit_id__in=units, is_active=True)
            waiting = list(
                pledge.required_signers.filter(excused_at__isnull=True)
                .exclude(unit_id__in=pledge.signatures.values("unit_id"))
                .values_list("unit_name", flat=True)
            )
            report["overdue_reports"] += _send(
                pledge=pledge, users=officers, kind="overdue", template="overdue", context={"waiting": waiting}
            )
    return report


# The comment round ----------------------------------------------------------------

MAX_COMMENT = 4000


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
    with transaction.atomic():
        pledge = _locked(comment.pledge)
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.decision, comment.answer = decision, nfc(answer)[:MAX_COMMENT]
        comment.answered_by, comment.answered_at = actor, clock.now()
        comment.save(update_fields=["decision", "answer", "answered_by", "answered_at"])
        _event(pledge, PledgeEvent.Kind.COMMENT_ANSWERED, actor=actor, decision=decision)
    return comment
