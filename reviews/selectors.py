"""Reads of a term's review that pages, documents, exports and services share; nothing here writes.

Services import this module, never the reverse: a read that needed a service would
hide a write behind a page view.
"""

import json
from collections import Counter
from pathlib import Path

from django.db.models import Count
from django.utils.translation import gettext as _

from blocs import services as registry
from blocs.models import Membership, Term
from pledges.models import Pledge
from reviews import scoring
from reviews.models import (
    AdjustmentLine,
    AwardForm,
    AwardQuota,
    Ballot,
    BallotRule,
    Candidate,
    Dossier,
    Election,
    Review,
    ScoringTable,
    SelfAssessment,
)
from reviews.tally import MIN_PAPERS_SHOWN, tally

EXAMPLE_TABLE = Path(__file__).resolve().parent / "data" / "scoring-table-100.json"


def term_members(term: Term):
    """Return the queryset of *term*'s memberships still running (a unit that left does not vote or get scored)."""
    return Membership.objects.filter(term=term, left_on__isnull=True)


# The scoring table and where a new one starts from -----------------------------------------


def table_with_parts(term: Term) -> ScoringTable | None:
    """Return the year's table with all its parts (a fixed number of queries), or None."""
    return ScoringTable.objects.with_parts().filter(term=term).first()


def example_table() -> dict:
    """Return the project's own 100-point example table (reviews/data), to start from."""
    return json.loads(EXAMPLE_TABLE.read_text("utf-8"))


def table_copy_source(term: Term) -> ScoringTable | None:
    """Return the table a new year starts from: the bloc's latest earlier one, or that of a bloc it was formed from."""
    earlier = ScoringTable.objects.filter(term__year__lt=term.year).select_related("term").order_by("-term__year")
    own = earlier.filter(term__bloc=term.bloc).first()
    return own if own is not None else earlier.filter(term__bloc__in=term.bloc.formed_from.all()).first()


def table_as_json(table: ScoringTable) -> dict:
    """Return *table* in the import format, to copy it to another year or download it."""
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


# The ranking ----------------------------------------------------------------------------------


def results(review: Review, *, table: ScoringTable | None = None) -> list[dict]:
    """Return every submitted unit's totals, band and rank (ties share a rank), from the counted scores.

    Pass *table* when the caller has already read it with its parts, to save those queries.
    """
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


# Award forms, quotas and the secret ballot ----------------------------------------------------


def quotas_for(term: Term) -> list[tuple[AwardForm, int]]:
    """Return the award forms of the term's province and year, each with the term's quota (its own, or the default)."""
    own = dict(AwardQuota.objects.filter(term=term).values_list("award_form_id", "quota"))
    forms = AwardForm.objects.filter(province_id=term.bloc.province_id, year=term.year)
    return [(form, own.get(form.pk, form.default_quota)) for form in forms]


def min_turnout_percent(province_id: int, year: int) -> int | None:
    """Return the minimum turnout the board set for *province_id* and *year* (None: the default two thirds)."""
    rule = BallotRule.objects.filter(province_id=province_id, year=year).first()
    return rule.min_turnout_percent if rule else None


def ballot_count(ballot: Ballot) -> dict:
    """Return the count of a round: per seat, each candidate's votes, and who passed or goes on to a further round.

    With fewer than ``MIN_PAPERS_SHOWN`` papers the votes are withheld (``hidden``; each candidate's
    ``votes`` is None and the candidates come in name order, which says nothing of their votes): one or
    two papers' counts are the papers themselves. Who passed or is tied is still given, for the proposals.
    """
    seats = list(ballot.seats.select_related("award_form").order_by("award_form__order", "award_form_id"))
    candidates = list(
        Candidate.objects.filter(seat__ballot=ballot).annotate(votes=Count("marks")).order_by("-votes", "unit_name")
    )
    # The tally works on units (a unit passes at most one form), then maps back to each form's candidates.
    by_unit = {seat.pk: {c.unit_id: c.votes for c in candidates if c.seat_id == seat.pk} for seat in seats}
    outcome = tally([seat.pk for seat in seats], {seat.pk: seat.seats for seat in seats}, by_unit, ballot.threshold)
    papers = ballot.papers.count()
    hidden = papers < MIN_PAPERS_SHOWN
    if hidden:
        for candidate in candidates:
            candidate.votes = None
    order = (lambda c: c.unit_name) if hidden else (lambda c: (-c.votes, c.unit_name))
    return {
        "ballot": ballot,
        "papers": papers,
        "hidden": hidden,
        "forms": [
            {
                "seat": seat,
                "candidates": sorted((c for c in candidates if c.seat_id == seat.pk), key=order),
                "passed": set(outcome[seat.pk].passed),
                "tied": set(outcome[seat.pk].tied),
                "seats_left": outcome[seat.pk].seats_left,
            }
            for seat in seats
        ],
    }


def ballot_outcome(term: Term) -> tuple[list[dict], bool]:
    """Return the units the ballot proposes, across its rounds, and whether a tie still waits for a further round."""
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


# The election and the dossier ---------------------------------------------------------------------


def election_candidates(term: Term) -> list:
    """Return the units that may be elected: next year's members if that year exists, else this rollover's proposal."""
    following = Term.objects.filter(bloc_id=term.bloc_id, year=term.year + 1).first()
    if following is not None:
        return [m.unit for m in term_members(following).select_related("unit")]
    return registry.term_rollover_proposal(term).units


def dossier_missing(term: Term) -> list[str]:
    """Return what the dossier still lacks before it can go to the board; empty when complete."""
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
