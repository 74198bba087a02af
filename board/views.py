"""The board area: thin views over ``board.access`` and ``board.dashboard``."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from blocs.access import check_year
from board import access
from board.dashboard import (
    awards_by_form,
    build_rows,
    chart_data,
    filter_rows,
    provinces,
    score_distribution,
    signing_progress,
    years,
)
from board.forms import DashboardFilterForm


@login_required
def index(request):
    """Send the board to this year's dashboard."""
    access.board_scope(request.user)
    return redirect("board:dashboard", year=timezone.localdate().year)


@login_required
def dashboard(request, year):
    """Show the board every bloc of *year* with its pledge, review and dossier, and the season's charts.

    The search and the kind and state filters narrow the table only; the
    charts cover every bloc of the year (of the province chosen, if any).
    """
    scope = access.board_scope(request.user)
    check_year(year)  # /board/0000/ is no emulation year: 404, not a page whose links cannot be built
    form = DashboardFilterForm(request.GET)
    filters = form.filters()
    province = access.get_province_for_board(request.user, filters["province"]) if "province" in filters else None
    shown_scope = frozenset({province.pk}) if province else scope
    rows, proposal_counts = build_rows(shown_scope, year, timezone.localdate(), searching=bool(filters.get("q")))
    signing = signing_progress(shown_scope, year, rows)
    scores = score_distribution(shown_scope, year)
    awards = awards_by_form(proposal_counts)
    return render(
        request,
        "board/dashboard.html",
        {
            "year": year,
            "years": years(scope, year),
            "provinces": provinces(scope),
            "province": province,
            "form": form,
            "filters": filters,
            "rows": filter_rows(rows, **filters),
            "total_rows": len(rows),
            "signing": signing,
            "scores": scores,
            "awards": awards,
            "award_totals": {key: sum(awards[key]) for key in ("proposed", "passed", "cut")},
            "data": chart_data(signing, scores, awards),
        },
    )
