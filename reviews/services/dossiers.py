"""The bloc's dossier to the provincial board: its particulars, submitting it (the proposals from the ballot and
the minutes and cover request rendered as PDFs), and the board's review (return, pass or cut, decide)."""

import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from blocs.models import Term
from core import clock
from core.text import nfc
from reviews import notices, selectors
from reviews.models import Dossier, Proposal, ReviewEvent
from reviews.services._common import ReviewError, refuse_line_breaks


def dossier_prepare(*, actor, term: Term, number: str, place: str, signed_on, recipients: str) -> Dossier:
    """Set the cover request's particulars (while the dossier is with the bloc); number and place are single lines."""
    number, place = nfc(number), nfc(place)
    refuse_line_breaks(number, field="number")
    refuse_line_breaks(place, field="place")
    with transaction.atomic():
        dossier, _created = Dossier.objects.select_for_update().get_or_create(term=term)
        if dossier.status not in (Dossier.Status.DRAFT, Dossier.Status.RETURNED):
            raise ReviewError(_("The dossier is with the board: it no longer changes."))
        dossier.number, dossier.place, dossier.signed_on = number, place, signed_on
        dossier.recipients = nfc(recipients).strip()
        dossier.save()
    return dossier


def dossier_submit(*, actor, term: Term) -> Dossier:
    """Send the dossier to the board: the proposals from the ballot, and the minutes and the cover request
    rendered as PDFs. Refused, saying what is missing, until every part is there."""
    missing = selectors.dossier_missing(term)
    if missing:
        raise ReviewError(_("The dossier is missing: %(parts)s.") % {"parts": "; ".join(missing)})
    # WeasyPrint is slow to import: load it only when there is something to render, not in every
    # process that imports the services (commands, workers, the other pages).
    from reviews import documents

    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().select_related("term__bloc__province").get(term=term)
        if dossier.status not in (Dossier.Status.DRAFT, Dossier.Status.RETURNED):
            raise ReviewError(_("The dossier has been submitted already."))
        proposals, _pending = selectors.ballot_outcome(term)
        dossier.proposals.all().delete()
        Proposal.objects.bulk_create(
            Proposal(
                dossier=dossier,
                award_form=p["award_form"],
                unit_id=p["unit_id"],
                unit_name=p["unit_name"],
                votes=p["votes"],
            )
            for p in proposals
        )
        names = []
        for field, render in (("minutes_pdf", documents.render_minutes), ("request_pdf", documents.render_request)):
            data = render(dossier)
            getattr(dossier, field).save(f"{secrets.token_hex(12)}.pdf", ContentFile(data), save=False)
            names.append(getattr(dossier, field).name)
        dossier.status, dossier.submitted_at, dossier.return_comment = Dossier.Status.SUBMITTED, clock.now(), ""
        try:  # files written for a row that is not saved are removed with it
            dossier.save()
        except Exception:
            for name in names:
                dossier.minutes_pdf.storage.delete(name)
            raise
        ReviewEvent.record(
            term=term, actor=actor, kind=ReviewEvent.Kind.DOSSIER_SUBMITTED, details={"proposals": len(proposals)}
        )
    return dossier


def _board_dossier(dossier: Dossier, *statuses) -> Dossier:
    """Lock and return *dossier* if it is in one of *statuses* (call inside a transaction)."""
    dossier = Dossier.objects.select_for_update().select_related("term").get(pk=dossier.pk)
    if dossier.status not in statuses:
        raise ReviewError(_("The dossier is not under the board's review."))
    return dossier


def dossier_return(*, actor, dossier: Dossier, comment: str) -> Dossier:
    """Return the dossier to the bloc for the board, with a comment (what to correct)."""
    comment = nfc(comment).strip()
    if not comment:
        raise ReviewError(_("Say what the bloc should correct."), field="comment")
    with transaction.atomic():
        dossier = _board_dossier(dossier, Dossier.Status.SUBMITTED)
        dossier.status, dossier.return_comment = Dossier.Status.RETURNED, comment
        dossier.save(update_fields=["status", "return_comment"])
        ReviewEvent.record(
            term=dossier.term, actor=actor, kind=ReviewEvent.Kind.DOSSIER_RETURNED, details={"comment": comment}
        )
        notices.dossier_returned(dossier)
    return dossier


def proposal_decide(*, actor, proposal: Proposal, passed: bool, reason: str = "") -> Proposal:
    """Pass or cut one proposal for the board; a cut needs its reason."""
    reason = nfc(reason).strip()
    if not passed and not reason:
        raise ReviewError(_("Give the reason for cutting the proposal."), field="reason")
    with transaction.atomic():
        _board_dossier(proposal.dossier, Dossier.Status.SUBMITTED)
        proposal = (
            Proposal.objects.select_for_update().select_related("award_form", "dossier__term").get(pk=proposal.pk)
        )
        proposal.status = Proposal.Status.PASSED if passed else Proposal.Status.CUT
        proposal.reason = reason
        proposal.save(update_fields=["status", "reason"])
        ReviewEvent.record(
            term=proposal.dossier.term,
            actor=actor,
            kind=ReviewEvent.Kind.PROPOSAL_PASSED if passed else ReviewEvent.Kind.PROPOSAL_CUT,
            details={"unit": proposal.unit_name, "award": proposal.award_form.name, "reason": reason},
        )
    return proposal


def dossier_decide(*, actor, dossier: Dossier, number: str, date, signer: str) -> Dossier:
    """Record the decision (number, date, signer) once every proposal is passed or cut."""
    number, signer = nfc(number).strip(), nfc(signer).strip()
    if not number or not signer or date is None:
        raise ReviewError(_("The decision needs its number, date and signer."))
    refuse_line_breaks(number, field="number")
    refuse_line_breaks(signer, field="signer")
    with transaction.atomic():
        dossier = _board_dossier(dossier, Dossier.Status.SUBMITTED)
        waiting = dossier.proposals.filter(status=Proposal.Status.PROPOSED).count()
        if waiting:
            raise ReviewError(_("%(count)s proposals are neither passed nor cut yet.") % {"count": waiting})
        dossier.status = Dossier.Status.DECIDED
        dossier.decision_number, dossier.decision_date, dossier.decision_signer = number, date, signer
        dossier.save(update_fields=["status", "decision_number", "decision_date", "decision_signer"])
        ReviewEvent.record(
            term=dossier.term,
            actor=actor,
            kind=ReviewEvent.Kind.DECIDED,
            details={"number": number, "date": date.isoformat(), "signer": signer},
        )
        notices.dossier_decided(dossier)
    return dossier
