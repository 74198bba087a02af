"""Writes to a term's review. Refusals raise ``ReviewError`` with a message a person can read."""

import datetime
import hashlib
import json
import secrets
from collections import Counter
from decimal import Decimal
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Membership, Term
from core import clock, images
from core.errors import ServiceError
from core.mail import mail_once
from core.text import nfc
from reviews import scoring
from reviews.ballot import tally as ballot_tally
from reviews.models import (
    AdjustmentLine,
    AwardForm,
    AwardQuota,
    Ballot,
    BallotSeat,
    Band,
    Candidate,
    Claim,
    Criterion,
    CriterionScore,
    Dossier,
    Election,
    Evidence,
    Mark,
    Paper,
    Proposal,
    Review,
    ReviewEvent,
    ReviewReminder,
    ScoreGroup,
    ScoringTable,
    SelfAssessment,
    Voter,
)


class ReviewError(ServiceError):
    """A rule of the review refused the change."""


def _event(term, kind, *, actor=None, **details) -> ReviewEvent:
    return ReviewEvent.record(term=term, actor=actor, kind=kind, details=details)


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
            created_at=clock.now(),
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
        _event(term, ReviewEvent.Kind.TABLE_SET, actor=actor, total=str(criteria_total))
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


def table_copy_source(term: Term) -> ScoringTable | None:
    """Return the table a new year starts from: the bloc's latest earlier one, or that of a bloc it was formed from."""
    earlier = ScoringTable.objects.filter(term__year__lt=term.year).select_related("term").order_by("-term__year")
    own = earlier.filter(term__bloc=term.bloc).first()
    return own if own is not None else earlier.filter(term__bloc__in=term.bloc.formed_from.all()).first()


def example_table() -> dict:
    """The project's own 100-point example table (reviews/data), to start from."""
    return json.loads((Path(__file__).resolve().parent / "data" / "scoring-table-100.json").read_text("utf-8"))


def table_copy(*, actor, term: Term, source: ScoringTable) -> ScoringTable:
    """Give *term* a copy of *source* (last year's table, typically)."""
    return table_set(actor=actor, term=term, data=table_as_json(ScoringTable.objects.with_parts().get(pk=source.pk)))


def table_freeze(*, actor, table: ScoringTable) -> ScoringTable:
    """Freeze the table: from now on the members score against it (self-assessment opens)."""
    with transaction.atomic():
        table = ScoringTable.objects.select_for_update().get(pk=table.pk)
        if table.frozen_at is None:
            table.frozen_at = clock.now()
            table.save(update_fields=["frozen_at"])
            _event(table.term, ReviewEvent.Kind.TABLE_FROZEN, actor=actor)
    return table


# Self-assessment and the bloc's review ------------------------------------------------


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
        members = Membership.objects.filter(term=term, left_on__isnull=True).select_related("unit")
        SelfAssessment.objects.bulk_create(
            SelfAssessment(review=review, unit=m.unit, unit_name=m.unit.name) for m in members
        )
        _event(term, ReviewEvent.Kind.OPENED, actor=actor, deadline=deadline.isoformat())
    return review


def _editable(assessment: SelfAssessment, actor) -> SelfAssessment:
    assessment = SelfAssessment.objects.select_for_update().select_related("review").get(pk=assessment.pk)
    if actor.unit_id != assessment.unit_id:
        raise ReviewError(_("Only the unit's own staff fill in its self-assessment."))
    if assessment.status != SelfAssessment.Status.DRAFT:
        raise ReviewError(_("This self-assessment has been submitted: it is locked."))
    review = assessment.review
    if review.status != Review.Status.SELF_ASSESSMENT or timezone.localdate(clock.now()) > review.deadline:
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
            clock.now(),
        )
        assessment.save(update_fields=["status", "submitted_by", "submitted_at"])
        _event(assessment.review.term, ReviewEvent.Kind.SUBMITTED, actor=actor, unit=assessment.unit_name)
    return assessment


def assessment_save(*, actor, assessment: SelfAssessment, scores: dict, claims: dict) -> SelfAssessment:
    """Save the unit's whole form at once: all or nothing.

    *scores* maps a criterion to ``(value or None, evidence note)`` (None clears
    the score); *claims* maps a bonus or penalty line to ``(times, note)``.
    """
    for criterion, (value, _note) in scores.items():
        if value is not None:
            try:
                scoring.check_points(Decimal(value), criterion.max_points, criterion.code)
            except scoring.ScoringError as error:
                raise ReviewError(str(error)) from error
    for line, (times, _note) in claims.items():
        if times < 0 or (times > 1 and not line.repeatable):
            raise ReviewError(_("%(code)s counts at most once.") % {"code": line.code})
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

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 30


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
            _event(
                assessment.review.term,
                ReviewEvent.Kind.EVIDENCE_ADDED,
                actor=actor,
                unit=assessment.unit_name,
                file=name,
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
        _event(
            assessment.review.term,
            ReviewEvent.Kind.EVIDENCE_REMOVED,
            actor=actor,
            unit=assessment.unit_name,
            file=evidence.original_name,
        )
        transaction.on_commit(lambda: storage.delete(stored))


# Reminders --------------------------------------------------------------------------


def _waiting_heads(review: Review):
    from accounts.models import User

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
    _event(review.term, ReviewEvent.Kind.REMINDED, actor=actor, count=sent)
    return sent


def reminders_send_due(*, days_before: int = 3) -> int:
    """For the daily cron: remind the heads whose self-assessment is due within *days_before* days."""
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
            _event(review.term, ReviewEvent.Kind.STARTED, actor=actor, not_submitted=waiting)
    return review


def score_adjust(*, actor, score: CriterionScore, value: Decimal, reason: str) -> CriterionScore:
    """The bloc confirms or adjusts a score, with a reason; both values are kept and the adjusted one counts."""
    reason = nfc(reason)
    with transaction.atomic():
        score = (
            CriterionScore.objects.select_for_update()
            .select_related("assessment__review__term", "criterion")
            .get(pk=score.pk)
        )
        if score.assessment.review.status != Review.Status.REVIEW:
            raise ReviewError(_("Scores are adjusted during the bloc's review only."))
        try:
            scoring.check_points(Decimal(value), score.criterion.max_points, score.criterion.code)
        except scoring.ScoringError as error:
            raise ReviewError(str(error), field="value") from error
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
            _event(
                score.assessment.review.term,
                ReviewEvent.Kind.ADJUSTED,
                actor=actor,
                unit=score.assessment.unit_name,
                criterion=score.criterion.code,
                self_score=str(score.self_score),
                adjusted_score=str(score.adjusted_score),
                reason=reason,
            )
    return score


def scores_adjust(*, actor, assessment: SelfAssessment, changes: dict) -> int:
    """Confirm or adjust several of a unit's scores at once (all or nothing): *changes* maps a score to
    ``(value, reason)``. Return how many differ from the unit's own score."""
    with transaction.atomic():
        for score, (value, reason) in changes.items():
            if score.assessment_id != assessment.pk:
                raise ReviewError(_("This score belongs to another unit."))
            score_adjust(actor=actor, score=score, value=value, reason=reason)
    return sum(1 for score, (value, _reason) in changes.items() if Decimal(value) != score.self_score)


def results(review: Review, *, table: ScoringTable | None = None) -> list[dict]:
    """Every submitted unit's totals, band and rank (ties share a rank), from the counted scores."""
    table = table or ScoringTable.objects.with_parts().get(term_id=review.term_id)
    spec = table.spec()
    codes = {c.pk: c.code for c in table.criteria()}
    lines = {x.pk: x for x in table.lines.all()}
    rows = []
    assessments = review.assessments.filter(status=SelfAssessment.Status.SUBMITTED).prefetch_related("scores", "claims")
    for assessment in assessments:
        scores = {codes[s.criterion_id]: s.counted for s in assessment.scores.all()}
        claims = [(lines[c.line_id], c.times) for c in assessment.claims.all()]
        result = scoring.score(
            spec,
            scores,
            bonus={line.code: times for line, times in claims if line.kind == AdjustmentLine.Kind.BONUS},
            penalty={line.code: times for line, times in claims if line.kind == AdjustmentLine.Kind.PENALTY},
        )
        rows.append({"assessment": assessment, "result": result})
    ranks = scoring.rank({row["assessment"].pk: row["result"].total for row in rows})
    tied = Counter(ranks.values())
    for row in rows:
        row["rank"] = ranks[row["assessment"].pk]
        row["tied"] = tied[row["rank"]] > 1
    return sorted(rows, key=lambda row: (row["rank"], row["assessment"].unit_name))


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
            for row in results(review)
        ]
        _event(review.term, ReviewEvent.Kind.CLOSED, actor=actor, ranking=ranking)
    return review


# Nominations: award forms, quotas and the secret ballot -------------------------------------


def award_form_set(*, actor, province, year: int, code: str, name: str, default_quota: int, order: int = 1):
    """Create or update the province's award form *code* for *year* (board only, checked by the view)."""
    if default_quota < 1:
        raise ReviewError(_("The quota is at least 1."), field="default_quota")
    form, _created = AwardForm.objects.update_or_create(
        province=province,
        year=year,
        code=code,
        defaults={"name": nfc(name), "default_quota": default_quota, "order": order},
    )
    return form


def award_quota_set(*, actor, term: Term, award_form: AwardForm, quota: int) -> AwardQuota:
    """Give *term* its own quota for *award_form* (a large bloc may get 2 flags)."""
    if award_form.province_id != term.bloc.province_id or award_form.year != term.year:
        raise ReviewError(_("This award form is not one of this bloc's year."))
    row, _created = AwardQuota.objects.update_or_create(term=term, award_form=award_form, defaults={"quota": quota})
    return row


def quotas_for(term: Term) -> list[tuple[AwardForm, int]]:
    """The award forms of the term's province and year, each with the term's quota (its own, or the default)."""
    own = dict(AwardQuota.objects.filter(term=term).values_list("award_form_id", "quota"))
    forms = AwardForm.objects.filter(province_id=term.bloc.province_id, year=term.year)
    return [(form, own.get(form.pk, form.default_quota)) for form in forms]


def _reaches(band: str | None, wanted: str, order: list[str]) -> bool:
    """True if *band* is *wanted* or a higher one (bands are listed highest first)."""
    return band is not None and band in order and order.index(band) <= order.index(wanted)


def ballot_open(*, actor, term: Term, threshold: int | None = None, min_band: str = "") -> Ballot:
    """Open the first round of the bloc's secret ballot on its award proposals."""
    with transaction.atomic():
        term = Term.objects.select_for_update().select_related("bloc").get(pk=term.pk)
        if Ballot.objects.filter(term=term).exists():
            raise ReviewError(_("This year's ballot has been opened already; a further round starts from its count."))
        forms = [(form, quota) for form, quota in quotas_for(term) if quota > 0]
        if not forms:
            raise ReviewError(_("The board has set no award forms for this province and year."))
        members = list(Membership.objects.filter(term=term, left_on__isnull=True).select_related("unit"))
        if threshold is None:
            threshold = len(members) // 2 + 1
        if not 1 <= threshold <= len(members):
            raise ReviewError(
                _("The votes needed must be between 1 and the %(count)s members.") % {"count": len(members)},
                field="threshold",
            )
        candidates = members
        if min_band:
            review = Review.objects.filter(term=term, status=Review.Status.CLOSED).first()
            if review is None:
                raise ReviewError(_("Candidates by band need the closed year-end review."), field="min_band")
            table = ScoringTable.objects.with_parts().get(term=term)
            order = [band.name for band in table.bands.all()]
            if min_band not in order:
                raise ReviewError(_("No such band in this year's table."), field="min_band")
            reaching = {
                row["assessment"].unit_id
                for row in results(review, table=table)
                if _reaches(row["result"].band, min_band, order)
            }
            candidates = [m for m in members if m.unit_id in reaching]
            if not candidates:
                raise ReviewError(_("No member reaches this band."), field="min_band")
        ballot = Ballot.objects.create(
            term=term,
            threshold=threshold,
            members_at_opening=len(members),
            min_band=min_band,
            opened_at=clock.now(),
        )
        for form, quota in forms:
            seat = BallotSeat.objects.create(ballot=ballot, award_form=form, seats=quota)
            Candidate.objects.bulk_create(Candidate(seat=seat, unit=m.unit, unit_name=m.unit.name) for m in candidates)
        _event(term, ReviewEvent.Kind.BALLOT_OPENED, actor=actor, round=1, threshold=threshold, min_band=min_band)
    return ballot


def vote_cast(*, actor, ballot: Ballot, choices: dict) -> Voter:
    """Cast the actor's unit's one ballot paper: *choices* maps a seat's id to the chosen candidates' ids.

    At most the seat's quota per award form, a unit at most once across forms; an
    empty paper is a valid vote. The record that the unit voted and the paper are
    written together (exactly once) but share nothing: the paper has a random id
    and no time, user or unit.
    """
    if not actor.can_sign:
        raise ReviewError(_("Only the unit's head (with signing right) votes."))
    seats = {seat.pk: seat for seat in ballot.seats.select_related("award_form").prefetch_related("candidates")}
    chosen, units = [], set()
    for seat_id, candidate_ids in choices.items():
        seat = seats.get(seat_id)
        if seat is None:
            raise ReviewError(_("This award form is not on the ballot."))
        candidate_ids = set(candidate_ids)
        if len(candidate_ids) > seat.seats:
            raise ReviewError(
                _("%(form)s: choose at most %(count)s.") % {"form": seat.award_form.name, "count": seat.seats}
            )
        by_id = {c.pk: c for c in seat.candidates.all()}
        for candidate_id in candidate_ids:
            candidate = by_id.get(candidate_id)
            if candidate is None:
                raise ReviewError(_("This unit is not a candidate for %(form)s.") % {"form": seat.award_form.name})
            if candidate.unit_id in units:
                raise ReviewError(
                    _("%(unit)s is chosen for two award forms: a unit at most once.") % {"unit": candidate.unit_name}
                )
            units.add(candidate.unit_id)
            chosen.append(candidate)
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().select_related("term").get(pk=ballot.pk)
        if ballot.status != Ballot.Status.OPEN:
            raise ReviewError(_("The ballot is closed."))
        member = (
            Membership.objects.filter(term=ballot.term, unit_id=actor.unit_id, left_on__isnull=True)
            .select_related("unit")
            .first()
        )
        if member is None:
            raise ReviewError(_("Only the heads of the bloc's member units vote."))
        if Voter.objects.filter(ballot=ballot, unit_id=actor.unit_id).exists():
            raise ReviewError(_("Your unit has already voted in this round."))
        voter = Voter.objects.create(ballot=ballot, unit=member.unit, unit_name=member.unit.name, voted_at=clock.now())
        paper = Paper.objects.create(ballot=ballot)
        Mark.objects.bulk_create(Mark(paper=paper, candidate=candidate) for candidate in chosen)
        _event(ballot.term, ReviewEvent.Kind.VOTED, actor=actor, unit=member.unit.name, round=ballot.round)
    return voter


def ballot_count(ballot: Ballot) -> dict:
    """The count of a round: per seat, each candidate's votes, and who passed or goes on to a further round."""
    seats = list(ballot.seats.select_related("award_form").order_by("award_form__order", "award_form_id"))
    candidates = list(
        Candidate.objects.filter(seat__ballot=ballot).annotate(votes=Count("marks")).order_by("-votes", "unit_name")
    )
    votes = {seat.pk: {c: c.votes for c in candidates if c.seat_id == seat.pk} for seat in seats}
    # The tally works on units (a unit passes at most one form), then maps back to each form's candidates.
    by_unit = {seat.pk: {c.unit_id: c.votes for c in candidates if c.seat_id == seat.pk} for seat in seats}
    outcome = ballot_tally(
        [seat.pk for seat in seats], {seat.pk: seat.seats for seat in seats}, by_unit, ballot.threshold
    )
    return {
        "ballot": ballot,
        "papers": ballot.papers.count(),
        "forms": [
            {
                "seat": seat,
                "candidates": sorted(votes[seat.pk], key=lambda c: (-c.votes, c.unit_name)),
                "passed": set(outcome[seat.pk].passed),
                "tied": set(outcome[seat.pk].tied),
                "seats_left": outcome[seat.pk].seats_left,
            }
            for seat in seats
        ],
    }


def ballot_close(*, actor, ballot: Ballot) -> Ballot:
    """Close the round and count it; the count (votes per candidate, never per voter) goes in the event."""
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().select_related("term").get(pk=ballot.pk)
        if ballot.status == Ballot.Status.CLOSED:
            return ballot
        ballot.status, ballot.closed_at = Ballot.Status.CLOSED, clock.now()
        ballot.save(update_fields=["status", "closed_at"])
        count = ballot_count(ballot)
        _event(
            ballot.term,
            ReviewEvent.Kind.BALLOT_CLOSED,
            actor=actor,
            round=ballot.round,
            papers=count["papers"],
            passed=[
                {
                    "form": form["seat"].award_form.code,
                    "units": sorted(c.unit_name for c in form["candidates"] if c.unit_id in form["passed"]),
                }
                for form in count["forms"]
            ],
        )
    return ballot


def ballot_runoff(*, actor, ballot: Ballot) -> Ballot:
    """Open a further round among the units tied at the edge of a quota, for the seats left."""
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().select_related("term").get(pk=ballot.pk)
        if ballot.status != Ballot.Status.CLOSED:
            raise ReviewError(_("Close and count this round first."))
        if Ballot.objects.filter(previous=ballot).exists():
            raise ReviewError(_("The further round has been opened already."))
        tied = [form for form in ballot_count(ballot)["forms"] if form["tied"]]
        if not tied:
            raise ReviewError(_("No tie at the edge of a quota: no further round is needed."))
        members = Membership.objects.filter(term=ballot.term, left_on__isnull=True).count()
        runoff = Ballot.objects.create(
            term=ballot.term,
            round=ballot.round + 1,
            previous=ballot,
            threshold=ballot.threshold,
            members_at_opening=members,
            min_band=ballot.min_band,
            opened_at=clock.now(),
        )
        for form in tied:
            seat = BallotSeat.objects.create(
                ballot=runoff, award_form=form["seat"].award_form, seats=form["seats_left"]
            )
            Candidate.objects.bulk_create(
                Candidate(seat=seat, unit_id=c.unit_id, unit_name=c.unit_name)
                for c in form["candidates"]
                if c.unit_id in form["tied"]
            )
        _event(ballot.term, ReviewEvent.Kind.BALLOT_OPENED, actor=actor, round=runoff.round, threshold=runoff.threshold)
    return runoff


# The election of next year's chair and vice-chair ----------------------------------------------


def election_candidates(term: Term) -> list:
    """The units that may be elected: next year's members if that year exists, else this rollover's proposal."""
    from blocs.services import term_rollover_proposal

    following = Term.objects.filter(bloc_id=term.bloc_id, year=term.year + 1).first()
    if following is not None:
        return [m.unit for m in Membership.objects.filter(term=following, left_on__isnull=True).select_related("unit")]
    return term_rollover_proposal(term).units


def election_record(
    *,
    actor,
    term: Term,
    chair,
    vice_chair,
    method: str,
    reference: str,
    chair_votes: int | None = None,
    vice_chair_votes: int | None = None,
) -> Election:
    """Record next year's chair and vice-chair as the year-end meeting elected them.

    By ballot each needs more than half of the members' votes; by acclamation no
    count is kept. Where next year's term exists, its roles are assigned at once
    through the registry's service (with the minutes' reference and its event);
    otherwise the election is what the rollover proposes.
    """
    from blocs.services import RegistryError, term_assign_roles

    reference = nfc(reference).strip()
    if not reference:
        raise ReviewError(_("Give the minutes' reference (số biên bản)."), field="reference")
    if chair == vice_chair:
        raise ReviewError(_("The chair and the vice-chair must be different units."), field="vice_chair")
    candidates = {unit.pk for unit in election_candidates(term)}
    if chair.pk not in candidates or vice_chair.pk not in candidates:
        raise ReviewError(_("Only next year's member units can be elected."))
    members = Membership.objects.filter(term=term, left_on__isnull=True).count()
    if method == Election.Method.BALLOT:
        needed = members // 2 + 1
        for field, votes in (("chair_votes", chair_votes), ("vice_chair_votes", vice_chair_votes)):
            if votes is None or not needed <= votes <= members:
                raise ReviewError(
                    _("Elected by ballot means between %(needed)s and %(members)s votes.")
                    % {"needed": needed, "members": members},
                    field=field,
                )
    elif method == Election.Method.ACCLAMATION:
        chair_votes = vice_chair_votes = None
    else:
        raise ReviewError(_("Choose how they were elected."), field="method")
    with transaction.atomic():
        term = Term.objects.select_for_update().select_related("bloc__province").get(pk=term.pk)
        election, _created = Election.objects.update_or_create(
            term=term,
            defaults={
                "chair": chair,
                "vice_chair": vice_chair,
                "method": method,
                "chair_votes": chair_votes,
                "vice_chair_votes": vice_chair_votes,
                "members": members,
                "reference": reference,
                "recorded_at": clock.now(),
                "recorded_by": actor,
            },
        )
        _event(
            term,
            ReviewEvent.Kind.ELECTED,
            actor=actor,
            chair=chair.name,
            vice_chair=vice_chair.name,
            method=method,
            reference=reference,
        )
        following = Term.objects.filter(bloc_id=term.bloc_id, year=term.year + 1).first()
        if following is not None:
            try:
                term_assign_roles(
                    actor=actor,
                    term=following,
                    chair=chair,
                    vice_chair=vice_chair,
                    reference=reference,
                    effective_on=datetime.date(following.year, 1, 1),
                )
            except RegistryError as error:
                raise ReviewError(error.message) from error
    return election


# The bloc's dossier and the board's decisions ------------------------------------------------


def ballot_outcome(term: Term) -> tuple[list[dict], bool]:
    """The units the ballot proposes, across its rounds, and whether a tie still waits for a further round."""
    proposals, pending = [], False
    for ballot in term.ballots.order_by("round"):
        if ballot.status != Ballot.Status.CLOSED:
            return proposals, True
        count = ballot_count(ballot)
        for form in count["forms"]:
            for candidate in form["candidates"]:
                if candidate.unit_id in form["passed"]:
                    proposals.append(
                        {
                            "award_form": form["seat"].award_form,
                            "unit_id": candidate.unit_id,
                            "unit_name": candidate.unit_name,
                            "votes": candidate.votes,
                        }
                    )
        pending = any(form["tied"] for form in count["forms"]) and not Ballot.objects.filter(previous=ballot).exists()
    return proposals, pending


def dossier_missing(term: Term) -> list[str]:
    """What the dossier still lacks before it can go to the board; empty when complete."""
    from pledges.models import Pledge

    missing = []
    pledge = term.pledges.exclude(status=Pledge.Status.CANCELLED).first()
    if pledge is None or pledge.status != Pledge.Status.COMPLETED or pledge.pdf_status != Pledge.PdfStatus.READY:
        missing.append(_("the signed pledge (completed, with its PDF)"))
    if not Review.objects.filter(term=term, status=Review.Status.CLOSED).exists():
        missing.append(_("the closed year-end review"))
    if not term.ballots.exists():
        missing.append(_("the secret ballot"))
    else:
        _proposals, pending = ballot_outcome(term)
        if pending:
            missing.append(_("the count of every ballot round (a round is open or a tie waits for a further round)"))
    if not Election.objects.filter(term=term).exists():
        missing.append(_("the election of next year's chair and vice-chair"))
    dossier = Dossier.objects.filter(term=term).first()
    if dossier is None or not (dossier.number and dossier.signed_on and dossier.place and dossier.recipients.strip()):
        missing.append(_("the cover request's number, place, date and recipients"))
    return missing


def dossier_prepare(*, actor, term: Term, number: str, place: str, signed_on, recipients: str) -> Dossier:
    """Set the cover request's particulars (while the dossier is with the bloc)."""
    with transaction.atomic():
        dossier, _created = Dossier.objects.select_for_update().get_or_create(term=term)
        if dossier.status not in (Dossier.Status.DRAFT, Dossier.Status.RETURNED):
            raise ReviewError(_("The dossier is with the board: it no longer changes."))
        dossier.number, dossier.place, dossier.signed_on = nfc(number).strip(), nfc(place).strip(), signed_on
        dossier.recipients = nfc(recipients).strip()
        dossier.save()
    return dossier


def dossier_submit(*, actor, term: Term) -> Dossier:
    """Send the dossier to the board: the proposals from the ballot, and the minutes and the cover request
    rendered as PDFs. Refused, saying what is missing, until every part is there."""
    missing = dossier_missing(term)
    if missing:
        raise ReviewError(_("The dossier is missing: %(parts)s.") % {"parts": "; ".join(missing)})
    from reviews import documents  # WeasyPrint: loaded only when there is something to render

    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().select_related("term__bloc__province").get(term=term)
        if dossier.status not in (Dossier.Status.DRAFT, Dossier.Status.RETURNED):
            raise ReviewError(_("The dossier has been submitted already."))
        proposals, _pending = ballot_outcome(term)
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
        try:
            dossier.save()
        except Exception:
            for name in names:
                dossier.minutes_pdf.storage.delete(name)
            raise
        _event(term, ReviewEvent.Kind.DOSSIER_SUBMITTED, actor=actor, proposals=len(proposals))
    return dossier


def _board_dossier(dossier: Dossier, *statuses) -> Dossier:
    dossier = Dossier.objects.select_for_update().select_related("term").get(pk=dossier.pk)
    if dossier.status not in statuses:
        raise ReviewError(_("The dossier is not under the board's review."))
    return dossier


def dossier_return(*, actor, dossier: Dossier, comment: str) -> Dossier:
    """The board returns the dossier to the bloc with a comment (what to correct)."""
    comment = nfc(comment).strip()
    if not comment:
        raise ReviewError(_("Say what the bloc should correct."), field="comment")
    with transaction.atomic():
        dossier = _board_dossier(dossier, Dossier.Status.SUBMITTED)
        dossier.status, dossier.return_comment = Dossier.Status.RETURNED, comment
        dossier.save(update_fields=["status", "return_comment"])
        _event(dossier.term, ReviewEvent.Kind.DOSSIER_RETURNED, actor=actor, comment=comment)
    return dossier


def proposal_decide(*, actor, proposal: Proposal, passed: bool, reason: str = "") -> Proposal:
    """The board passes or cuts one proposal; a cut needs its reason."""
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
        _event(
            proposal.dossier.term,
            ReviewEvent.Kind.PROPOSAL_PASSED if passed else ReviewEvent.Kind.PROPOSAL_CUT,
            actor=actor,
            unit=proposal.unit_name,
            award=proposal.award_form.name,
            reason=reason,
        )
    return proposal


def dossier_decide(*, actor, dossier: Dossier, number: str, date, signer: str) -> Dossier:
    """Record the decision (number, date, signer) once every proposal is passed or cut."""
    number, signer = nfc(number).strip(), nfc(signer).strip()
    if not number or not signer or date is None:
        raise ReviewError(_("The decision needs its number, date and signer."))
    with transaction.atomic():
        dossier = _board_dossier(dossier, Dossier.Status.SUBMITTED)
        waiting = dossier.proposals.filter(status=Proposal.Status.PROPOSED).count()
        if waiting:
            raise ReviewError(_("%(count)s proposals are neither passed nor cut yet.") % {"count": waiting})
        dossier.status = Dossier.Status.DECIDED
        dossier.decision_number, dossier.decision_date, dossier.decision_signer = number, date, signer
        dossier.save(update_fields=["status", "decision_number", "decision_date", "decision_signer"])
        _event(dossier.term, ReviewEvent.Kind.DECIDED, actor=actor, number=number, date=date.isoformat(), signer=signer)
    return dossier
