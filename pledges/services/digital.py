"""Ký số: the pledge as one PDF every head signs in turn with their own certificate, each unit's
clerk adding the agency's seal where the province asks for seals.

Revision 0 (the frozen document with an empty signature field in each member's block) is rendered
once after opening. Each signature is the next revision, made by whoever holds the signing turn:
remotely over the CSC API (a task), or by uploading the current revision signed with a USB token's
signing tool (the signing plugin uploads the same way, by a one-time address). Before it is stored,
every revision is checked: built on the latest revision, adding one signature in the signer's own
field and nothing else, by a certificate that chains to the province's trust list, is valid and not
revoked now, allows signing, and names the signer (and their unit). A refusal stores nothing and
says which rule failed; it is written to the audit trail.
"""

import datetime
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Unit
from core import clock, signing
from core import pdf as pdf_engine
from pledges import notices, pdf
from pledges.models import Pledge, PledgeEvent, RequiredSigner, Revision, Signature, SigningTurn
from pledges.selectors import trust_roots
from pledges.services import lifecycle
from pledges.services._common import PledgeError, Status, _event, _locked, _refuse_status
from pledges.services.signing import _refusals_logged

Role = SigningTurn.Role
Method = Revision.Method

# The largest signed file accepted: the 30-member original with every signature is a few MB.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


# Revision 0 -----------------------------------------------------------------------


def original_prepare(pledge_id: int, *, time_limit: float | None = None) -> Revision | None:
    """Render and store revision 0 of a digitally signed pledge, once (a task runs this after opening)."""
    from pledges.services.documents import run_with_time_limit

    pledge = Pledge.objects.for_document().filter(pk=pledge_id).first()
    if pledge is None or not pledge.is_digital or pledge.status != Status.OPEN:
        return None
    existing = pledge.revisions.filter(number=0).first()
    if existing is not None:
        return existing
    limit = settings.PDF_TIME_LIMIT if time_limit is None else time_limit
    data = run_with_time_limit(lambda: pdf.render_original(pledge), limit)
    revision = _new_revision(pledge, 0, Revision.Kind.FROZEN, data)
    try:
        with transaction.atomic():
            revision.save()
    except IntegrityError:  # another worker stored it first: keep theirs
        revision.file.storage.delete(revision.file.name)
        return pledge.revisions.get(number=0)
    return revision


def _new_revision(pledge: Pledge, number: int, kind: str, data: bytes, **fields) -> Revision:
    """Return revision *number* of *pledge* holding *data* (its file written, the row not yet saved)."""
    fields.setdefault("created_at", clock.now())
    revision = Revision(
        pledge=pledge, number=number, kind=kind, sha256=pdf_engine.sha256(data), size=len(data), **fields
    )
    revision.file.save(f"{pledge.pk}-{number}-{uuid.uuid4().hex}.pdf", ContentFile(data), save=False)
    return revision


def latest_revision(pledge: Pledge) -> Revision | None:
    return pledge.revisions.order_by("-number").first()


def revision_bytes(revision: Revision) -> bytes:
    with revision.file.open("rb") as handle:
        return handle.read()


# Who signs which field -----------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """What a person signs next: their unit's head field, or its agency's seal."""

    role: str
    field: str
    signer: RequiredSigner


def slot_for(pledge: Pledge, user, fields_done: set[str] | None = None) -> Slot:
    """Return the field *user* signs next in *pledge*, or refuse with the reason."""
    if not pledge.is_digital:
        raise PledgeError(_("This pledge is signed with signature images, not with digital certificates."))
    if pledge.status != Status.OPEN:
        _refuse_status(pledge, Status.COMPLETED)
    if not (user.is_active and user.unit_id and (user.can_sign or user.is_clerk)):
        raise PledgeError(
            _("Only the head of a member unit (with signing right) or its clerk signs this pledge digitally.")
        )
    signer = pledge.required_signers.filter(unit_id=user.unit_id).first()
    if signer is None:
        raise PledgeError(_("Your unit is not among the signers of this pledge."))
    if signer.excused_at:
        raise PledgeError(_("Your unit has been excused from signing this pledge."))
    if fields_done is None:
        fields_done = set(pledge.revisions.values_list("field_name", flat=True))
    head_field, seal_field = pdf.field_name(signer.order), pdf.field_name(signer.order, seal=True)
    if user.can_sign and head_field not in fields_done:
        return Slot(Role.HEAD, head_field, signer)
    if user.is_clerk and pledge.seals_required:
        if head_field not in fields_done:
            raise PledgeError(_("Your unit's head signs first; the agency's seal follows the head's signature."))
        if seal_field not in fields_done:
            return Slot(Role.SEAL, seal_field, signer)
        raise PledgeError(_("Your agency's seal is on the pledge already."))
    if user.can_sign:
        raise PledgeError(_("Your unit has signed this pledge already."))
    raise PledgeError(_("This pledge asks for no agency seals: only the heads sign it."))


# Turns ----------------------------------------------------------------------------


def _live_turns(pledge: Pledge):
    return SigningTurn.objects.filter(pledge=pledge, finished_at__isnull=True)


# A signer who waited this long for the turn is told by e-mail that it came.
TURN_NOTICE_AFTER = datetime.timedelta(seconds=20)


def _settle(pledge: Pledge) -> SigningTurn | None:
    """Under the pledge's lock: pass an overdue turn on (its holder keeps their place, just after the
    next in line), grant a free turn to the first in line, and return the holder."""
    now = clock.now()
    live = list(_live_turns(pledge).order_by("place", "pk"))
    holder = next((t for t in live if t.granted_at is not None), None)
    if holder is not None and holder.expires_at <= now:
        waiting = [t for t in live if t.granted_at is None]
        if waiting:
            after = waiting[1].place if len(waiting) > 1 else waiting[0].place + 2
            place = (waiting[0].place + after) / 2
        else:
            place = holder.place
        SigningTurn.objects.filter(pk=holder.pk).update(
            granted_at=None, expires_at=None, base_number=None, place=place, ticket="", ticket_downloaded=False
        )
        _event(
            pledge,
            PledgeEvent.Kind.TURN_EXPIRED,
            actor=holder.user,
            unit=holder.unit.name,
            role=holder.role,
        )
        holder.granted_at, holder.place = None, place
        live.sort(key=lambda t: (t.place, t.pk))
        holder = None
    if holder is not None:
        return holder
    first = next((t for t in live if t.granted_at is None), None)
    if first is None:
        return None
    latest = latest_revision(pledge)
    first.granted_at = now
    first.expires_at = now + datetime.timedelta(seconds=settings.SIGNING_TURN_SECONDS)
    first.base_number = latest.number if latest else 0
    first.ticket = secrets.token_urlsafe(32)
    first.ticket_downloaded = False
    first.save(update_fields=["granted_at", "expires_at", "base_number", "ticket", "ticket_downloaded"])
    if first.method == Method.CSC and _provider_for(first.user).get("authorization", "implicit") != "otp":
        _queue_remote(first.pk)  # signs by itself: nothing to tell
    elif now - first.requested_at >= TURN_NOTICE_AFTER:
        # Who got the turn at once is on the page; who waited in line may have gone elsewhere.
        notices.turn_granted(first)
    return first


def _queue_remote(turn_id: int, otp: str = "") -> None:
    from core.queue import enqueue_after_commit

    enqueue_after_commit("pledges.tasks.sign_remote", turn_id, otp)


def _provider_for(user) -> dict:
    account = getattr(user, "remote_signing", None) if user is not None else None
    return settings.CSC_PROVIDERS.get(account.provider, {}) if account else {}


def turn_request(*, actor, pledge: Pledge, method: str) -> SigningTurn:
    """Give *actor* a place in line to sign *pledge* by *method* (or keep the one they have).

    The turn comes at once when nobody holds it; for remote signing the signature then starts by
    itself (or waits for the one-time password, with a provider that asks for one).
    """
    if method not in Method.values:
        raise PledgeError(_("Choose how you sign."), field="method")
    if method == Method.CSC:
        account = getattr(actor, "remote_signing", None)
        if account is None:
            raise PledgeError(_("Link your remote-signing account first (Tài khoản ký số từ xa)."))
        if account.provider not in settings.CSC_PROVIDERS:
            raise PledgeError(_("Your remote-signing provider is no longer configured: link your account again."))
    with transaction.atomic():
        pledge = _locked(pledge)
        if not pledge.revisions.filter(number=0).exists():
            raise PledgeError(_("The document is being prepared for signing; try again in a moment."))
        slot = slot_for(pledge, actor)
        turn = _live_turns(pledge).filter(user=actor, role=slot.role).first()
        if turn is None:
            last = _live_turns(pledge).order_by("-place").first()
            turn = SigningTurn.objects.create(
                pledge=pledge,
                user=actor,
                unit_id=actor.unit_id,
                role=slot.role,
                method=method,
                place=(last.place + 1) if last else 1.0,
                requested_at=clock.now(),
            )
        elif turn.method != method and turn.granted_at is None:
            turn.method = method
            turn.save(update_fields=["method"])
        _settle(pledge)
        turn.refresh_from_db()
    return turn


def turn_cancel(*, actor, pledge: Pledge) -> int:
    """Give up *actor*'s places in line (and the turn, if held); return how many were given up."""
    with transaction.atomic():
        pledge = _locked(pledge)
        given_up = (
            _live_turns(pledge)
            .filter(user=actor)
            .update(finished_at=clock.now(), outcome=SigningTurn.Outcome.CANCELLED)
        )
        _settle(pledge)
    return given_up


def turn_confirm(*, actor, pledge: Pledge, otp: str) -> SigningTurn:
    """Start a remote signature that waits for the one-time password the provider sent to *actor*."""
    otp = (otp or "").strip()
    if not otp or len(otp) > 32:
        raise PledgeError(_("Type the one-time password your signing provider sent you."), field="otp")
    with transaction.atomic():
        pledge = _locked(pledge)
        holder = _settle(pledge)
        if holder is None or holder.user_id != actor.pk or holder.method != Method.CSC:
            raise PledgeError(_("It is not your turn to sign yet: the page tells you when it comes."))
        _queue_remote(holder.pk, otp)
    return holder


@dataclass
class TurnView:
    """What the signing page shows a person: their place, who signs now, what they sign."""

    turn: SigningTurn | None
    holder: SigningTurn | None
    ahead: int
    latest: Revision | None


def turn_view(pledge: Pledge, user) -> TurnView:
    """Return *user*'s place in line (settling an overdue turn on the way)."""
    with transaction.atomic():
        locked = _locked(pledge)
        holder = _settle(locked)
    live = list(_live_turns(pledge).select_related("unit", "user").order_by("place", "pk"))
    mine = next((t for t in live if t.user_id == user.pk), None)
    ahead = 0
    if mine is not None and mine.granted_at is None:
        ahead = sum(1 for t in live if t.place < mine.place or t.granted_at is not None)
    holder = next((t for t in live if t.granted_at is not None), None)
    return TurnView(turn=mine, holder=holder, ahead=ahead, latest=latest_revision(pledge))


def holder_for_ticket(ticket: str) -> SigningTurn | None:
    """Return the live, granted turn a signing plugin's one-time address names (or None)."""
    if not ticket or len(ticket) > 64:
        return None
    return (
        SigningTurn.objects.select_related("pledge__term__bloc__province", "user")
        .filter(ticket=ticket, finished_at__isnull=True, granted_at__isnull=False)
        .first()
    )


def ticket_download(turn: SigningTurn) -> bytes | None:
    """Return the revision the plugin signs, once per turn (None the second time)."""
    taken = SigningTurn.objects.filter(pk=turn.pk, ticket_downloaded=False, finished_at__isnull=True).update(
        ticket_downloaded=True
    )
    if taken != 1:
        return None
    return revision_bytes(turn.pledge.revisions.get(number=turn.base_number))


# Checks ---------------------------------------------------------------------------


def _file_problem(found: signing.AppendedSignature, slot: Slot) -> str:
    messages = {
        signing.NOT_APPENDED: _(
            "This file is not the current revision of the pledge signed: download the current revision,"
            " sign it without changing anything, and upload it."
        ),
        signing.NO_SIGNATURE: _("The file adds no signature: sign the downloaded file with your certificate."),
        signing.SEVERAL: _("The file adds more than one signature or revision: sign the current revision once."),
        signing.BROKEN: _("The digital signature does not verify or does not cover the whole file."),
        signing.CHANGED: _(
            "The signed file changes the pledge, not only adding your signature: sign the file as you"
            " downloaded it, without editing it."
        ),
        signing.UNREADABLE: _("The file cannot be read as a signed PDF."),
    }
    if found.problem:
        return messages[found.problem]
    if found.field_name != slot.field:
        return _("The signature is not in your field: sign in the field named %(field)s.") % {"field": slot.field}
    return ""


def _date_text(moment) -> str:
    local = timezone.localtime(moment) if moment else None
    return f"{local:%d/%m/%Y}" if local else "—"


def certificate_problem(verdict: signing.CertificateVerdict) -> str:
    """Return, in the user's language, the rule *verdict* fails ("" when none)."""
    messages = {
        signing.UNTRUSTED: _(
            "The certificate does not chain to a root of the province's trust list (issued by %(issuer)s)."
        ),
        signing.EXPIRED: _("The certificate expired on %(until)s."),
        signing.NOT_YET_VALID: _("The certificate is valid only from %(since)s."),
        signing.REVOKED: _("The certificate has been revoked by its issuer."),
        signing.REVOCATION_UNKNOWN: _(
            "The certificate's revocation status could not be checked (its issuer's OCSP and CRL services"
            " did not answer): try again in a moment."
        ),
        signing.KEY_USAGE: _("The certificate does not allow digital signatures (its key usage)."),
    }
    if not verdict.problem:
        return ""
    return messages[verdict.problem] % {
        "issuer": verdict.issuer or "—",
        "until": _date_text(verdict.valid_until),
        "since": _date_text(verdict.valid_from),
    }


def unit_names(signer: RequiredSigner) -> list[str]:
    """Every name the unit had, and the name frozen in the pledge: a certificate may carry any."""
    unit = Unit.objects.prefetch_related("versions").get(pk=signer.unit_id)
    return [signer.unit_name, unit.name, *(v.name for v in unit.versions.all())]


def identity_problem(slot: Slot, user, verdict: signing.CertificateVerdict) -> str:
    """Return why the certificate of *verdict* does not sign for *user* in *slot* ("" when it does)."""
    names = unit_names(slot.signer)
    if slot.role == Role.HEAD:
        if not signing.name_matches(verdict.common_name, user.full_name):
            return _(
                "The certificate is issued to “%(name)s”, not to you (%(full_name)s): sign with your own certificate."
            ) % {"name": verdict.common_name or "—", "full_name": user.full_name}
        if verdict.organisation and not signing.organisation_matches(verdict.organisation, names):
            return _("The certificate belongs to “%(organisation)s”, not to %(unit)s.") % {
                "organisation": verdict.organisation,
                "unit": slot.signer.unit_name,
            }
        return ""
    if not (
        signing.organisation_matches(verdict.common_name, names)
        or signing.organisation_matches(verdict.organisation, names)
    ):
        return _("The certificate is not %(unit)s's agency certificate (it names “%(name)s”).") % {
            "unit": slot.signer.unit_name,
            "name": verdict.common_name or verdict.organisation or "—",
        }
    return ""


def _certificate_verdict(pledge: Pledge, slot: Slot, user, certificate, other_certs) -> signing.CertificateVerdict:
    """Check a signing certificate against every rule; raise the first rule it fails."""
    verdict = signing.check_certificate(
        certificate, roots=trust_roots(pledge.term.bloc.province), other_certs=other_certs
    )
    problem = certificate_problem(verdict) or identity_problem(slot, user, verdict)
    if problem:
        raise PledgeError(problem, field="signed_pdf")
    return verdict


# Storing a revision -----------------------------------------------------------------


def _store(
    *,
    pledge: Pledge,
    turn_id: int,
    actor,
    slot: Slot,
    base_number: int,
    data: bytes,
    verdict: signing.CertificateVerdict,
    method: str,
    ip: str | None,
    user_agent: str,
) -> Revision:
    """Store *data* as the next revision, if *actor* still holds turn *turn_id* on the latest revision."""
    from pledges.services.signing import _new_signature

    with transaction.atomic():
        pledge = _locked(pledge)
        if pledge.status != Status.OPEN:
            _refuse_status(pledge, Status.COMPLETED)
        turn = SigningTurn.objects.filter(
            pk=turn_id, user=actor, finished_at__isnull=True, granted_at__isnull=False
        ).first()
        if turn is None:
            raise PledgeError(
                _("Your signing turn has passed: take your place in line again and sign the current revision.")
            )
        latest = latest_revision(pledge)
        if latest.number != base_number or turn.base_number != base_number:
            raise PledgeError(
                _(
                    "Another signature was added meanwhile: your file was signed on a revision that is no"
                    " longer the latest. Download the current revision and sign it again."
                )
            )
        now = clock.now()
        unit = Unit.objects.prefetch_related("versions").get(pk=slot.signer.unit_id)
        earlier = Revision.objects.filter(kind=slot.role).exclude(certificate_fingerprint="")
        earlier = earlier.filter(signer=actor) if slot.role == Role.HEAD else earlier.filter(unit=unit)
        revision = _new_revision(
            pledge,
            latest.number + 1,
            Revision.Kind.HEAD if slot.role == Role.HEAD else Revision.Kind.SEAL,
            data,
            method=method,
            field_name=slot.field,
            unit=unit,
            signer=actor,
            unit_name=unit.name_on(timezone.localdate(now)),
            signer_name=actor.full_name,
            certificate_subject=verdict.subject,
            certificate_issuer=verdict.issuer,
            certificate_serial=verdict.serial,
            certificate_fingerprint=verdict.fingerprint,
            certificate_valid_from=verdict.valid_from,
            certificate_valid_until=verdict.valid_until,
            certificate_root=verdict.root,
            revocation_source=verdict.revocation,
            certificate_changed=earlier.exclude(certificate_fingerprint=verdict.fingerprint).exists(),
            created_at=now,
            ip=ip,
            user_agent=(user_agent or "")[:400],
        )
        revision.save()
        SigningTurn.objects.filter(pk=turn.pk).update(finished_at=now, outcome=SigningTurn.Outcome.SIGNED)
        details = {
            "unit": revision.unit_name,
            "revision": revision.number,
            "method": method,
            "certificate": verdict.subject,
            "issuer": verdict.issuer,
            "sha256": revision.sha256,
        }
        if slot.role == Role.HEAD:
            signature = _new_signature(
                actor=actor,
                pledge=pledge,
                kind=Signature.Kind.DIGITAL,
                now=now,
                ip=ip,
                user_agent=user_agent,
                content_hash=pledge.content_hash,
                form_token=revision.sha256,
                certificate_subject=verdict.subject,
                certificate_issuer=verdict.issuer,
                certificate_valid_from=verdict.valid_from,
                certificate_valid_until=verdict.valid_until,
                certificate_trusted=True,
                revision=revision,
            )
            signature.save()
            _event(pledge, PledgeEvent.Kind.SIGNED, actor=actor, ip=ip, user_agent=user_agent, **details)
        else:
            _event(pledge, PledgeEvent.Kind.SEALED, actor=actor, ip=ip, user_agent=user_agent, **details)
        _settle(pledge)
        lifecycle.complete_if_done(pledge, actor=actor)
    return revision


def _appearance(slot: Slot, user, moment) -> signing.Appearance:
    local = timezone.localtime(moment)
    when = f"Thời gian ký: {local:%H:%M:%S %d/%m/%Y}"
    if slot.role == Role.HEAD:
        image = None
        if user.saved_signature:
            with user.saved_signature.open("rb") as handle:
                image = handle.read()
        lines = (f"Ký bởi: {user.full_name}", f"Cơ quan: {slot.signer.unit_name}", when)
        return signing.Appearance(lines=lines, image_png=image, ink=signing.BLUE)
    unit = Unit.objects.get(pk=slot.signer.unit_id)
    image = None
    if unit.seal_image:
        with unit.seal_image.open("rb") as handle:
            image = handle.read()
    local_time = f"{local:%H:%M:%S %d/%m/%Y}"
    return signing.Appearance(
        lines=(slot.signer.unit_name.upper(), local_time), image_png=image, ink=signing.RED, font_size=5, seal=True
    )


# Upload (a USB token's signing tool, or the signing plugin) -----------------------------


@_refusals_logged
def revision_upload(
    *,
    actor,
    pledge: Pledge,
    signed_pdf: bytes,
    ticket: str = "",
    ip: str | None = None,
    user_agent: str = "",
) -> Revision:
    """Accept the current revision signed with *actor*'s own certificate as the next revision.

    *actor* must hold the signing turn; the file must be the current revision's exact bytes plus
    one signature in *actor*'s field and nothing else; its certificate must pass every rule.
    """
    if len(signed_pdf) > MAX_UPLOAD_BYTES:
        raise PledgeError(_("The file is too large."), field="signed_pdf")
    with transaction.atomic():
        pledge = _locked(pledge)
        slot = slot_for(pledge, actor)
        turn = _live_turns(pledge).filter(user=actor, role=slot.role, granted_at__isnull=False).first()
        if turn is None or (ticket and not secrets.compare_digest(ticket, turn.ticket)):
            raise PledgeError(
                _("It is not your turn to sign: take your place in line; the page tells you when your turn comes.")
            )
        turn_id, base_number = turn.pk, turn.base_number
        base = revision_bytes(pledge.revisions.get(number=base_number))
    found = signing.check_appended(base, signed_pdf)
    problem = _file_problem(found, slot)
    if problem:
        if found.problem == signing.NOT_APPENDED and _built_on_earlier(pledge, signed_pdf, base_number):
            problem = _("Another signature was added meanwhile: download the current revision and sign it again.")
        raise PledgeError(problem, field="signed_pdf")
    verdict = _certificate_verdict(pledge, slot, actor, found.certificate, found.other_certs)
    if settings.TSA_URL:
        stamped = signing.signature_timestamp_time(signed_pdf, slot.field)
        if stamped is None:
            raise PledgeError(
                _(
                    "Your signing tool added no timestamp to the signature: set its time-stamping server"
                    " (TSA) to %(url)s and sign again."
                )
                % {"url": settings.TSA_URL},
                field="signed_pdf",
            )
    return _store(
        pledge=pledge,
        turn_id=turn_id,
        actor=actor,
        slot=slot,
        base_number=base_number,
        data=signed_pdf,
        verdict=verdict,
        method=Method.PLUGIN if ticket else Method.UPLOAD,
        ip=ip,
        user_agent=user_agent,
    )


def _built_on_earlier(pledge: Pledge, data: bytes, base_number: int) -> bool:
    """Whether *data* begins with an earlier revision than the current one (a stale download, signed)."""
    import hashlib

    for revision in pledge.revisions.filter(number__lt=base_number).order_by("-number"):
        if len(data) > revision.size and hashlib.sha256(data[: revision.size]).hexdigest() == revision.sha256:
            return True
    return False


def signing_run(coroutine):
    """Run *coroutine* to its end from synchronous code (a view, a task)."""
    import asyncio

    return asyncio.run(coroutine)


def last_failure(pledge: Pledge, user) -> SigningTurn | None:
    """Return *user*'s last failed remote signature on *pledge* since their last place in line."""
    last = SigningTurn.objects.filter(pledge=pledge, user=user).order_by("-pk").first()
    return last if last is not None and last.outcome == SigningTurn.Outcome.FAILED else None
