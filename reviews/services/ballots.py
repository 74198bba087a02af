"""Nominations: the board's award forms and quotas, and the bloc's secret ballot (open, vote, close, further round)."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from blocs.models import Province, Term
from core import clock
from core.text import nfc
from reviews import notices, selectors
from reviews.models import (
    AwardForm,
    AwardQuota,
    Ballot,
    BallotRule,
    BallotSeat,
    Candidate,
    Mark,
    Paper,
    Review,
    ReviewEvent,
    ScoringTable,
    Voter,
)
from reviews.services._common import ReviewError, refuse_line_breaks
from reviews.tally import papers_needed


def award_form_set(*, actor, province, year: int, code: str, name: str, default_quota: int, order: int = 1):
    """Create or update the province's award form *code* for *year* (board only, checked by the view)."""
    if default_quota < 1:
        raise ReviewError(_("The quota is at least 1."), field="default_quota")
    refuse_line_breaks(name, field="name")
    form, _created = AwardForm.objects.update_or_create(
        province=province,
        year=year,
        code=code,
        defaults={"name": nfc(name), "default_quota": default_quota, "order": order},
    )
    return form


def ballot_rule_set(*, actor, province: Province, year: int, min_turnout_percent: int | None) -> BallotRule:
    """Set the minimum turnout (a percentage of the members at opening; None: two thirds) of *province*'s
    ballots in *year* (board only, checked by the view). Rounds already open keep the papers they were opened with.
    """
    if min_turnout_percent is not None and not 1 <= min_turnout_percent <= 100:
        raise ReviewError(_("The minimum turnout is a percentage between 1 and 100."), field="min_turnout_percent")
    with transaction.atomic():
        rule = BallotRule.objects.select_for_update().filter(province=province, year=year).first()
        if rule is not None and rule.min_turnout_percent == min_turnout_percent:
            return rule
        if rule is None:
            rule = BallotRule(province=province, year=year)
        rule.min_turnout_percent, rule.updated_by, rule.updated_at = min_turnout_percent, actor, clock.now()
        rule.save()
    return rule


def award_quota_set(*, actor, term: Term, award_form: AwardForm, quota: int) -> AwardQuota:
    """Give *term* its own quota for *award_form* (a large bloc may get 2 flags)."""
    if award_form.province_id != term.bloc.province_id or award_form.year != term.year:
        raise ReviewError(_("This award form is not one of this bloc's year."))
    row, _created = AwardQuota.objects.update_or_create(term=term, award_form=award_form, defaults={"quota": quota})
    return row


def _reaches(band: str | None, wanted: str, order: list[str]) -> bool:
    """Return True if *band* is *wanted* or a higher one (bands are listed highest first)."""
    return band is not None and band in order and order.index(band) <= order.index(wanted)


def ballot_open(*, actor, term: Term, threshold: int | None = None, min_band: str = "") -> Ballot:
    """Open the first round of the bloc's secret ballot on its award proposals."""
    with transaction.atomic():
        term = Term.objects.select_for_update().select_related("bloc").get(pk=term.pk)
        if Ballot.objects.filter(term=term).exists():
            raise ReviewError(_("This year's ballot has been opened already; a further round starts from its count."))
        forms = [(form, quota) for form, quota in selectors.quotas_for(term) if quota > 0]
        if not forms:
            raise ReviewError(_("The board has set no award forms for this province and year."))
        members = list(selectors.term_members(term).select_related("unit"))
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
                for row in selectors.results(review, table=table)
                if _reaches(row["result"].band, min_band, order)
            }
            candidates = [m for m in members if m.unit_id in reaching]
            if not candidates:
                raise ReviewError(_("No member reaches this band."), field="min_band")
        percent = selectors.min_turnout_percent(term.bloc.province_id, term.year)
        ballot = Ballot.objects.create(
            term=term,
            threshold=threshold,
            members_at_opening=len(members),
            min_papers=papers_needed(len(members), percent),
            min_band=min_band,
            opened_at=clock.now(),
        )
        for form, quota in forms:
            seat = BallotSeat.objects.create(ballot=ballot, award_form=form, seats=quota)
            Candidate.objects.bulk_create(Candidate(seat=seat, unit=m.unit, unit_name=m.unit.name) for m in candidates)
        ReviewEvent.record(
            term=term,
            actor=actor,
            kind=ReviewEvent.Kind.BALLOT_OPENED,
            details={
                "round": 1,
                "threshold": threshold,
                "min_band": min_band,
                "min_papers": ballot.min_papers,
                "min_turnout_percent": percent,
            },
        )
        notices.ballot_opened(ballot)
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
        # Lock the round: two taps of the same head would both find no vote yet, and a close at the
        # same moment could count the round without this paper.
        ballot = Ballot.objects.select_for_update().select_related("term").get(pk=ballot.pk)
        if ballot.status != Ballot.Status.OPEN:
            raise ReviewError(_("The ballot is closed."))
        member = selectors.term_members(ballot.term).filter(unit_id=actor.unit_id).select_related("unit").first()
        if member is None:
            raise ReviewError(_("Only the heads of the bloc's member units vote."))
        if Voter.objects.filter(ballot=ballot, unit_id=actor.unit_id).exists():
            raise ReviewError(_("Your unit has already voted in this round."))
        voter = Voter.objects.create(ballot=ballot, unit=member.unit, unit_name=member.unit.name, voted_at=clock.now())
        paper = Paper.objects.create(ballot=ballot)
        Mark.objects.bulk_create(Mark(paper=paper, candidate=candidate) for candidate in chosen)
        ReviewEvent.record(
            term=ballot.term,
            actor=actor,
            kind=ReviewEvent.Kind.VOTED,
            details={"unit": member.unit.name, "round": ballot.round},
        )
    return voter


def ballot_close(*, actor, ballot: Ballot) -> Ballot:
    """Close the round and count it; the count (votes per candidate, never per voter) goes in the event.

    Refused until the round has the papers its opening fixed (``Ballot.min_papers``), saying how many more.
    """
    with transaction.atomic():
        # Lock the round: a vote at the same moment is either in this count or refused as closed.
        ballot = Ballot.objects.select_for_update().select_related("term").get(pk=ballot.pk)
        if ballot.status == Ballot.Status.CLOSED:
            return ballot
        papers = ballot.papers.count()
        if papers < ballot.min_papers:
            missing = ballot.min_papers - papers
            raise ReviewError(
                ngettext(
                    "%(missing)s more ballot paper is needed before this round can be counted: "
                    "%(papers)s of the %(members)s members have voted, and the count needs %(needed)s.",
                    "%(missing)s more ballot papers are needed before this round can be counted: "
                    "%(papers)s of the %(members)s members have voted, and the count needs %(needed)s.",
                    missing,
                )
                % {
                    "missing": missing,
                    "papers": papers,
                    "members": ballot.members_at_opening,
                    "needed": ballot.min_papers,
                }
            )
        ballot.status, ballot.closed_at = Ballot.Status.CLOSED, clock.now()
        ballot.save(update_fields=["status", "closed_at"])
        count = selectors.ballot_count(ballot)
        passed = [
            {
                "form": form["seat"].award_form.code,
                "units": sorted(c.unit_name for c in form["candidates"] if c.unit_id in form["passed"]),
            }
            for form in count["forms"]
        ]
        ReviewEvent.record(
            term=ballot.term,
            actor=actor,
            kind=ReviewEvent.Kind.BALLOT_CLOSED,
            details={"round": ballot.round, "papers": count["papers"], "passed": passed},
        )
    return ballot


def ballot_runoff(*, actor, ballot: Ballot) -> Ballot:
    """Open a further round among the units tied at the edge of a quota, for the seats left."""
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().select_related("term__bloc").get(pk=ballot.pk)
        if ballot.status != Ballot.Status.CLOSED:
            raise ReviewError(_("Close and count this round first."))
        if Ballot.objects.filter(previous=ballot).exists():
            raise ReviewError(_("The further round has been opened already."))
        tied = [form for form in selectors.ballot_count(ballot)["forms"] if form["tied"]]
        if not tied:
            raise ReviewError(_("No tie at the edge of a quota: no further round is needed."))
        members = selectors.term_members(ballot.term).count()
        runoff = Ballot.objects.create(
            term=ballot.term,
            round=ballot.round + 1,
            previous=ballot,
            threshold=ballot.threshold,
            members_at_opening=members,
            min_papers=papers_needed(
                members, selectors.min_turnout_percent(ballot.term.bloc.province_id, ballot.term.year)
            ),
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
        ReviewEvent.record(
            term=ballot.term,
            actor=actor,
            kind=ReviewEvent.Kind.BALLOT_OPENED,
            details={"round": runoff.round, "threshold": runoff.threshold, "min_papers": runoff.min_papers},
        )
        notices.ballot_opened(runoff)
    return runoff
