"""Views of the bloc's dossier to the board and the board's review of it, and the board's Excel export of the year."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blocs.access import board_province_ids, check_year, require_board
from core.errors import ServiceError, run_action, run_service
from core.files import private_file_response
from reviews import access, export, selectors, services
from reviews.forms import DecisionForm, DossierForm, ProposalDecisionForm, ReturnForm
from reviews.models import Dossier, ReviewEvent


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
        "missing": selectors.dossier_missing(term) if dossier.status in ("draft", "returned") else [],
        "events": list(events.order_by("-created_at", "-id")),
        "return_form": ReturnForm(),
        "decision_form": DecisionForm(),
        "pledge": term.pledges.filter(status="completed").first(),
        "passed": sum(1 for p in proposals if p.status == "passed"),
        "cut": sum(1 for p in proposals if p.status == "cut"),
        "waiting": sum(1 for p in proposals if p.status == "proposed"),
    }
    return render(request, "reviews/dossier.html", context)


@require_POST
@login_required
def dossier_submit(request, pk):
    dossier = access.get_dossier(request.user, pk, for_edit=True)
    run_action(
        request,
        lambda: services.dossier_submit(actor=request.user, term=dossier.term),
        _("The dossier has been submitted to the board."),
    )
    return redirect("reviews:dossier", pk=dossier.pk)


@require_POST
@login_required
def dossier_return(request, pk):
    dossier = access.get_dossier(request.user, pk)
    access.require_board_for(dossier)
    form = ReturnForm(request.POST)
    if form.is_valid():
        comment = form.cleaned_data["comment"]
        run_action(
            request,
            lambda: services.dossier_return(actor=request.user, dossier=dossier, comment=comment),
            _("The dossier has been returned to the bloc."),
        )
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
    # Back to the row just decided, its outcome beside it: the board works down a long list on a phone.
    anchor = f"proposal-{proposal.pk}"
    form = ProposalDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to pass or to cut the proposal."), extra_tags=anchor)
    else:
        data = form.cleaned_data
        passed = data["decision"] == "pass"
        try:
            services.proposal_decide(actor=request.user, proposal=proposal, passed=passed, reason=data["reason"])
        except ServiceError as error:
            messages.error(request, error.message, extra_tags=anchor)
        else:
            messages.success(request, _("Saved."), extra_tags=anchor)
    return redirect(reverse("reviews:dossier", args=[dossier.pk]) + f"#{anchor}")


@require_POST
@login_required
def dossier_decide(request, pk):
    dossier = access.get_dossier(request.user, pk)
    access.require_board_for(dossier)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[name].label}: {' '.join(found)}" if name in form.fields else " ".join(found)
            for name, found in form.errors.items()
        )
        messages.error(request, _("The decision needs its number, date (dd/mm/yyyy) and signer.") + f" ({errors})")
    else:
        run_action(
            request,
            lambda: services.dossier_decide(actor=request.user, dossier=dossier, **form.cleaned_data),
            _("The decision is recorded."),
        )
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
    require_board(request.user)
    check_year(year)
    data = export.year_workbook(province_ids=board_province_ids(request.user), year=year)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ket-qua-thi-dua-{year}.xlsx"'
    return response
