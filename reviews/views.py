"""Thin views of the year-end review: access → form → service → redirect."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blocs.models import Unit
from core.errors import run_service
from core.files import private_file_response
from reviews import access, export, services
from reviews.forms import (
    AdjustForm,
    AssessmentForm,
    AwardFormForm,
    BallotOpenForm,
    DecisionForm,
    DossierForm,
    ElectionForm,
    EvidenceForm,
    ProposalDecisionForm,
    QuotaForm,
    ReturnForm,
    ReviewOpenForm,
    TableImportForm,
    VoteForm,
)
from reviews.models import (
    AwardForm,
    Ballot,
    Criterion,
    CriterionScore,
    Dossier,
    Election,
    Review,
    ReviewEvent,
    ScoringTable,
    SelfAssessment,
)


def _home(term):
    return redirect("reviews:home", pk=term.bloc_id, year=term.year)


def _table(term) -> ScoringTable | None:
    """The year's table with all its parts (a fixed number of queries), or None."""
    return ScoringTable.objects.with_parts().filter(term=term).first()


@login_required
def review_home(request, pk, year):
    """The year's review: the table, the self-assessments' progress, the actions of each role."""
    term = access.get_term(request.user, pk, year)
    review, roles = term.review_or_none, term.roles
    assessments, own = [], None
    if review is not None:
        rows = review.assessments.annotate(filled=Count("scores")).order_by("unit_name")
        if not (roles.can_edit or review.status == Review.Status.CLOSED):
            rows = rows.filter(unit_id=request.user.unit_id)
        assessments = list(rows)
        own = next((a for a in assessments if a.unit_id == request.user.unit_id), None)
    table = term.table_or_none
    criteria_count = Criterion.objects.filter(group__table=table).count() if table else 0
    context = {
        "term": term,
        "roles": roles,
        "review": review,
        "table": table,
        "criteria_count": criteria_count,
        "assessments": assessments,
        "own": own,
        "submitted": sum(1 for a in assessments if a.status == SelfAssessment.Status.SUBMITTED),
        "can_see_ranking": review is not None and access.can_see_ranking(term),
        "events": list(
            ReviewEvent.objects.filter(term=term).select_related("actor").order_by("-created_at", "-id")[:30]
        )
        if roles.can_edit
        else [],
        "open_form": ReviewOpenForm() if roles.can_edit and table and review is None else None,
    }
    return render(request, "reviews/home.html", context)


@login_required
def table_detail(request, pk, year):
    """The scoring table as its members read it: groups, criteria, bonus and penalty lines, bands."""
    term = access.get_term(request.user, pk, year)
    table = _table(term)
    can_change = term.roles.can_edit and (table is None or table.frozen_at is None)
    context = {
        "term": term,
        "table": table,
        "lines": list(table.lines.all()) if table else [],
        "can_change": can_change,
        "copy_source": services.table_copy_source(term) if can_change else None,
    }
    return render(request, "reviews/table.html", context)


@login_required
def table_import(request, pk, year):
    term = access.get_term(request.user, pk, year, for_edit=True)
    form = TableImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["data"]
        if run_service(form, lambda: services.table_set(actor=request.user, term=term, data=data)):
            messages.success(request, _("The scoring table has been imported."))
            return redirect("reviews:table", pk=term.bloc_id, year=term.year)
    return render(request, "reviews/table_import.html", {"term": term, "form": form})


@require_POST
@login_required
def table_copy(request, pk, year):
    """Start the year's table from last year's (source=previous) or from the project's example (source=example)."""
    term = access.get_term(request.user, pk, year, for_edit=True)
    try:
        if request.POST.get("source") == "example":
            services.table_set(actor=request.user, term=term, data=services.example_table())
        else:
            source = services.table_copy_source(term)
            if source is None:
                raise services.ReviewError(_("There is no earlier table to copy."))
            services.table_copy(actor=request.user, term=term, source=source)
    except services.ReviewError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The scoring table is ready: check it before opening self-assessment."))
    return redirect("reviews:table", pk=term.bloc_id, year=term.year)


@login_required
def table_json(request, pk, year):
    term = access.get_term(request.user, pk, year)
    table = _table(term)
    if table is None:
        raise Http404(_("This year has no scoring table yet."))
    body = json.dumps(services.table_as_json(table), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bang-diem-{term.year}.json"'
    return response


@login_required
def review_open(request, pk, year):
    term = access.get_term(request.user, pk, year, for_edit=True)
    form = ReviewOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        deadline = form.cleaned_data["deadline"]
        if run_service(form, lambda: services.review_open(actor=request.user, term=term, deadline=deadline)):
            messages.success(request, _("Self-assessment is open; the table is frozen."))
            return _home(term)
    title = _("Open self-assessment for %(term)s") % {"term": term}
    return render(request, "blocs/form.html", {"form": form, "title": title, "back": _home(term).url})


def _review_action(request, pk, year, action, done: str):
    review = access.get_review(request.user, pk, year, for_edit=True)
    try:
        action(actor=request.user, review=review)
    except services.ReviewError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return _home(review.term)


@require_POST
@login_required
def review_start(request, pk, year):
    return _review_action(request, pk, year, services.review_start, _("The bloc's review has started."))


@require_POST
@login_required
def review_close(request, pk, year):
    return _review_action(
        request, pk, year, services.review_close, _("The review is closed; the ranking is shown to the members.")
    )


@require_POST
@login_required
def review_remind(request, pk, year):
    review = access.get_review(request.user, pk, year, for_edit=True)
    try:
        sent = services.review_remind(actor=request.user, review=review)
    except services.ReviewError as error:
        messages.error(request, error.message)
    else:
        if sent:
            messages.success(request, _("Reminder sent to %(count)s head(s).") % {"count": sent})
        else:
            messages.info(request, _("Everybody who has not submitted was already reminded today."))
    return _home(review.term)


def _ranking(request, pk, year):
    term = access.get_term(request.user, pk, year)
    access.require_ranking(term)
    review = term.review_or_none
    table = _table(term)
    rows = services.results(review, table=table)
    return term, review, table, rows


@login_required
def ranking(request, pk, year):
    """The totals, bands and ranks; ties are shown as ties."""
    term, review, table, rows = _ranking(request, pk, year)
    unranked = review.assessments.filter(status=SelfAssessment.Status.DRAFT).values_list("unit_name", flat=True)
    context = {
        "term": term,
        "review": review,
        "table": table,
        "bands": list(table.bands.all()),
        "rows": rows,
        "unranked": list(unranked),
    }
    return render(request, "reviews/ranking.html", context)


@login_required
def ranking_xlsx(request, pk, year):
    term, review, table, rows = _ranking(request, pk, year)
    data = export.ranking_workbook(term=term, review=review, table=table, rows=rows)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="xep-hang-{term.year}-{term.bloc_id}.xlsx"'
    return response


def _assessment_parts(assessment):
    """The frozen table and the unit's scores, claims and evidence, in a fixed number of queries."""
    table = _table(assessment.review.term)
    criteria = table.criteria()
    lines = list(table.lines.all())
    scores = {
        s.criterion_id: s for s in CriterionScore.objects.filter(assessment=assessment).select_related("criterion")
    }
    claims = {c.line_id: c for c in assessment.claims.all()}
    evidence = list(assessment.evidence.select_related("criterion")) if assessment.can_see_evidence else []
    return table, criteria, lines, scores, claims, evidence


@login_required
def assessment_detail(request, pk):
    """A unit's self-assessment: filled in by its staff, submitted by its head, adjusted at the bloc's review."""
    assessment = access.get_assessment(request.user, pk)
    table, criteria, lines, scores, claims, evidence = _assessment_parts(assessment)
    data = request.POST if request.method == "POST" else None
    form = adjust_form = None
    if assessment.can_fill:
        form = AssessmentForm(data, criteria=criteria, lines=lines, scores=scores, claims=claims)
        if data is not None and form.is_valid():
            saved = run_service(
                form,
                lambda: services.assessment_save(
                    actor=request.user, assessment=assessment, scores=form.scores(), claims=form.claims()
                ),
            )
            if saved:
                messages.success(request, _("Saved."))
                return redirect(assessment_url(assessment))
    elif assessment.can_adjust:
        ordered = [scores[c.pk] for c in criteria if c.pk in scores]
        adjust_form = AdjustForm(data, scores=ordered)
        if data is not None and adjust_form.is_valid():
            changed = run_service(
                adjust_form,
                lambda: services.scores_adjust(
                    actor=request.user, assessment=assessment, changes=adjust_form.changes()
                ),
            )
            if changed is not None:
                messages.success(request, _("Scores confirmed; %(count)s adjusted.") % {"count": changed})
                return redirect(assessment_url(assessment))
    elif data is not None:
        access.require(False, _("This self-assessment cannot be changed now."))
    result = None
    if assessment.status == SelfAssessment.Status.SUBMITTED and len(scores) == len(criteria):
        result = next(
            (row for row in services.results(assessment.review, table=table) if row["assessment"].pk == assessment.pk),
            None,
        )
    context = {
        "assessment": assessment,
        "review": assessment.review,
        "term": assessment.review.term,
        "table": table,
        "rows": [{"criterion": c, "score": scores.get(c.pk)} for c in criteria],
        "line_rows": [{"line": x, "claim": claims.get(x.pk)} for x in lines],
        "evidence": evidence,
        "form": form,
        "adjust_form": adjust_form,
        "evidence_form": EvidenceForm(criteria=Criterion.objects.filter(group__table=table))
        if assessment.can_fill
        else None,
        "missing": len(criteria) - len(scores),
        "result": result,
    }
    return render(request, "reviews/assessment.html", context)


def assessment_url(assessment) -> str:
    return reverse("reviews:assessment", args=[assessment.pk])


@require_POST
@login_required
def assessment_submit(request, pk):
    assessment = access.get_assessment(request.user, pk)
    access.require(assessment.own, _("Only the unit's own head submits its self-assessment."))
    try:
        services.assessment_submit(actor=request.user, assessment=assessment)
    except services.ReviewError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The self-assessment has been submitted to the bloc; it is now locked."))
    return redirect(assessment_url(assessment))


@login_required
def evidence_add(request, pk):
    assessment = access.get_assessment(request.user, pk)
    access.require(assessment.own, _("Only the unit's own staff attach its evidence."))
    table = _table(assessment.review.term)
    form = EvidenceForm(
        request.POST or None, request.FILES or None, criteria=Criterion.objects.filter(group__table=table)
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        added = run_service(
            form,
            lambda: services.evidence_add(
                actor=request.user,
                assessment=assessment,
                data=upload.data,
                name=upload.name,
                criterion=form.cleaned_data["criterion"],
            ),
        )
        if added:
            messages.success(request, _("Evidence attached: %(name)s.") % {"name": added.original_name})
            return redirect(assessment_url(assessment) + "#evidence")
    return render(request, "reviews/evidence_form.html", {"assessment": assessment, "form": form})


@login_required
def evidence_file(request, pk):
    evidence = access.get_evidence(request.user, pk)
    return private_file_response(
        evidence.file, content_type=evidence.content_type, filename=evidence.original_name, sandbox=True
    )


@require_POST
@login_required
def evidence_remove(request, pk):
    evidence = access.get_evidence(request.user, pk)
    assessment = evidence.assessment
    access.require(assessment.own, _("Only the unit's own staff remove its evidence."))
    try:
        services.evidence_remove(actor=request.user, evidence=evidence)
    except services.ReviewError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Evidence removed: %(name)s.") % {"name": evidence.original_name})
    return redirect(assessment_url(assessment) + "#evidence")


# Nominations: award forms, quotas and the secret ballot --------------------------------------


def _bands(term) -> list[str]:
    table = term.table_or_none
    return list(table.bands.values_list("name", flat=True)) if table else []


@login_required
def ballot_home(request, pk, year):
    """The year's award forms with the bloc's quotas, and the rounds of its secret ballot."""
    term = access.get_term(request.user, pk, year)
    ballots = list(term.ballots.order_by("round"))
    quotas = services.quotas_for(term)
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
            (f for f, _quota in services.quotas_for(term) if f.pk == form.cleaned_data["award_form"]), None
        )
    if award_form is None:
        messages.error(request, _("Choose a quota between 0 and 50 for one of this year's award forms."))
    else:
        try:
            services.award_quota_set(
                actor=request.user, term=term, award_form=award_form, quota=form.cleaned_data["quota"]
            )
        except services.ReviewError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Quota saved."))
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
    count = services.ballot_count(ballot) if ballot.status == Ballot.Status.CLOSED else None
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
    }
    return render(request, "reviews/ballot.html", context)


def _ballot_action(request, pk, action, done: str):
    ballot = access.get_ballot(request.user, pk, for_edit=True)
    try:
        result = action(actor=request.user, ballot=ballot)
    except services.ReviewError as error:
        messages.error(request, error.message)
        return redirect("reviews:ballot", pk=ballot.pk)
    messages.success(request, done)
    return redirect("reviews:ballot", pk=result.pk)


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
    """The board's award forms of one year (quota per bloc by default)."""
    province = access.get_board_province(request.user, request.GET.get("province") or request.POST.get("province"))
    form = AwardFormForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(form, lambda: services.award_form_set(actor=request.user, province=province, year=year, **data)):
            messages.success(request, _("Award form saved."))
            return redirect(f"{reverse('reviews:award_forms', args=[year])}?province={province.pk}")
    forms = AwardForm.objects.filter(province=province, year=year)
    context = {"province": province, "year": year, "forms": forms, "form": form}
    return render(request, "reviews/award_forms.html", context)


@login_required
def election(request, pk, year):
    """Record next year's chair and vice-chair as the year-end meeting elected them."""
    term = access.get_term(request.user, pk, year, for_edit=True)
    candidates = services.election_candidates(term)
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


# The dossier and the board's review of it ------------------------------------------------------


@login_required
def dossier_prepare(request, pk, year):
    """The chair's officer sets the cover request's particulars; the dossier page then shows what is missing."""
    term = access.get_term(request.user, pk, year, for_edit=True)
    current = Dossier.objects.filter(term=term).first()
    initial = (
        {
            "number": current.number,
            "place": current.place,
            "signed_on": current.signed_on,
            "recipients": current.recipients,
        }
        if current
        else {
            "place": term.bloc.province.name,
            "recipients": "- Ban Thi đua - Khen thưởng tỉnh;\n- Các đơn vị thành viên;\n- Lưu: VT.",
        }
    )
    form = DossierForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        dossier = run_service(
            form, lambda: services.dossier_prepare(actor=request.user, term=term, **form.cleaned_data)
        )
        if dossier:
            messages.success(request, _("Saved."))
            return redirect("reviews:dossier", pk=dossier.pk)
    title = _("Dossier to the board, %(year)s") % {"year": term.year}
    back = reverse("reviews:ballot_home", args=[term.bloc_id, term.year])
    return render(request, "blocs/form.html", {"form": form, "title": title, "back": back})


@login_required
def dossier_detail(request, pk):
    """The dossier: its parts, its proposals, and the board's review (pass or cut each, return, decide)."""
    dossier = access.get_dossier(request.user, pk)
    term = dossier.term
    proposals = list(dossier.proposals.select_related("award_form"))
    events = ReviewEvent.objects.filter(
        term=term,
        kind__in=[
            ReviewEvent.Kind.DOSSIER_SUBMITTED,
            ReviewEvent.Kind.DOSSIER_RETURNED,
            ReviewEvent.Kind.PROPOSAL_PASSED,
            ReviewEvent.Kind.PROPOSAL_CUT,
            ReviewEvent.Kind.DECIDED,
        ],
    ).select_related("actor")
    context = {
        "dossier": dossier,
        "term": term,
        "roles": term.roles,
        "proposals": proposals,
        "missing": services.dossier_missing(term) if dossier.status in ("draft", "returned") else [],
        "events": list(events.order_by("-created_at", "-id")),
        "return_form": ReturnForm(),
        "decision_form": DecisionForm(),
        "pledge": term.pledges.filter(status="completed").first(),
        "passed": sum(1 for p in proposals if p.status == "passed"),
        "cut": sum(1 for p in proposals if p.status == "cut"),
    }
    return render(request, "reviews/dossier.html", context)


@require_POST
@login_required
def dossier_submit(request, pk):
    dossier = access.get_dossier(request.user, pk, for_edit=True)
    try:
        services.dossier_submit(actor=request.user, term=dossier.term)
    except services.ReviewError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The dossier has been submitted to the board."))
    return redirect("reviews:dossier", pk=dossier.pk)


@require_POST
@login_required
def dossier_return(request, pk):
    dossier = access.get_dossier(request.user, pk)
    access.require_board_for(dossier)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.dossier_return(actor=request.user, dossier=dossier, comment=form.cleaned_data["comment"])
        except services.ReviewError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The dossier has been returned to the bloc."))
    else:
        messages.error(request, _("Say what the bloc should correct."))
    return redirect("reviews:dossier", pk=dossier.pk)


@require_POST
@login_required
def proposal_decide(request, pk, proposal_pk):
    dossier = access.get_dossier(request.user, pk)
    access.require_board_for(dossier)
    proposal = dossier.proposals.filter(pk=proposal_pk).first()
    if proposal is None:
        raise Http404(_("No such proposal."))
    form = ProposalDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to pass or to cut the proposal."))
    else:
        try:
            services.proposal_decide(
                actor=request.user,
                proposal=proposal,
                passed=form.cleaned_data["decision"] == "pass",
                reason=form.cleaned_data["reason"],
            )
        except services.ReviewError as error:
            messages.error(request, f"{proposal.unit_name}: {error.message}")
    return redirect(reverse("reviews:dossier", args=[dossier.pk]) + "#proposals")


@require_POST
@login_required
def dossier_decide(request, pk):
    dossier = access.get_dossier(request.user, pk)
    access.require_board_for(dossier)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The decision needs its number, date (dd/mm/yyyy) and signer."))
    else:
        try:
            services.dossier_decide(actor=request.user, dossier=dossier, **form.cleaned_data)
        except services.ReviewError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The decision is recorded."))
    return redirect("reviews:dossier", pk=dossier.pk)


@login_required
def dossier_pdf(request, pk, part):
    dossier = access.get_dossier(request.user, pk)
    field = {"minutes": dossier.minutes_pdf, "request": dossier.request_pdf}.get(part)
    name = {"minutes": "Bien-ban", "request": "To-trinh"}.get(part, "")
    return private_file_response(field, content_type="application/pdf", filename=f"{name}-{dossier.term.year}.pdf")


@login_required
def year_xlsx(request, year):
    """The board's export of the year: results and proposals of every bloc of its province(s)."""
    from blocs.access import board_province_ids, require_board

    require_board(request.user)
    data = export.year_workbook(province_ids=board_province_ids(request.user), year=year)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ket-qua-thi-dua-{year}.xlsx"'
    return response
