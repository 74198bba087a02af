"""Signatures: drawn, typed or saved on the page, on paper with a scan, or with a digital certificate."""

import functools
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Unit
from core import clock
from core.text import nfc
from pledges.content import name_key
from pledges.models import Pledge, PledgeEvent, RequiredSigner, Signature
from pledges.services import documents, lifecycle
from pledges.services._common import (
    PledgeError,
    Status,
    _event,
    _locked,
    _refuse_status,
    local_time_text,
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


def _existing_answer(pledge_id: int, actor, token: str) -> tuple[Signature, bool]:
    """After a lost race for the unit: answer as for a second signature."""
    return _same_submission(Signature.objects.get(pledge_id=pledge_id, unit_id=actor.unit_id), actor, token)


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
            existing = pledge.signatures.filter(unit_id=actor.unit_id).first()
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
            lifecycle.complete_if_done(pledge, actor=actor)
    except IntegrityError:
        _refuse_second(Signature.objects.get(pledge=pledge, unit_id=signer.unit_id))
    return signature


@_refusals_logged
def digital_signature_add(
    *, actor, pledge: Pledge, signed_pdf: bytes, ip: str | None = None, user_agent: str = ""
) -> tuple[Signature, bool]:
    """Record a head's signature made with their own digital certificate (ký số).

    The upload must be the frozen PDF's exact bytes followed by one signature
    that is intact and covers the whole file. The certificate's subject, issuer
    and validity are recorded; its chain counts as trusted only against the
    configured trust roots.
    """
    from core import pdf as pdf_engine

    if not (actor.is_active and actor.can_sign and actor.unit_id):
        raise PledgeError(_("Only a head with signing right can sign for a unit."))
    token = pdf_engine.sha256(signed_pdf)
    frozen = documents.pledge_frozen_pdf(pledge)
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
                return _same_submission(existing, actor, token)
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
