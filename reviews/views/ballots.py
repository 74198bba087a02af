"""Views of the nominations: the board's award forms and quotas, the secret ballot's rounds, and the election
of next year's chair and vice-chair."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blocs.access import check_year
from blocs.models import Unit
from core.errors import run_action, run_service
from reviews import access, selectors, services
from reviews.forms import AwardFormForm, BallotOpenForm, BallotRuleForm, ElectionForm, QuotaForm, VoteForm
from reviews.models import AwardForm, Ballot, Dossier, Election
from reviews.tally import MIN_PAPERS_SHOWN


def _bands(term) -> list[str]:
    table = term.table_or_none
    return list(table.bands.values_list("name", flat=True)) if table else []


@login_required
def ballot_home(request, pk, year):
    """The year's award forms with the bloc's quotas, and the rounds of its secret ballot."""
    term = access.get_term(request.user, pk, year)
    ballots = list(term.ballots.order_by("round"))
    quotas = selectors.quotas_for(term)
    context = {
        "term": term,
        "roles": term.roles,
        "ballots": ballots,
        "quotas": [
            {"form": form, "quota": quota, "quota_form": QuotaForm(initial={"quota": quota, "award_form": form.pk})}
            for form, quota in quotas
        ],
        "open_form": BallotOpenForm(bands=_bands(term)) if term.roles.can_edit and not ballots else None,
        "election": Election.objects.filter(term=term).select_related("chair", "vice_chair").first(),
        "dossier": Dossier.objects.filter(term=term).first(),
    }
    return render(request, "reviews/ballot_home.html", context)


@require_POST
@login_required
def ballot_open(request, pk, year):
    term = access.get_term(request.user, pk, year, for_edit=True)
    form = BallotOpenForm(request.POST, bands=_bands(term))
    if form.is_valid():
        data = form.cleaned_data
        ballot = run_service(
            form,
            lambda: services.ballot_open(
                actor=request.user, term=term, threshold=data["threshold"], min_band=data["min_band"]
            ),
        )
        if ballot:
            messages.success(request, _("The ballot is open: each member's head now votes."))
            return redirect("reviews:ballot", pk=ballot.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("reviews:ballot_home", pk=term.bloc_id, year=term.year)


@require_POST
@login_required
def quota_set(request, pk, year):
    term = access.get_term(request.user, pk, year)
    access.require_board_of(request.user, term)
    form = QuotaForm(request.POST)
    award_form = None
    if form.is_valid():
        award_form = next(
            (f for f, _quota in selectors.quotas_for(term) if f.pk == form.cleaned_data["award_form"]), None
        )
    if award_form is None:
        messages.error(request, _("Choose a quota between 0 and 50 for one of this year's award forms."))
    else:
        quota = form.cleaned_data["quota"]
        run_action(
            request,
            lambda: services.award_quota_set(actor=request.user, term=term, award_form=award_form, quota=quota),
            _("Quota saved."),
        )
    return redirect("reviews:ballot_home", pk=term.bloc_id, year=term.year)


@login_required
def ballot_detail(request, pk):
    """One round: the candidates, who has voted (never what), the head's ballot paper, and the count once closed."""
    ballot = access.get_ballot(request.user, pk)
    term, roles = ballot.term, ballot.term.roles
    seats = list(ballot.seats.select_related("award_form").prefetch_related("candidates").order_by("award_form__order"))
    voters = list(ballot.voters.all())
    voted = any(v.unit_id == request.user.unit_id for v in voters)
    can_vote = ballot.status == Ballot.Status.OPEN and roles.head and not voted
    form = VoteForm(request.POST or None, seats=seats) if can_vote else None
    if request.method == "POST":
        access.require(can_vote, _("Your unit cannot vote in this round (already voted, or not its head)."))
        if form.is_valid():
            done = run_service(
                form, lambda: services.vote_cast(actor=request.user, ballot=ballot, choices=form.choices())
            )
            if done:
                messages.success(request, _("Your unit's ballot has been cast. Nobody can see how it voted."))
                return redirect("reviews:ballot", pk=ballot.pk)
    count = selectors.ballot_count(ballot) if ballot.status == Ballot.Status.CLOSED else None
    context = {
        "ballot": ballot,
        "term": term,
        "roles": roles,
        "seats": seats,
        "voters": voters,
        "voted": voted,
        "form": form,
        "count": count,
        "has_tie": bool(count) and any(f["tied"] for f in count["forms"]),
        "has_next": Ballot.objects.filter(previous=ballot).exists(),
        "min_papers_shown": MIN_PAPERS_SHOWN,
    }
    return render(request, "reviews/ballot.html", context)


def _ballot_action(request, pk, action, done: str):
    ballot = access.get_ballot(request.user, pk, for_edit=True)
    outcome = run_action(request, lambda: action(actor=request.user, ballot=ballot), done)
    # A further round has its own page: go there once it is open.
    return redirect("reviews:ballot", pk=outcome.result.pk if outcome else ballot.pk)


@require_POST
@login_required
def ballot_close(request, pk):
    return _ballot_action(request, pk, services.ballot_close, _("The round is closed and counted."))


@require_POST
@login_required
def ballot_runoff(request, pk):
    return _ballot_action(request, pk, services.ballot_runoff, _("A further round is open among the tied units."))


@login_required
def award_forms(request, year):
    """The board's award forms of one year (quota per bloc by default) and the ballot's minimum turnout."""
    check_year(year)
    province = access.get_board_province(request.user, request.GET.get("province") or request.POST.get("province"))
    back = f"{reverse('reviews:award_forms', args=[year])}?province={province.pk}"
    percent = selectors.min_turnout_percent(province.pk, year)
    posted = request.POST if request.method == "POST" else None
    turnout_posted = posted is not None and posted.get("action") == "turnout"
    form = AwardFormForm(None if turnout_posted else posted)
    rule_form = BallotRuleForm(posted if turnout_posted else None, initial={"min_turnout_percent": percent})
    if turnout_posted and rule_form.is_valid():
        value = rule_form.cleaned_data["min_turnout_percent"]
        if run_service(
            rule_form,
            lambda: services.ballot_rule_set(
                actor=request.user, province=province, year=year, min_turnout_percent=value
            ),
        ):
            messages.success(request, _("Minimum turnout saved."))
            return redirect(back)
    elif posted is not None and not turnout_posted and form.is_valid():
        data = form.cleaned_data
        if run_service(form, lambda: services.award_form_set(actor=request.user, province=province, year=year, **data)):
            messages.success(request, _("Award form saved."))
            return redirect(back)
    forms = AwardForm.objects.filter(province=province, year=year)
    context = {
        "province": province,
        "year": year,
        "forms": forms,
        "form": form,
        "rule_form": rule_form,
        "min_turnout_percent": percent,
        "min_papers_shown": MIN_PAPERS_SHOWN,
    }
    return render(request, "reviews/award_forms.html", context)


@login_required
def election(request, pk, year):
    """Record next year's chair and vice-chair as the year-end meeting elected them."""
    term = access.get_term(request.user, pk, year, for_edit=True)
    candidates = selectors.election_candidates(term)
    current = getattr(term, "election", None)
    initial = (
        {
            "chair": current.chair,
            "vice_chair": current.vice_chair,
            "method": current.method,
            "chair_votes": current.chair_votes,
            "vice_chair_votes": current.vice_chair_votes,
            "reference": current.reference,
        }
        if current
        else {"method": Election.Method.BALLOT}
    )
    units = Unit.objects.filter(pk__in=[u.pk for u in candidates]).order_by("name")
    form = ElectionForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(form, lambda: services.election_record(actor=request.user, term=term, **form.cleaned_data))
        if done:
            messages.success(request, _("Next year's chair and vice-chair are recorded."))
            return redirect("reviews:ballot_home", pk=term.bloc_id, year=term.year)
    title = _("Election of the chair and vice-chair for %(year)s") % {"year": term.year + 1}
    back = reverse("reviews:ballot_home", args=[term.bloc_id, term.year])
    return render(request, "blocs/form.html", {"form": form, "title": title, "back": back})
