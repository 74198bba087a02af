"""Self-assessment and the bloc's review: open it, fill in scores, claims and evidence, submit, remind,
adjust at the year-end meeting, and close with the final ranking."""

import datetime
import hashlib
import secrets
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from blocs.models import Term
from core import clock, images
from core.mail import mail_once
from core.text import nfc
from reviews import notices, scoring, selectors
from reviews.models import (
    AdjustmentLine,
    Claim,
    Criterion,
    CriterionScore,
    Evidence,
    Review,
    ReviewEvent,
    ReviewReminder,
    ScoringTable,
    SelfAssessment,
)
from reviews.services._common import ReviewError
from reviews.services.tables import table_freeze

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 30
# A note names the documents that prove a score ("Báo cáo số 12/BC-SYT ngày 10/12/2022; …"): a paragraph at
# most. With the table's limits (``scoring.MAX_CRITERIA``, ``MAX_LINES``) the whole self-assessment form stays
# under Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) even in three-byte Vietnamese letters, which a browser
# sends as nine characters each: 200 × 1000 × 9 + 100 × 500 × 9 bytes ≈ 2.25 MB.
MAX_EVIDENCE_NOTE = 1000
MAX_CLAIM_NOTE = 500  # CriterionScore.adjust_reason and Claim.note are 500-character columns
MAX_REASON = 500


def review_open(*, actor, term: Term, deadline) -> Review:
    """Freeze the term's table and open self-assessment for every active member, until *deadline*."""
    if deadline < timezone.localdate(clock.now()):
        raise ReviewError(_("The deadline cannot be in the past."), field="deadline")
    with transaction.atomic():
        table = ScoringTable.objects.select_for_update().filter(term=term).first()
        if table is None:
            raise ReviewError(_("Set the scoring table first."))
        if Review.objects.filter(term=term).exists():
            raise ReviewError(_("This year's review is already open."))
        table_freeze(actor=actor, table=table)
        review = Review.objects.create(term=term, deadline=deadline, opened_at=clock.now())
        members = selectors.term_members(term).select_related("unit")
        SelfAssessment.objects.bulk_create(
            SelfAssessment(review=review, unit=m.unit, unit_name=m.unit.name) for m in members
        )
        ReviewEvent.record(
            term=term, actor=actor, kind=ReviewEvent.Kind.OPENED, details={"deadline": deadline.isoformat()}
        )
        notices.review_opened(review)
    return review


def _editable(assessment: SelfAssessment, actor) -> SelfAssessment:
    """Lock and return *assessment* if *actor*'s unit may still change it (call inside a transaction)."""
    assessment = SelfAssessment.objects.select_for_update().select_related("review").get(pk=assessment.pk)
    if actor.unit_id != assessment.unit_id:
        raise ReviewError(_("Only the unit's own staff fill in its self-assessment."))
    if assessment.status != SelfAssessment.Status.DRAFT:
        raise ReviewError(_("This self-assessment has been submitted: it is locked."))
    review = assessment.review
    if review.status != Review.Status.SELF_ASSESSMENT or timezone.localdate(clock.now()) > review.deadline:
        raise ReviewError(_("Self-assessment is closed (the deadline has passed)."))
    return assessment


def _check_length(text: str, limit: int, code: str, *, field: str | None = None) -> None:
    """Refuse a note or reason longer than *limit* characters (the forms stop it first; a service call may not)."""
    if len(nfc(text)) > limit:
        raise ReviewError(
            _("%(code)s: at most %(limit)s characters.") % {"code": code, "limit": limit},
            field=field,
        )


def _check_points(value, criterion: Criterion, *, field: str | None = None) -> None:
    """Refuse *value* on *criterion* (above its maximum, negative, more than one decimal) with a ReviewError."""
    try:
        scoring.check_points(Decimal(value), criterion.max_points, criterion.code)
    except scoring.ScoringError as error:
        raise ReviewError(str(error), field=field) from error


def score_set(*, actor, assessment: SelfAssessment, criterion: Criterion, value: Decimal, evidence_note: str = ""):
    """Record the unit's own score and evidence note on one criterion."""
    _check_points(value, criterion, field="value")
    _check_length(evidence_note, MAX_EVIDENCE_NOTE, criterion.code, field="evidence_note")
    with transaction.atomic():
        assessment = _editable(assessment, actor)
        if criterion.group.table.term_id != assessment.review.term_id:
            raise ReviewError(_("This criterion belongs to another year's table."))
        score, _created = CriterionScore.objects.update_or_create(
            assessment=assessment,
            criterion=criterion,
            defaults={"self_score": Decimal(value), "evidence_note": nfc(evidence_note)},
        )
    return score


def claim_set(*, actor, assessment: SelfAssessment, line: AdjustmentLine, times: int, note: str = ""):
    """Claim a bonus or penalty line *times* times (0 removes the claim)."""
    if times < 0 or (times > 1 and not line.repeatable):
        raise ReviewError(_("This line counts at most once."), field="times")
    _check_length(note, MAX_CLAIM_NOTE, line.code, field="note")
    with transaction.atomic():
        assessment = _editable(assessment, actor)
        if times == 0:
            Claim.objects.filter(assessment=assessment, line=line).delete()
            return None
        claim, _created = Claim.objects.update_or_create(
            assessment=assessment, line=line, defaults={"times": times, "note": nfc(note)}
        )
    return claim


def assessment_submit(*, actor, assessment: SelfAssessment) -> SelfAssessment:
    """Submit the self-assessment as the unit's head; it is then locked."""
    if not actor.can_sign:
        raise ReviewError(_("Only the unit's head (with signing right) submits the self-assessment."))
    with transaction.atomic():
        assessment = _editable(assessment, actor)
        criteria = assessment.review.term.scoring_table.criteria()
        missing = len(criteria) - assessment.scores.count()
        if missing:
            raise ReviewError(_("%(count)s criteria have no score yet.") % {"count": missing})
        assessment.status, assessment.submitted_by, assessment.submitted_at = (
            SelfAssessment.Status.SUBMITTED,
            actor,
            clock.now(),
        )
        assessment.save(update_fields=["status", "submitted_by", "submitted_at"])
        ReviewEvent.record(
            term=assessment.review.term,
            actor=actor,
            kind=ReviewEvent.Kind.SUBMITTED,
            details={"unit": assessment.unit_name},
        )
    return assessment


def assessment_save(*, actor, assessment: SelfAssessment, scores: dict, claims: dict) -> SelfAssessment:
    """Save the unit's whole form at once: all or nothing.

    *scores* maps a criterion to ``(value or None, evidence note)`` (None clears
    the score); *claims* maps a bonus or penalty line to ``(times, note)``.
    """
    for criterion, (value, note) in scores.items():
        if value is not None:
            _check_points(value, criterion)
        _check_length(note, MAX_EVIDENCE_NOTE, criterion.code)
    for line, (times, note) in claims.items():
        if times < 0 or (times > 1 and not line.repeatable):
            raise ReviewError(_("%(code)s counts at most once.") % {"code": line.code})
        _check_length(note, MAX_CLAIM_NOTE, line.code)
    with transaction.atomic():
        assessment = _editable(assessment, actor)
        table_id = assessment.review.term.scoring_table.pk
        if any(c.group.table_id != table_id for c in scores) or any(x.table_id != table_id for x in claims):
            raise ReviewError(_("This criterion belongs to another year's table."))
        existing_scores = {s.criterion_id: s for s in assessment.scores.all()}
        for criterion, (value, note) in scores.items():
            row = existing_scores.get(criterion.pk)
            if value is None:
                if row is not None:
                    row.delete()
            elif row is None:
                CriterionScore.objects.create(
                    assessment=assessment, criterion=criterion, self_score=Decimal(value), evidence_note=nfc(note)
                )
            elif (row.self_score, row.evidence_note) != (Decimal(value), nfc(note)):
                row.self_score, row.evidence_note = Decimal(value), nfc(note)
                row.save(update_fields=["self_score", "evidence_note"])
        existing_claims = {c.line_id: c for c in assessment.claims.all()}
        for line, (times, note) in claims.items():
            row = existing_claims.get(line.pk)
            if times == 0:
                if row is not None:
                    row.delete()
            elif row is None:
                Claim.objects.create(assessment=assessment, line=line, times=times, note=nfc(note))
            elif (row.times, row.note) != (times, nfc(note)):
                row.times, row.note = times, nfc(note)
                row.save(update_fields=["times", "note"])
    return assessment


# Evidence files ---------------------------------------------------------------------


def evidence_add(*, actor, assessment: SelfAssessment, data: bytes, name: str, criterion=None) -> Evidence:
    """Attach a PDF or image, checked by its content, to the unit's self-assessment."""
    try:
        extension = images.clean_pdf_or_image(data, max_bytes=MAX_EVIDENCE_BYTES)
    except ValidationError as error:
        raise ReviewError(error.messages[0], field="file") from error
    name = nfc(PurePosixPath(name.replace("\\", "/")).name)[:255] or f"evidence.{extension}"
    with transaction.atomic():
        assessment = _editable(assessment, actor)
        if criterion is not None and criterion.group.table.term_id != assessment.review.term_id:
            raise ReviewError(_("This criterion belongs to another year's table."), field="criterion")
        if assessment.evidence.count() >= MAX_EVIDENCE_FILES:
            raise ReviewError(
                _("At most %(count)s evidence files per self-assessment.") % {"count": MAX_EVIDENCE_FILES},
                field="file",
            )
        evidence = Evidence(
            assessment=assessment,
            criterion=criterion,
            original_name=name,
            content_type=images.CONTENT_TYPES[extension],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=actor,
            uploaded_at=clock.now(),
        )
        evidence.file.save(f"{secrets.token_hex(16)}.{extension}", ContentFile(data), save=False)
        stored = evidence.file.name
        try:  # a file written for a row that is not saved is removed with it
            evidence.save()
            ReviewEvent.record(
                term=assessment.review.term,
                actor=actor,
                kind=ReviewEvent.Kind.EVIDENCE_ADDED,
                details={"unit": assessment.unit_name, "file": name},
            )
        except Exception:
            evidence.file.storage.delete(stored)
            raise
    return evidence


def evidence_remove(*, actor, evidence: Evidence) -> None:
    """Remove an evidence file while the self-assessment is being filled in."""
    with transaction.atomic():
        assessment = _editable(evidence.assessment, actor)
        evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
        stored, storage = evidence.file.name, evidence.file.storage
        evidence.delete()
        ReviewEvent.record(
            term=assessment.review.term,
            actor=actor,
            kind=ReviewEvent.Kind.EVIDENCE_REMOVED,
            details={"unit": assessment.unit_name, "file": evidence.original_name},
        )
        # The file goes only once the row is gone for good: a rollback would leave a row without its file.
        transaction.on_commit(lambda: storage.delete(stored))


# Reminders --------------------------------------------------------------------------


def _waiting_heads(review: Review):
    units = review.assessments.filter(status=SelfAssessment.Status.DRAFT).values("unit_id")
    return User.objects.filter(unit_id__in=units, can_sign=True, is_active=True)


def _remind(review: Review, users) -> int:
    now = clock.now()
    today = timezone.localdate(now)
    term = review.term
    return mail_once(
        users,
        claim=lambda user: ReviewReminder.objects.create(review=review, user=user, sent_on=today, sent_at=now),
        template="reviews/email/remind",
        context={
            "review": review,
            "term": term,
            "page_url": settings.SITE_URL + reverse("reviews:home", args=[term.bloc_id, term.year]),
        },
    )


def review_remind(*, actor, review: Review) -> int:
    """E-mail the heads of the units that have not submitted (at most once a day each); return how many."""
    if review.status != Review.Status.SELF_ASSESSMENT:
        raise ReviewError(_("Self-assessment is over: there is nobody to remind."))
    sent = _remind(review, _waiting_heads(review))
    ReviewEvent.record(term=review.term, actor=actor, kind=ReviewEvent.Kind.REMINDED, details={"count": sent})
    return sent


def reminders_send_due(*, days_before: int = 3) -> int:
    """Remind the heads whose self-assessment is due within *days_before* days (the daily cron); return how many."""
    today = timezone.localdate(clock.now())
    due = Review.objects.filter(
        status=Review.Status.SELF_ASSESSMENT,
        deadline__gte=today,
        deadline__lte=today + datetime.timedelta(days=days_before),
    ).select_related("term")
    return sum(_remind(review, _waiting_heads(review)) for review in due)


# The bloc's review ------------------------------------------------------------------


def review_start(*, actor, review: Review) -> Review:
    """Move from self-assessment to the bloc's review (at the year-end meeting); drafts stay unranked."""
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("term").get(pk=review.pk)
        if review.status == Review.Status.SELF_ASSESSMENT:
            review.status = Review.Status.REVIEW
            review.save(update_fields=["status"])
            waiting = list(
                review.assessments.filter(status=SelfAssessment.Status.DRAFT).values_list("unit_name", flat=True)
            )
            ReviewEvent.record(
                term=review.term, actor=actor, kind=ReviewEvent.Kind.STARTED, details={"not_submitted": waiting}
            )
    return review


def score_adjust(*, actor, score: CriterionScore, value: Decimal, reason: str) -> CriterionScore:
    """Confirm or adjust a score for the bloc, with a reason; both values are kept and the adjusted one counts."""
    reason = nfc(reason)
    with transaction.atomic():
        score = (
            CriterionScore.objects.select_for_update()
            .select_related("assessment__review__term", "criterion")
            .get(pk=score.pk)
        )
        if score.assessment.review.status != Review.Status.REVIEW:
            raise ReviewError(_("Scores are adjusted during the bloc's review only."))
        _check_points(value, score.criterion, field="value")
        _check_length(reason, MAX_REASON, score.criterion.code, field="reason")
        if Decimal(value) != score.self_score and not reason:
            raise ReviewError(
                _("%(code)s: give the reason for the adjustment.") % {"code": score.criterion.code}, field="reason"
            )
        before = (score.adjusted_score, score.adjust_reason)
        score.adjusted_score, score.adjust_reason = Decimal(value), reason
        if before == (score.adjusted_score, score.adjust_reason):
            return score
        score.save(update_fields=["adjusted_score", "adjust_reason"])
        if score.adjusted_score != score.self_score or before[0] not in (None, score.self_score):
            ReviewEvent.record(
                term=score.assessment.review.term,
                actor=actor,
                kind=ReviewEvent.Kind.ADJUSTED,
                details={
                    "unit": score.assessment.unit_name,
                    "criterion": score.criterion.code,
                    "self_score": str(score.self_score),
                    "adjusted_score": str(score.adjusted_score),
                    "reason": reason,
                },
            )
    return score


def scores_adjust(*, actor, assessment: SelfAssessment, changes: dict) -> int:
    """Confirm or adjust several of a unit's scores at once (all or nothing).

    *changes* maps a score to ``(value, reason)``. Return how many differ from the unit's own score.
    """
    with transaction.atomic():
        for score, (value, reason) in changes.items():
            if score.assessment_id != assessment.pk:
                raise ReviewError(_("This score belongs to another unit."))
            score_adjust(actor=actor, score=score, value=value, reason=reason)
    return sum(1 for score, (value, _reason) in changes.items() if Decimal(value) != score.self_score)


def review_close(*, actor, review: Review) -> Review:
    """Close the review: the ranking is final, shown to the members, and kept in the closing event."""
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("term").get(pk=review.pk)
        if review.status == Review.Status.CLOSED:
            return review
        if review.status != Review.Status.REVIEW:
            raise ReviewError(_("Start the bloc's review before closing it."))
        review.status, review.closed_at = Review.Status.CLOSED, clock.now()
        review.save(update_fields=["status", "closed_at"])
        ranking = [
            {
                "unit": row["assessment"].unit_name,
                "base": str(row["result"].base),
                "bonus": str(row["result"].bonus_counted),
                "penalty": str(row["result"].penalty_counted),
                "total": str(row["result"].total),
                "band": row["result"].band or "",
                "rank": row["rank"],
            }
            for row in selectors.results(review)
        ]
        ReviewEvent.record(term=review.term, actor=actor, kind=ReviewEvent.Kind.CLOSED, details={"ranking": ranking})
    return review
