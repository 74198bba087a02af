"""The board's view of one year: a row per bloc and the season's charts, in a fixed number of queries.

Nothing here writes. Every function takes the provinces already authorised by
``board.access`` and reads only their records; the rows are filtered and
searched in Python, so that the count of queries depends on neither the number
of blocs nor the filters.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Bloc, Membership, Province, Term
from board.forms import NONE
from core.text import fold
from pledges.models import Pledge, Signature
from reviews.models import Dossier, Proposal, Review, ReviewEvent, SelfAssessment

# Score bins, in points on a 100-point scale (a 1000-point table is scaled down); each bin holds its lower bound.
SCORE_EDGES = (50, 60, 70, 80, 90, 100)


@dataclass
class BlocRow:
    """What the dashboard shows of one bloc's year."""

    term: Term
    name: str
    kind: str
    kind_label: str
    province_name: str
    member_count: int
    members_left: int
    pledge: Pledge | None
    pledge_state: str
    pledge_label: str
    signed: int
    required: int
    completed_on: datetime.date | None
    overdue: bool
    review: Review | None
    review_state: str
    review_label: str
    assessments_submitted: int
    assessments_total: int
    dossier: Dossier | None
    dossier_label: str
    proposals: int
    passed: int
    cut: int
    term_url: str
    review_url: str
    dossier_url: str
    # Folded for searching: the bloc's names and code; each member's name as of the year with its folded names.
    bloc_text: str = field(repr=False, default="")
    members: list[tuple[str, str]] = field(repr=False, default_factory=list)
    # The members whose names matched the search, to show why the bloc was found.
    matched_members: list[str] = field(default_factory=list)

    def matches(self, needle: str) -> bool:
        """Return True if the folded *needle* is in the bloc's name or a member unit's name; note which members."""
        self.matched_members = [name for name, text in self.members if needle in text]
        return needle in self.bloc_text or bool(self.matched_members)


def terms_of_year(province_ids, year: int, *, with_members: bool = False) -> QuerySet[Term]:
    """Return the year's terms of *province_ids* with everything a row shows (3 queries when listed).

    *with_members*: with each membership's unit and its names (2 more queries), for the search; otherwise
    the terms carry only the counts of current and former members.
    """
    live_pledges = (
        Pledge.objects.exclude(status=Pledge.Status.CANCELLED)
        # Distinct counts: the two joins multiply rows (a few hundred a pledge at most).
        .annotate(
            required_count=Count(
                "required_signers", filter=Q(required_signers__excused_at__isnull=True), distinct=True
            ),
            signed_count=Count("signatures", filter=Q(signatures__disputed_at__isnull=True), distinct=True),
        )
        .order_by("-created_at")
        # A row shows the state, the counts and the dates: not the pledge's text (several KB a pledge).
        .only("term_id", "status", "created_at", "completed_at", "signing_deadline")
    )
    terms = (
        Term.objects.filter(year=year, bloc__province_id__in=province_ids)
        .select_related("bloc__province", "review", "dossier")
        .prefetch_related("bloc__versions", Prefetch("pledges", queryset=live_pledges, to_attr="live_pledges"))
        .order_by("bloc__province__name", "bloc__kind", "bloc__name")
    )
    if with_members:
        members = Membership.objects.select_related("unit").prefetch_related("unit__versions")
        return terms.prefetch_related(Prefetch("memberships", queryset=members))
    return terms.annotate(
        current_members=Count("memberships", filter=Q(memberships__left_on__isnull=True)),
        former_members=Count("memberships", filter=Q(memberships__left_on__isnull=False)),
    )


def years(province_ids, year: int) -> list[int]:
    """Return the years that have blocs in *province_ids*, with *year* among them (1 query)."""
    found = set(
        Term.objects.filter(bloc__province_id__in=province_ids).order_by().values_list("year", flat=True).distinct()
    )
    return sorted(found | {year})


def provinces(province_ids) -> list[Province]:
    """Return the provinces of the scope, for the province filter (no query when there is only one)."""
    if len(province_ids) < 2:
        return []
    return list(Province.objects.filter(pk__in=province_ids).order_by("name"))


def _assessment_counts(province_ids, year: int) -> dict[int, tuple[int, int]]:
    """Return review id → (submitted, total) self-assessments (1 query)."""
    counts = (
        SelfAssessment.objects.filter(review__term__year=year, review__term__bloc__province_id__in=province_ids)
        .order_by()
        .values("review_id")
        .annotate(total=Count("pk"), submitted=Count("pk", filter=Q(status=SelfAssessment.Status.SUBMITTED)))
    )
    return {c["review_id"]: (c["submitted"], c["total"]) for c in counts}


def _proposal_counts(province_ids, year: int) -> list[dict]:
    """Return the proposals counted by term, award form and status (1 query): the rows' and the chart's."""
    return list(
        Proposal.objects.filter(dossier__term__year=year, dossier__term__bloc__province_id__in=province_ids)
        .order_by()
        .values("dossier__term_id", "award_form__name", "award_form__order", "status")
        .annotate(n=Count("pk"))
    )


def _labels(choices) -> dict[str, str]:
    """Return value → label in the active language: each label translated once a page, not once a row."""
    return {value: str(label) for value, label in choices}


def build_rows(
    province_ids, year: int, today: datetime.date, *, searching: bool = False
) -> tuple[list[BlocRow], list[dict]]:
    """Return one row per bloc of *year* in *province_ids*, and the proposal counts for the chart.

    5 queries; 7 when *searching*, which also gives each row its members' names as of the year (the
    search text): about three quarters of the page's time at 30 blocs of 10 members, so only then.
    """
    terms = list(terms_of_year(province_ids, year, with_members=searching))
    assessments = _assessment_counts(province_ids, year)
    proposal_counts = _proposal_counts(province_ids, year)
    proposals_by_term: dict[int, Counter] = defaultdict(Counter)
    for count in proposal_counts:
        proposals_by_term[count["dossier__term_id"]][count["status"]] += count["n"]
    kinds, pledge_states = _labels(Bloc.Kind.choices), _labels(Pledge.Status.choices)
    review_states, dossier_states = _labels(Review.Status.choices), _labels(Dossier.Status.choices)
    rows = []
    for term in terms:
        bloc = term.bloc
        day = term.as_of(today)
        name = bloc.name_on(day)
        members = []
        if searching:
            memberships = list(term.memberships.all())
            current = sum(1 for m in memberships if m.left_on is None)
            former = len(memberships) - current
            for membership in memberships:
                unit, on = membership.unit, min(membership.as_of, day)
                # One line per name: a search never matches across two names.
                names = (unit.name_on(on), unit.short_name_on(on), unit.name, unit.short_name)
                members.append((unit.name_on(on), "\n".join(fold(text) for text in names if text)))
        else:
            current, former = term.current_members, term.former_members
        pledge = term.live_pledges[0] if term.live_pledges else None
        review = getattr(term, "review", None)  # select_related: None when absent, no query
        dossier = getattr(term, "dossier", None)
        submitted, total = assessments.get(review.pk, (0, 0)) if review else (0, 0)
        proposals = proposals_by_term[term.pk]
        term_url = reverse("blocs:term_detail", args=[bloc.pk, year])
        review_url = reverse("reviews:home", args=[bloc.pk, year])
        rows.append(
            BlocRow(
                term=term,
                name=name,
                kind=bloc.kind,
                kind_label=kinds.get(bloc.kind, bloc.kind),
                province_name=bloc.province.name,
                member_count=current,
                members_left=former,
                pledge=pledge,
                pledge_state=pledge.status if pledge else NONE,
                pledge_label=pledge_states.get(pledge.status, pledge.status) if pledge else "",
                signed=pledge.signed_count if pledge else 0,
                required=pledge.required_count if pledge else 0,
                completed_on=timezone.localdate(pledge.completed_at) if pledge and pledge.completed_at else None,
                overdue=bool(
                    pledge
                    and pledge.status == Pledge.Status.OPEN
                    and pledge.signing_deadline
                    and pledge.signing_deadline < today
                ),
                review=review,
                review_state=review.status if review else NONE,
                review_label=review_states.get(review.status, review.status) if review else "",
                assessments_submitted=submitted,
                assessments_total=total,
                dossier=dossier,
                dossier_label=dossier_states.get(dossier.status, dossier.status) if dossier else "",
                proposals=sum(proposals.values()),
                passed=proposals[Proposal.Status.PASSED],
                cut=proposals[Proposal.Status.CUT],
                term_url=term_url,
                review_url=review_url,
                dossier_url=reverse("reviews:dossier", args=[dossier.pk]) if dossier else "",
                bloc_text="\n".join(fold(text) for text in (name, bloc.name, bloc.code)),
                members=members,
            )
        )
    rows.sort(key=lambda row: (row.province_name, row.kind, fold(row.name)))
    return rows, proposal_counts


def filter_rows(
    rows: list[BlocRow], *, q: str = "", kind: str = "", pledge: str = "", review: str = "", **_ignored
) -> list[BlocRow]:
    """Return the rows that match the search (diacritics ignored on both sides) and every filter."""
    needle = " ".join(fold(q).split())
    return [
        row
        for row in rows
        if (not kind or row.kind == kind)
        and (not pledge or row.pledge_state == pledge)
        and (not review or row.review_state == review)
        and (not needle or row.matches(needle))
    ]


# The charts ------------------------------------------------------------------------------------


def signing_progress(province_ids, year: int, rows: list[BlocRow]) -> dict:
    """Return the cumulative signatures by day over the year's live pledges (1 query).

    Every day from the first signature to the last is on the axis, so that the
    line's slope reads as the pace of signing.
    """
    # Days in Asia/Ho_Chi_Minh (the current time zone): a signature at 23:30 counts on that day.
    counted = (
        Signature.objects.filter(pledge__term__year=year, pledge__term__bloc__province_id__in=province_ids)
        .filter(disputed_at__isnull=True)  # a disputed paper signature no longer counts
        .exclude(pledge__status=Pledge.Status.CANCELLED)
        .annotate(day=TruncDate("signed_at"))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
    )
    per_day = {count["day"]: count["n"] for count in counted}
    required = sum(row.required for row in rows if row.pledge_state in (Pledge.Status.OPEN, Pledge.Status.COMPLETED))
    days, cumulative, table, running = [], [], [], 0
    if per_day:
        day, last = min(per_day), max(per_day)
        while day <= last:
            running += per_day.get(day, 0)
            days.append(day)
            cumulative.append(running)
            if per_day.get(day):
                table.append({"day": day, "signed": per_day[day], "cumulative": running})
            day += datetime.timedelta(days=1)
    return {
        "labels": [day.strftime("%d/%m") for day in days],
        "cumulative": cumulative,
        "required": required,
        "total": running,
        "first": days[0] if days else None,
        "last": days[-1] if days else None,
        "table": table,
    }


def _score_bin(points: Decimal) -> int:
    return sum(1 for edge in SCORE_EDGES if points >= edge)


def score_distribution(province_ids, year: int) -> dict:
    """Return the totals of the closed reviews, binned on a 100-point scale (1 query).

    The totals are those recorded in each review's closing event: the final
    ranking, as the members were shown it.
    """
    closings = ReviewEvent.objects.filter(
        kind=ReviewEvent.Kind.CLOSED, term__year=year, term__bloc__province_id__in=province_ids
    ).values_list("details", "term__scoring_table__total")
    counts = [0] * (len(SCORE_EDGES) + 1)
    units = 0
    for details, table_total in closings:
        for entry in (details or {}).get("ranking", []):
            try:
                points = Decimal(str(entry["total"]))
            except (KeyError, InvalidOperation):
                continue
            if table_total:
                points = points * 100 / Decimal(table_total)
            counts[_score_bin(points)] += 1
            units += 1
    labels = [f"< {SCORE_EDGES[0]}"]
    labels += [f"{low}–{high}" for low, high in pairwise(SCORE_EDGES)]
    labels.append(f"≥ {SCORE_EDGES[-1]}")
    return {"labels": labels, "counts": counts, "units": units, "rows": list(zip(labels, counts, strict=True))}


def awards_by_form(proposal_counts: list[dict]) -> dict:
    """Return the proposals by award form: proposed (all), passed and cut, highest award first (no query)."""
    forms: dict[tuple, Counter] = defaultdict(Counter)
    for count in proposal_counts:
        form = forms[(count["award_form__order"], count["award_form__name"])]
        form["all"] += count["n"]  # every proposal the blocs made, whatever the board decided since
        form[count["status"]] += count["n"]
    rows = [
        {
            "name": name,
            "proposed": counter["all"],
            "passed": counter[Proposal.Status.PASSED],
            "cut": counter[Proposal.Status.CUT],
        }
        for (_order, name), counter in sorted(forms.items())
    ]
    return {
        "labels": [row["name"] for row in rows],
        **{key: [row[key] for row in rows] for key in ("proposed", "passed", "cut")},
        "rows": rows,
    }


def chart_data(signing: dict, scores: dict, awards: dict) -> dict:
    """Return what ``static/js/board.js`` draws, with its labels in the active language (JSON-ready)."""
    return {
        "signing": {
            "labels": signing["labels"],
            "cumulative": signing["cumulative"],
            "required": signing["required"],
            "series": _("Signatures so far"),
            "required_series": _("Signatures required"),
            "x_title": _("Day"),
            "y_title": _("Signatures"),
        },
        "scores": {
            "labels": scores["labels"],
            "counts": scores["counts"],
            "series": _("Units"),
            "x_title": _("Total points (on a 100-point scale)"),
            "y_title": _("Units"),
        },
        "awards": {
            "labels": awards["labels"],
            "proposed": awards["proposed"],
            "passed": awards["passed"],
            "cut": awards["cut"],
            "proposed_series": _("Proposed"),
            "passed_series": _("Passed"),
            "cut_series": _("Cut"),
            "y_title": _("Proposals"),
        },
    }
