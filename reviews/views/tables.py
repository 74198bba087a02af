"""Views of the scoring table: read it, import it as JSON, start it from last year's or the example, download it."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import run_action, run_service
from reviews import access, selectors, services
from reviews.forms import TableImportForm


@login_required
def table_detail(request, pk, year):
    """The scoring table as its members read it: groups, criteria, bonus and penalty lines, bands."""
    term = access.get_term(request.user, pk, year)
    table = selectors.table_with_parts(term)
    can_change = term.roles.can_edit and (table is None or table.frozen_at is None)
    context = {
        "term": term,
        "table": table,
        "lines": list(table.lines.all()) if table else [],
        "can_change": can_change,
        "copy_source": selectors.table_copy_source(term) if can_change else None,
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
    ready = _("The scoring table is ready: check it before opening self-assessment.")
    if request.POST.get("source") == "example":
        data = selectors.example_table()
        run_action(request, lambda: services.table_set(actor=request.user, term=term, data=data), ready)
    elif (source := selectors.table_copy_source(term)) is None:
        messages.error(request, _("There is no earlier table to copy."))
    else:
        run_action(request, lambda: services.table_copy(actor=request.user, term=term, source=source), ready)
    return redirect("reviews:table", pk=term.bloc_id, year=term.year)


@login_required
def table_json(request, pk, year):
    term = access.get_term(request.user, pk, year)
    table = selectors.table_with_parts(term)
    if table is None:
        raise Http404(_("This year has no scoring table yet."))
    body = json.dumps(selectors.table_as_json(table), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bang-diem-{term.year}.json"'
    return response
