"""Signatures in image mode: drawn, typed or saved on the page, or on paper with a scan (ký số: ``digital``)."""

import functools
import hashlib
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Unit
from core import clock
from core.text import fold, nfc
from pledges.content import name_key
from pledges.models import Pledge, PledgeEvent, RequiredSigner, Signature
from pledges.services import lifecycle
from pledges.services._common import (
    PledgeError,
    Status,
    _check_reason,
    _event,
    _locked,
    _refuse_status,
    local_time_text,
    logger,
)


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


def _refusals_logged(add):
    """Write a refused signature to the audit trail, after the failed transaction rolled back."""

    @functools.wraps(add)
    def add_logging_refusals(*, actor, pledge: Pledge, ip: str | None = None, user_agent: str = "", **kwargs):
        try:
            return add(actor=actor, pledge=pledge, ip=ip, user_agent=user_agent, **kwargs)
        except PledgeError as error:
            _event(
                pledge,
                PledgeEvent.Kind.SIGNATURE_REFUSED,
                actor=actor,
                ip=ip,
                user_agent=user_agent,
                reason=error.message,
            )
            raise

    return add_logging_refusals


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
    lifecycle.complete_if_done(signature.pledge, actor=actor)


def _same_submission(existing: Signature, actor, token: str) -> tuple[Signature, bool]:
    """Answer a second signature for a unit: the stored one if it is this same submission
    (same signer, same form token: a double tap or a resent form), else a refusal."""
    if existing.signer_id == actor.pk and token and existing.form_token == token:
        return existing, False
    _refuse_second(existing)


def _live(pledge: Pledge, unit_id: int) -> Signature | None:
    """Return the unit's signature that counts (a disputed one does not), if any."""
    return pledge.signatures.filter(unit_id=unit_id, disputed_at__isnull=True).first()


def _existing_answer(pledge_id: int, actor, token: str) -> tuple[Signature, bool]:
    """After a lost race for the unit: answer as for a second signature."""
    existing = Signature.objects.get(pledge_id=pledge_id, unit_id=actor.unit_id, disputed_at__isnull=True)
    return _same_submission(existing, actor, token)


@_refusals_logged
def signature_add(
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
    """Record *actor*'s signature for their unit; return it and whether it is new.

    The same signing form sent twice by the same signer returns the stored
    signature; any other second signature for the unit is refused.
    """
    if kind not in (Signature.Kind.DRAWN, Signature.Kind.TYPED, Signature.Kind.SAVED):
        raise PledgeError(_("Choose how to sign."))
    if not (actor.is_active and actor.can_sign and actor.unit_id):
        raise PledgeError(_("Only a head with signing right can sign for a unit."))
    try:
        with transaction.atomic():
            pledge = _locked(pledge)
            if pledge.is_digital:
                raise PledgeError(_("This pledge is signed with digital certificates: sign it on its ký số page."))
            existing = _live(pledge, actor.unit_id)
            if existing is not None:
                return _same_submission(existing, actor, form_token)
            signers = list(pledge.required_signers.order_by("order"))  # one read for both checks
            _check_open_for(pledge, actor.unit_id, signers)
            if (
                content_hash_seen != pledge.content_hash
                or lifecycle.recomputed_hash(pledge, signers) != pledge.content_hash
            ):
                raise PledgeError(
                    _("The pledge you read is not the one open for signing now: reload the page and read it again.")
                )
            if name_key(typed_name) != name_key(actor.full_name):
                # Typed on a keyboard without Vietnamese input: say so, rather than "does not match".
                if typed_name.isascii() and not actor.full_name.isascii() and fold(typed_name) == fold(actor.full_name):
                    raise PledgeError(
                        _("Type your name with its diacritics, as in your account: %(name)s.")
                        % {"name": actor.full_name},
                        field="typed_name",
                    )
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
    signer_user,
    scan: bytes,
    ip: str | None = None,
    user_agent: str = "",
) -> Signature:
    """Record the signature a head made on paper, with the scan of the signed page; *actor* enters it.

    The signer is a person registered in a unit that must sign, with signing right, chosen (never a
    typed name); the capacity lines are theirs as for a signature on the page. The scan is rebuilt
    from its pixels before it is stored (``core.images.inert_scan``). The signature is marked as
    recorded from paper by *actor* wherever it shows; the unit's people are told by e-mail after
    commit and may dispute it (``signature_dispute``). Writes an audit note when *actor* has now
    recorded or excused more than half of the signers.
    """
    from django.conf import settings
    from django.core.exceptions import ValidationError

    from core import images

    if not (signer_user.is_active and signer_user.can_sign and signer_user.unit_id):
        raise PledgeError(
            _("The signer must be a person registered in the unit with signing right."), field="signer_user"
        )
    try:  # slow work (rasterising a PDF) before the lock, bounded by the PDF time limit
        scan, scan_extension = images.inert_scan(scan, timeout=settings.PDF_TIME_LIMIT)
    except ValidationError as error:
        raise PledgeError(" ".join(error.messages), field="scan") from error
    try:
        with transaction.atomic():
            pledge = _locked(pledge)
            if pledge.is_digital:
                raise PledgeError(
                    _("This pledge is signed with digital certificates: every head signs the one original document.")
                )
            existing = _live(pledge, signer_user.unit_id)
            if existing is not None:
                _refuse_second(existing)
            if pledge.status != Status.OPEN:
                _refuse_status(pledge, Status.COMPLETED)
            required = pledge.required_signers.filter(unit_id=signer_user.unit_id).first()
            if required is None or required.excused_at:
                raise PledgeError(
                    _("%(name)s's unit is not among the units still to sign this pledge.")
                    % {"name": signer_user.full_name},
                    field="signer_user",
                )
            signature = _new_signature(
                actor=signer_user,
                pledge=pledge,
                kind=Signature.Kind.PAPER,
                now=clock.now(),
                ip=ip,
                user_agent=user_agent,
                content_hash=pledge.content_hash,
                recorded_by=actor,
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
                signer=signature.signer_name,
                signer_id=signer_user.pk,
            )
            lifecycle.warn_if_one_hand(pledge, actor=actor)
            lifecycle.complete_if_done(pledge, actor=actor)
            signature_id = signature.pk
            # After commit: the notices are queued e-mails (core.mail); nobody waits for the mail server.
            transaction.on_commit(lambda: _notify_paper_signature(signature_id))
    except IntegrityError:
        _refuse_second(Signature.objects.get(pledge=pledge, unit_id=signer_user.unit_id, disputed_at__isnull=True))
    return signature


def _notify_paper_signature(signature_id: int) -> int:
    """E-mail the people of the signature's unit that a paper signature was recorded in its name, once each.

    Runs after commit and only queues the e-mails (a task sends them, with retries), so that nobody
    waits for the mail server; a failure here is logged, never shown to the recorder as an error: the
    signature is stored, and the unit's people see it on the pledge's pages.
    """
    from django.conf import settings
    from django.urls import reverse

    from accounts.models import User
    from core.mail import mail_once
    from pledges.models import PaperNotice

    signature = Signature.objects.select_related("pledge", "recorded_by", "unit").get(pk=signature_id)
    people = User.objects.filter(unit_id=signature.unit_id, is_active=True).order_by("pk")
    now = clock.now()
    try:
        return mail_once(
            people,
            claim=lambda user: PaperNotice.objects.create(signature=signature, user=user, sent_at=now),
            template="pledges/email/paper",
            context={
                "signature": signature,
                "pledge": signature.pledge,
                "signed_at": local_time_text(signature.signed_at),
                "signature_url": settings.SITE_URL + reverse("pledges:signature", args=[signature.pk]),
                "dispute_url": settings.SITE_URL + reverse("pledges:signature_dispute", args=[signature.pk]),
            },
        )
    except Exception:
        logger.exception("the paper signature %s was not notified", signature_id)
        return 0


def signature_dispute(
    *, actor, signature: Signature, reason: str, ip: str | None = None, user_agent: str = ""
) -> Signature:
    """Record that the people of a unit dispute the paper signature recorded in its name.

    Only a paper signature is disputed, by an active person of its own unit, with a reason. The
    signature stays on record, stamped as disputed (once: a second dispute changes nothing), and
    no longer counts: while the pledge is open the unit is waiting again — its head may sign, or
    the chair's officer record a paper signature anew. A completed pledge stays completed (its PDF
    is sealed): the dispute shows on its page, its verification page and its audit trail, for the
    chair's officers and the board to act on. The event is in the audit trail.
    """
    reason = nfc(reason)
    if not reason:
        raise PledgeError(_("Give the reason for the dispute."), field="reason")
    _check_reason(reason)
    if signature.kind != Signature.Kind.PAPER:
        raise PledgeError(_("Only a signature recorded from paper can be disputed."))
    if not (actor.is_active and actor.unit_id == signature.unit_id):
        raise PledgeError(_("Only the people of the unit can dispute its signature."))
    with transaction.atomic():
        pledge = _locked(signature.pledge)
        now = clock.now()
        # A conditional update: the signature is evidence, stamped once and otherwise never changed.
        moved = Signature.objects.filter(pk=signature.pk, disputed_at__isnull=True).update(
            disputed_at=now, disputed_by=actor, dispute_reason=reason
        )
        signature = Signature.objects.select_related("pledge").get(pk=signature.pk)
        if moved != 1:
            return signature
        _event(
            pledge,
            PledgeEvent.Kind.DISPUTED,
            actor=actor,
            ip=ip,
            user_agent=user_agent,
            unit=signature.unit_name,
            signer=signature.signer_name,
            signature=signature.pk,
            recorded_by=signature.recorded_by.full_name if signature.recorded_by_id else "",
            reason=reason,
        )
    return signature


# Questions before signing ------------------------------------------------------------

QUESTION_MAX_CHARS = 2000
QUESTIONS_PER_DAY = 5


def question_send(*, actor, pledge: Pledge, text: str) -> int:
    """Send *actor*'s question about an open *pledge* to the chair's officers ("Tôi có ý kiến");
    return how many were mailed.

    The same question twice goes out once; at most ``QUESTIONS_PER_DAY`` a day per person and pledge.
    """
    from core.models import Notice
    from pledges import notices

    text = nfc(text).strip()
    if not text:
        raise PledgeError(_("Write your question."), field="text")
    if len(text) > QUESTION_MAX_CHARS:
        raise PledgeError(
            _("A question has at most %(count)s characters.") % {"count": QUESTION_MAX_CHARS}, field="text"
        )
    if pledge.status != Status.OPEN:
        raise PledgeError(_("This pledge is not open for signing."))
    prefix = f"question:{pledge.pk}:{actor.pk}:"
    today = timezone.localdate(clock.now())
    asked = Notice.objects.filter(key__startswith=prefix, sent_at__date=today).values("key").distinct().count()
    if asked >= QUESTIONS_PER_DAY:
        raise PledgeError(_("You have sent %(count)s questions today: wait for the answers.") % {"count": asked})
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    with transaction.atomic():
        return notices.question_sent(pledge, asker=actor, text=text, key=prefix + digest)
