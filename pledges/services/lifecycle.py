"""Opening a draft for signing (frozen content and signers), cancelling, excusing, completing."""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Membership
from core import clock
from core.text import nfc
from pledges import notices
from pledges.content import HASH_VERSION, content_hash
from pledges.models import Pledge, PledgeEvent, RequiredSigner
from pledges.selectors import one_hand_counts, trust_roots, waiting_seals, waiting_signers
from pledges.services import documents
from pledges.services._common import (
    PledgeError,
    Status,
    _check_reason,
    _event,
    _locked,
    _refuse_status,
    logger,
)

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


def default_signing_mode(pledge: Pledge) -> str:
    """Ký số wherever the pledge's province has a trust list; signature images elsewhere."""
    province = pledge.term.bloc.province
    return Pledge.SigningMode.DIGITAL if trust_roots(province) else Pledge.SigningMode.IMAGE


def pledge_open(
    *,
    actor,
    pledge: Pledge,
    deadline: datetime.date,
    expected_hash: str | None = None,
    signing_mode: str | None = None,
) -> Pledge:
    """Freeze the content, fix the required signers and open the pledge for signing.

    *expected_hash* is the hash the officer confirmed; if the draft changed since,
    opening is refused so that nobody freezes what they did not see. *signing_mode* is
    ``default_signing_mode`` unless chosen; ký số needs the province's trust list, and freezes
    the province's rule on agency seals.
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
        mode = signing_mode or default_signing_mode(pledge)
        if mode not in Pledge.SigningMode.values:
            raise PledgeError(_("Choose how the pledge is signed."), field="signing_mode")
        province = pledge.term.bloc.province
        if mode == Pledge.SigningMode.DIGITAL and not trust_roots(province):
            raise PledgeError(
                _(
                    "%(province)s has no trust list yet: the board adds the root certificates of its"
                    " official-duty certificates before a pledge can be signed with digital signatures."
                )
                % {"province": province.name},
                field="signing_mode",
            )
        pledge.signing_mode = mode
        pledge.seals_required = mode == Pledge.SigningMode.DIGITAL and province.requires_agency_seal
        RequiredSigner.objects.bulk_create(signers)
        pledge.verification_code = new_verification_code()
        pledge.content_hash, pledge.hash_version = digest, HASH_VERSION
        pledge.status, pledge.opened_at, pledge.signing_deadline = Status.OPEN, clock.now(), deadline
        pledge.save()
        _event(
            pledge,
            PledgeEvent.Kind.OPENED,
            actor=actor,
            content_hash=digest,
            deadline=deadline.isoformat(),
            signing_mode=mode,
            seals_required=pledge.seals_required,
        )
        notices.signing_opened(pledge)
        pledge_id = pledge.pk
        transaction.on_commit(lambda: after_opening(pledge_id))
    return pledge


def after_opening(pledge_id: int) -> None:
    """Queue the rendering of the frozen PDF and its page images, after commit (a task renders them)."""
    from core.queue import enqueue_after_commit

    pledge = Pledge.objects.filter(pk=pledge_id).first()
    if pledge is not None:
        previews_queue(pledge, pledge.content_hash)
        if pledge.is_digital:
            enqueue_after_commit("pledges.tasks.prepare_original", pledge.pk)


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
    _check_reason(reason)
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
    """Excuse a unit that left the bloc before signing, so that the pledge can complete.

    The reason and who excused it are kept and printed on the certificate page.
    """
    reason = nfc(reason)
    if not reason:
        raise PledgeError(_("Give the reason for excusing the unit."), field="reason")
    _check_reason(reason)
    with transaction.atomic():
        pledge = _locked(pledge)
        if pledge.status != Status.OPEN:
            _refuse_status(pledge, Status.COMPLETED)
        signer = RequiredSigner.objects.select_for_update().get(pk=signer.pk, pledge=pledge)
        if signer.excused_at:
            return signer
        if pledge.signatures.filter(unit_id=signer.unit_id, disputed_at__isnull=True).exists():
            raise PledgeError(_("This unit has signed; it cannot be excused."))
        still_member = Membership.objects.filter(term=pledge.term, unit_id=signer.unit_id, left_on__isnull=True)
        if still_member.exists():
            raise PledgeError(_("Only a unit that has left the bloc can be excused from signing."))
        signer.excused_at, signer.excused_reason, signer.excused_by = clock.now(), reason, actor
        signer.save(update_fields=["excused_at", "excused_reason", "excused_by"])
        _event(pledge, PledgeEvent.Kind.EXCUSED, actor=actor, unit=signer.unit_name, reason=reason)
        warn_if_one_hand(pledge, actor=actor)
        complete_if_done(pledge, actor=actor)
    return signer


def warn_if_one_hand(pledge: Pledge, *, actor) -> None:
    """Write once to the audit trail when *actor* has recorded or excused more than half of the signers.

    A paper signature or an excuse is made by someone other than the unit's head: when one person
    made most of them, the board should look (the pledge page shows it too). Call inside the
    transaction that recorded the last one.
    """
    signers = list(pledge.required_signers.all())
    signatures = list(pledge.signatures.all())
    count = one_hand_counts(signers, signatures).get(actor.pk, 0)
    if count * 2 <= len(signers):
        return
    if pledge.events.filter(kind=PledgeEvent.Kind.RECORDED_BY_ONE, actor=actor).exists():
        return
    _event(pledge, PledgeEvent.Kind.RECORDED_BY_ONE, actor=actor, count=count, total=len(signers))


# Previews ---------------------------------------------------------------------------


def content_digest(pledge: Pledge) -> str:
    """Return the hash that names what *pledge*'s previews show: a draft's content now, or the frozen one."""
    if pledge.status == Status.DRAFT:
        return frozen_preview(Pledge.objects.get(pk=pledge.pk))[2]
    return pledge.content_hash


def previews_queue(pledge: Pledge, digest: str | None = None) -> None:
    """Queue the rendering of *pledge*'s previews and page images (after commit): requests never render."""
    from core.queue import enqueue_after_commit

    enqueue_after_commit("pledges.tasks.render_previews", pledge.pk, digest or content_digest(pledge))


def previews_render(pledge_id: int, digest: str) -> str:
    """Render the preview PDF and page images of a draft or open pledge whose content is *digest*.

    For the task queue. Does nothing for a pledge deleted, cancelled or completed, or whose content
    changed since *digest* was taken; a document another worker renders now is left to it.
    """
    pledge = Pledge.objects.filter(pk=pledge_id).first()
    if pledge is None or pledge.status not in (Status.DRAFT, Status.OPEN):
        return "gone"
    if content_digest(pledge) != digest:
        return "changed"
    try:
        if pledge.status == Status.DRAFT:
            documents.page_images(pledge, render=True, draft_digest=digest)
        else:
            documents.pledge_frozen_pdf(pledge)  # what a digital signature signs; the page images show it
            documents.page_images(pledge, render=True)
        documents.preview_pdf(pledge)
    except documents.DocumentNotReady:
        return "busy"  # another worker renders it now, or it overran the time limit (kept as a claim)
    return "rendered"


# Signing ----------------------------------------------------------------------


def complete_if_done(pledge: Pledge, *, actor) -> bool:
    """Complete *pledge* if every required unit has signed or is excused (and, where agency seals
    are required, sealed), exactly once."""
    if waiting_signers(pledge).exists():
        return False
    if pledge.is_digital and pledge.seals_required and waiting_seals(pledge).exists():
        return False
    # A conditional update: of two transactions that both get here, one moves the row.
    now = clock.now()
    moved = Pledge.objects.filter(pk=pledge.pk, status=Status.OPEN).update(status=Status.COMPLETED, completed_at=now)
    if moved != 1:
        return False
    pledge.status, pledge.completed_at = Status.COMPLETED, now
    _event(pledge, PledgeEvent.Kind.COMPLETED, actor=actor, content_hash=pledge.content_hash)
    notices.completed(pledge)
    pledge_id = pledge.pk
    transaction.on_commit(lambda: after_completion(pledge_id))
    return True


def after_completion(pledge_id: int) -> None:
    """Follow-up work once a pledge completes, run after commit.

    The signed PDF is marked pending and its production queued (``pledges.tasks.produce_pdf``): the
    last signer's request never waits for it. If the queue is unreachable, the PDF stays pending and
    ``pledges.tasks.retry_pending_pdfs`` queues it again. The signatures are committed before this runs.
    """
    from core.queue import enqueue_after_commit

    logger.info("pledge %s completed", pledge_id)
    Pledge.objects.filter(pk=pledge_id, pdf_status=Pledge.PdfStatus.NONE).update(pdf_status=Pledge.PdfStatus.PENDING)
    enqueue_after_commit("pledges.tasks.produce_pdf", pledge_id)
    if Pledge.objects.filter(pk=pledge_id, signing_mode=Pledge.SigningMode.DIGITAL).exists():
        # Ký số: the original's validation data and archive timestamp (PAdES B-LTA).
        enqueue_after_commit("pledges.tasks.make_long_term", pledge_id)
