"""Writes to a term's review. Refusals raise ``ReviewError`` with a message a person can read."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.errors import ServiceError
from blocs.models import Membership, Term
from blocs.text import nfc
from reviews import scoring
from reviews.models import (
    AdjustmentLine,
    Band,
    Claim,
    Criterion,
    CriterionScore,
    Review,
    ReviewEvent,
    ScoreGroup,
    ScoringTable,
    SelfAssessment,
)


class ReviewError(ServiceError):
    """A rule of the review refused the change."""


def table_set(*, actor, term: Term, data: dict) -> ScoringTable:
    """Make *data* (the form of examples/scoring-table-100.json) *term*'s scoring table.

    Replaces a table that is not frozen; a frozen one (self-assessment has opened) is refused.
    """
    try:
        scoring.table_from_json(data)  # every rule of the format, before anything is written
    except scoring.ScoringError as error:
        raise ReviewError(str(error)) from error
    with transaction.atomic():
        old = ScoringTable.objects.select_for_update().filter(term=term).first()
        if old is not None:
            if old.frozen_at:
                raise ReviewError(_("The scoring table is frozen: self-assessment has opened."))
            old.delete()
        criteria_total = sum(
            (Decimal(str(c["max"])) for group in data["groups"] for c in group["criteria"]), Decimal("0")
        )
        table = ScoringTable.objects.create(
            term=term,
            total=criteria_total,
            bonus_limit=_decimal((data.get("bonus") or {}).get("limit")),
            penalty_limit=_decimal((data.get("penalty") or {}).get("limit")),
        )
        for g, group in enumerate(data["groups"], start=1):
            row = ScoreGroup.objects.create(
                table=table, code=nfc(group.get("code", str(g))), title=nfc(group.get("title", "")), order=g
            )
            for c, criterion in enumerate(group["criteria"], start=1):
                Criterion.objects.create(
                    group=row,
                    code=nfc(criterion["code"]),
                    title=nfc(criterion.get("title", "")),
                    max_points=Decimal(str(criterion["max"])),
                    guidance=nfc(criterion.get("guidance", "")),
                    pledge_item_number=criterion.get("pledge_item"),
                    order=c,
                )
        for kind in (AdjustmentLine.Kind.BONUS, AdjustmentLine.Kind.PENALTY):
            for n, line in enumerate((data.get(kind) or {}).get("lines", []), start=1):
                AdjustmentLine.objects.create(
                    table=table,
                    kind=kind,
                    code=nfc(line["code"]),
                    title=nfc(line.get("title", "")),
                    points=Decimal(str(line["points"])),
                    repeatable=bool(line.get("repeatable")),
                    order=n,
                )
        for n, band in enumerate(data.get("bands", []), start=1):
            Band.objects.create(
                table=table,
                name=nfc(band["name"]),
                min_total=Decimal(str(band["min_total"])),
                min_share=Decimal(str(band.get("min_share_per_criterion", 0))),
                order=n,
            )
        ReviewEvent.objects.create(
            term=term, actor=actor, kind=ReviewEvent.Kind.TABLE_SET, details={"total": str(criteria_total)}
        )
    return table


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def table_as_json(table: ScoringTable) -> dict:
    """Return *table* in the import format, to copy it to another year."""
    lines = list(table.lines.all())

    def section(kind, limit):
        return {
            "limit": float(limit) if limit is not None else None,
            "lines": [
                {"code": x.code, "title": x.title, "points": float(x.points), "repeatable": x.repeatable}
                for x in lines
                if x.kind == kind
            ],
        }

    document = {
        "total": float(table.total),
        "groups": [
            {
                "code": group.code,
                "title": group.title,
                "criteria": [
                    {
                        "code": c.code,
                        "title": c.title,
                        "max": float(c.max_points),
                        "guidance": c.guidance,
                        **({"pledge_item": c.pledge_item_number} if c.pledge_item_number else {}),
                    }
                    for c in group.criteria.all()
                ],
            }
            for group in table.groups.all()
        ],
        "bonus": section(AdjustmentLine.Kind.BONUS, table.bonus_limit),
        "penalty": section(AdjustmentLine.Kind.PENALTY, table.penalty_limit),
        "bands": [
            {"name": b.name, "min_total": float(b.min_total), "min_share_per_criterion": float(b.min_share)}
            for b in table.bands.all()
        ],
    }
    for kind in ("bonus", "penalty"):
        if document[kind]["limit"] is None:
            del document[kind]["limit"]
    return document


def table_copy(*, actor, term: Term, source: ScoringTable) -> ScoringTable:
    """Give *term* a copy of *source* (last year's table, typically)."""
    return table_set(actor=actor, term=term, data=table_as_json(ScoringTable.objects.with_parts().get(pk=source.pk)))


def table_freeze(*, actor, table: ScoringTable) -> ScoringTable:
    """Freeze the table: from now on the members score against it (self-assessment opens)."""
    with transaction.atomic():
        table = ScoringTable.objects.select_for_update().get(pk=table.pk)
        if table.frozen_at is None:
            table.frozen_at = timezone.now()
            table.save(update_fields=["frozen_at"])
            ReviewEvent.objects.create(term=table.term, actor=actor, kind=ReviewEvent.Kind.TABLE_FROZEN)
    return table


# Self-assessment and the bloc's review ------------------------------------------------


def review_open(*, actor, term: Term, deadline) -> Review:
    """Freeze the term's table and open self-assessment for every active member, until *deadline*."""
    if deadline < timezone.localdate():
        raise ReviewError(_("The deadline cannot be in the past."), field="deadline")
    with transaction.atomic():
        table = ScoringTable.objects.select_for_update().filter(term=term).first()
        if table is None:
            raise ReviewError(_("Set the scoring table first."))
        if Review.objects.filter(term=term).exists():
            raise ReviewError(_("This year's review is already open."))
        table_freeze(actor=actor, table=table)
        review = Review.objects.create(term=term, deadline=deadline, opened_at=timezone.now())
        members = Membership.objects.filter(term=term, left_on__isnull=True).select_related("unit")
        SelfAssessment.objects.bulk_create(
            SelfAssessment(review=review, unit=m.unit, unit_name=m.unit.name) for m in members
        )
        ReviewEvent.objects.create(
            term=term, actor=actor, kind=ReviewEvent.Kind.OPENED, details={"deadline": deadline.isoformat()}
        )
    return review


def _editable(assessment: SelfAssessment, actor) -> SelfAssessment:
    assessment = SelfAssessment.objects.select_for_update().select_related("review").get(pk=assessment.pk)
    if actor.unit_id != assessment.unit_id:
        raise ReviewError(_("Only the unit's own staff fill in its self-assessment."))
    if assessment.status != SelfAssessment.Status.DRAFT:
        raise ReviewError(_("This self-assessment has been submitted: it is locked."))
    review = assessment.review
    if review.status != Review.Status.SELF_ASSESSMENT or timezone.localdate() > review.deadline:
        raise ReviewError(_("Self-assessment is closed (the deadline has passed)."))
    return assessment


def score_set(*, actor, assessment: SelfAssessment, criterion: Criterion, value: Decimal, evidence_note: str = ""):
    """Record the unit's own score and evidence note on one criterion."""
    try:
        scoring.check_points(Decimal(value), criterion.max_points, criterion.code)
    except scoring.ScoringError as error:
        raise ReviewError(str(error), field="value") from error
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
    """The unit's head submits the self-assessment; it is then locked."""
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
            timezone.now(),
        )
        assessment.save(update_fields=["status", "submitted_by", "submitted_at"])
        ReviewEvent.objects.create(
            term=assessment.review.term,
            actor=actor,
            kind=ReviewEvent.Kind.SUBMITTED,
            details={"unit": assessment.unit_name},
        )
    return assessment


def review_start(*, actor, review: Review) -> Review:
    """Move from self-assessment to the bloc's review (at the year-end meeting)."""
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.status == Review.Status.SELF_ASSESSMENT:
            review.status = Review.Status.REVIEW
            review.save(update_fields=["status"])
    return review


def score_adjust(*, actor, score: CriterionScore, value: Decimal, reason: str) -> CriterionScore:
    """The bloc confirms or adjusts a score, with a reason; both values are kept and the adjusted one counts."""
    reason = nfc(reason)
    with transaction.atomic():
        score = (
            CriterionScore.objects.select_for_update()
            .select_related("assessment__review", "criterion")
            .get(pk=score.pk)
        )
        if score.assessment.review.status != Review.Status.REVIEW:
            raise ReviewError(_("Scores are adjusted during the bloc's review only."))
        try:
            scoring.check_points(Decimal(value), score.criterion.max_points, score.criterion.code)
        except scoring.ScoringError as error:
            raise ReviewError(str(error), field="value") from error
        if Decimal(value) != score.self_score and not reason:
            raise ReviewError(_("Give the reason for the adjustment."), field="reason")
        score.adjusted_score, score.adjust_reason = Decimal(value), reason
        score.save(update_fields=["adjusted_score", "adjust_reason"])
        ReviewEvent.objects.create(
            term=score.assessment.review.term,
            actor=actor,
            kind=ReviewEvent.Kind.ADJUSTED,
            details={
                "unit": score.assessment.unit_name,
                "criterion": score.criterion.code,
                "from": str(score.self_score),
                "to": str(value),
            },
        )
    return score


def results(review: Review) -> list[dict]:
    """Every submitted unit's totals, band and rank (ties share a rank), from the counted scores."""
    table = ScoringTable.objects.with_parts().get(term_id=review.term_id)
    spec = table.spec()
    rows = []
    assessments = review.assessments.filter(status=SelfAssessment.Status.SUBMITTED).prefetch_related(
        "scores__criterion", "claims__line"
    )
    for assessment in assessments:
        scores = {s.criterion.code: s.counted for s in assessment.scores.all()}
        claims = list(assessment.claims.all())
        result = scoring.score(
            spec,
            scores,
            bonus={c.line.code: c.times for c in claims if c.line.kind == AdjustmentLine.Kind.BONUS},
            penalty={c.line.code: c.times for c in claims if c.line.kind == AdjustmentLine.Kind.PENALTY},
        )
        rows.append({"assessment": assessment, "result": result})
    ranks = scoring.rank({row["assessment"].pk: row["result"].total for row in rows})
    for row in rows:
        row["rank"] = ranks[row["assessment"].pk]
    return sorted(rows, key=lambda row: (row["rank"], row["assessment"].unit_name))


def review_close(*, actor, review: Review) -> Review:
    """Close the review: the ranking is final and shown to the members."""
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.status == Review.Status.CLOSED:
            return review
        if review.status != Review.Status.REVIEW:
            raise ReviewError(_("Start the bloc's review before closing it."))
        review.status, review.closed_at = Review.Status.CLOSED, timezone.now()
        review.save(update_fields=["status", "closed_at"])
        ReviewEvent.objects.create(term=review.term, actor=actor, kind=ReviewEvent.Kind.CLOSED)
    return review
