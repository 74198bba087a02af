"""Views of the year's review: its home page, opening and closing it, the reminders, the ranking, and each
unit's self-assessment with its evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import run_action, run_service
from core.files import private_file_response
from reviews import access, export, selectors, services
from reviews.forms import AdjustForm, AssessmentForm, EvidenceForm, ReviewOpenForm
from reviews.models import Criterion, CriterionScore, Review, ReviewEvent, SelfAssessment


def _home(term):
    return redirect("reviews:home", pk=term.bloc_id, year=term.year)


@login_required
def review_home(request, pk, year):
    """The year's review: the table, the self-assessments' progress, the actions of each role."""
    term = access.get_term(request.user, pk, year)
    review, roles = term.review_or_none, term.roles
    assessments, own = [], None
    if review is not None:
        rows = review.assessments.annotate(filled=Count("scores")).order_by("unit_name")
        if not (roles.can_oversee or review.status == Review.Status.CLOSED):
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
        if roles.can_oversee
        else [],
        "open_form": ReviewOpenForm() if roles.can_edit and table and review is None else None,
    }
    return render(request, "reviews/home.html", context)


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
    run_action(request, lambda: action(actor=request.user, review=review), done)
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
    outcome = run_action(
        request,
        lambda: services.review_remind(actor=request.user, review=review),
        lambda sent: _("Reminder sent to %(count)s head(s).") % {"count": sent} if sent else None,
    )
    if outcome and not outcome.result:
        messages.info(request, _("Everybody who has not submitted was already reminded today."))
    return _home(review.term)


def _ranking(request, pk, year):
    term = access.get_term(request.user, pk, year)
    access.require_ranking(term)
    review = term.review_or_none
    table = selectors.table_with_parts(term)
    rows = selectors.results(review, table=table)
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
    table = selectors.table_with_parts(assessment.review.term)
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
            (row for row in selectors.results(assessment.review, table=table) if row["assessment"].pk == assessment.pk),
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
    run_action(
        request,
        lambda: services.assessment_submit(actor=request.user, assessment=assessment),
        _("The self-assessment has been submitted to the bloc; it is now locked."),
    )
    return redirect(assessment_url(assessment))


@login_required
def evidence_add(request, pk):
    assessment = access.get_assessment(request.user, pk)
    access.require(assessment.own, _("Only the unit's own staff attach its evidence."))
    table = selectors.table_with_parts(assessment.review.term)
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
    run_action(
        request,
        lambda: services.evidence_remove(actor=request.user, evidence=evidence),
        _("Evidence removed: %(name)s.") % {"name": evidence.original_name},
    )
    return redirect(assessment_url(assessment) + "#evidence")
