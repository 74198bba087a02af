"""The ranking as an Excel workbook: Vietnamese headers, formatted, control characters stripped."""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.templatetags.vn import long_date
from reviews import selectors
from reviews.models import Proposal, Review

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
POINTS = "0.0"


def cell_text(value) -> str:
    """Text Excel accepts: no control characters (openpyxl refuses them), no leading formula sign."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _header(sheet, row: int, headers: list[str]) -> None:
    """Write *headers* on *row*: bold, shaded, centred, boxed."""
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column, value=cell_text(header))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F3")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX


def ranking_workbook(*, term, review, table, rows) -> bytes:
    """Return the ranking of *review* as .xlsx bytes: one row per unit, one column per criterion."""
    criteria = table.criteria()
    book = Workbook()
    sheet = book.active
    sheet.title = cell_text(_("Ranking"))[:31]
    status = review.get_status_display()
    title = _("Year-end review results %(year)s – %(bloc)s") % {"year": term.year, "bloc": term.bloc.name}
    sheet["A1"] = cell_text(title)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = cell_text(
        _("Status: %(status)s · exported %(date)s") % {"status": status, "date": long_date(timezone.localdate())}
    )
    headers = [
        _("Rank"),
        _("Unit"),
        *[f"{c.code} ({_points(c.max_points)})" for c in criteria],
        _("Base"),
        _("Bonus (counted)"),
        _("Penalty (counted)"),
        _("Total"),
        _("Band"),
    ]
    header_row = 4
    _header(sheet, header_row, headers)
    for offset, row in enumerate(rows, start=1):
        result = row["result"]
        scores = {s.criterion_id: s.counted for s in row["assessment"].scores.all()}
        rank = f"{row['rank']}=" if row["tied"] else row["rank"]
        values = [
            rank,
            cell_text(row["assessment"].unit_name),
            *[scores.get(c.pk) for c in criteria],
            result.base,
            result.bonus_counted,
            result.penalty_counted,
            result.total,
            cell_text(result.band or "—"),
        ]
        for column, value in enumerate(values, start=1):
            if isinstance(value, Decimal):
                value = float(value)
            cell = sheet.cell(row=header_row + offset, column=column, value=value)
            cell.border = BOX
            if isinstance(value, float):
                cell.number_format = POINTS
        sheet.cell(row=header_row + offset, column=len(headers) - 1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 7
    sheet.column_dimensions["B"].width = 45
    for column in range(3, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 11
    sheet.column_dimensions[get_column_letter(len(headers))].width = 18
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _points(value: Decimal) -> str:
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.1f}"


def _sheet(book, title: str, headers: list[str], rows: list[list], widths: list[int]):
    sheet = book.create_sheet(cell_text(title)[:31])
    _header(sheet, 1, headers)
    for r, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            if isinstance(value, Decimal):
                value = float(value)
            elif isinstance(value, str):
                value = cell_text(value)
            cell = sheet.cell(row=r, column=column, value=value)
            cell.border = BOX
            if isinstance(value, float):
                cell.number_format = POINTS
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    return sheet


def year_workbook(*, province_ids, year: int) -> bytes:
    """The year's results (every closed review's ranking) and proposals (with the board's decisions) of the
    provinces' blocs, for the board's Excel work."""

    reviews = (
        Review.objects.filter(term__year=year, term__bloc__province_id__in=province_ids, status=Review.Status.CLOSED)
        .select_related("term__bloc")
        .order_by("term__bloc__name")
    )
    results = []
    for review in reviews:
        for row in selectors.results(review):
            result = row["result"]
            rank = f"{row['rank']}=" if row["tied"] else row["rank"]
            results.append(
                [
                    review.term.bloc.name,
                    row["assessment"].unit_name,
                    result.base,
                    result.bonus_counted,
                    result.penalty_counted,
                    result.total,
                    result.band or "—",
                    rank,
                ]
            )
    proposals = [
        [
            p.dossier.term.bloc.name,
            p.award_form.name,
            p.unit_name,
            p.votes if p.votes is not None else "—",
            p.get_status_display(),
            p.reason,
            p.dossier.decision_number,
        ]
        for p in Proposal.objects.filter(
            dossier__term__year=year, dossier__term__bloc__province_id__in=province_ids
        ).select_related("dossier__term__bloc", "award_form")
    ]
    book = Workbook()
    book.remove(book.active)
    _sheet(
        book,
        _("Results %(year)s") % {"year": year},
        [
            _("Bloc"),
            _("Unit"),
            _("Base"),
            _("Bonus (counted)"),
            _("Penalty (counted)"),
            _("Total"),
            _("Band"),
            _("Rank"),
        ],
        results,
        [40, 45, 10, 10, 10, 10, 16, 8],
    )
    _sheet(
        book,
        _("Proposals %(year)s") % {"year": year},
        [_("Bloc"), _("Award form"), _("Unit"), _("Votes"), _("Board"), _("Reason"), _("Decision")],
        proposals,
        [40, 35, 45, 8, 14, 40, 18],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
