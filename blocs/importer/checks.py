"""The rows of the units, blocs and members sheets, against each other and the registry."""

import datetime
from collections import defaultdict

from django.utils.translation import gettext as _

from blocs.importer.report import Report
from blocs.importer.sheets import _KINDS, BLOCS, MEMBERS, UNITS, _fill, _flag, _key, _seen_before, _text, _year
from blocs.models import Bloc, Membership, Term, Unit


def _gone_by(unit: Unit, day: datetime.date) -> bool:
    """Return True if the existing *unit* was merged or closed on or before *day*."""
    end = unit.merged_on or unit.closed_on
    return end is not None and end <= day


def _check_new_code(code: str, number: int, seen: dict, existing: set, known: dict, problems: list, taken: str) -> None:
    """Refuse a code met earlier in the file or already in the province (*taken*); remember a new one."""
    if code in seen:
        problems.append(_seen_before(code, seen[code]))
    elif code in existing:
        problems.append(taken % {"code": code})
    if code:
        seen.setdefault(code, number)
        known.setdefault(code, None)


def _check_units(rows, province, report, plan) -> dict[str, Unit | None]:
    """Return every unit code the other sheets may use: existing units, and None for the file's."""
    known: dict[str, Unit | None] = {u.code: u for u in Unit.objects.filter(province=province)}
    existing = set(known)
    seen: dict[str, int] = {}
    for row in rows:
        problems: list[str] = []
        values = _fill(UNITS, row.values, problems, required=("code", "name", "head_title"))
        code = values["code"] = values["code"].upper()
        _check_new_code(
            code, row.number, seen, existing, known, problems, _("A unit with code %(code)s exists in this province.")
        )
        for problem in problems:
            report.reject(UNITS, row.number, problem)
        if not problems:
            plan.units.append({"row": row.number, **values})
    return known


def _check_blocs(rows, province, report, plan) -> dict[str, Bloc | None]:
    known: dict[str, Bloc | None] = {b.code: b for b in Bloc.objects.filter(province=province)}
    existing = set(known)
    seen: dict[str, int] = {}
    for row in rows:
        problems: list[str] = []
        values = _fill(BLOCS, row.values, problems, required=("code", "name"))
        code = values["code"] = values["code"].upper()
        kind = _KINDS.get(_key(values["kind"]) or "khoi")
        if kind is None:
            problems.append(
                _("Write khối or cụm in “%(column)s”, not %(value)s.")
                % {"column": BLOCS.columns[2].header, "value": values["kind"]}
            )
        values["kind"] = kind
        _check_new_code(
            code, row.number, seen, existing, known, problems, _("A bloc with code %(code)s exists in this province.")
        )
        for problem in problems:
            report.reject(BLOCS, row.number, problem)
        if not problems:
            plan.blocs.append({"row": row.number, **values})
    return known


def _check_members(rows, province, report, plan, units, blocs) -> None:
    chair_header, vice_header = MEMBERS.columns[3].header, MEMBERS.columns[4].header
    parsed = []
    for row in rows:
        values = {
            "row": row.number,
            "bloc": _text(row.values["bloc"]).upper(),
            "unit": _text(row.values["unit"]).upper(),
            "year": _year(row.values["year"]),
            "chair": _flag(row.values["chair"]),
            "vice_chair": _flag(row.values["vice_chair"]),
        }
        parsed.append((values, row.values["year"]))
    years = {values["year"] for values, _raw in parsed if values["year"]}
    bloc_codes = {values["bloc"] for values, _raw in parsed if values["bloc"] in blocs and blocs[values["bloc"]]}
    existing_terms = {
        (term.bloc.code, term.year): term
        for term in Term.objects.filter(bloc__province=province, bloc__code__in=bloc_codes, year__in=years)
        .select_related("bloc")
        .prefetch_related("memberships")
    }
    # Where each existing unit already is in those years (a unit is in one bloc a year).
    open_memberships: dict[tuple[int, int], Term] = {}
    unit_ids = [u.pk for u in units.values() if u is not None]
    for membership in Membership.objects.filter(
        unit_id__in=unit_ids, term__year__in=years, left_on__isnull=True
    ).select_related("term__bloc"):
        open_memberships[(membership.unit_id, membership.term.year)] = membership.term

    seen: dict[tuple[str, int, str], int] = {}
    unit_year: dict[tuple[str, int], tuple[str, int]] = {}
    groups: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for values, raw_year in parsed:
        number, bloc, unit_code, year = values["row"], values["bloc"], values["unit"], values["year"]
        problems: list[str] = []
        if not bloc:
            problems.append(_("Fill in “%(column)s”.") % {"column": MEMBERS.columns[0].header})
        elif bloc not in blocs:
            problems.append(
                _("Unknown bloc code %(code)s: it is neither on the sheet “%(sheet)s” nor in this province.")
                % {"code": bloc, "sheet": BLOCS.title}
            )
        if year is None:
            problems.append(
                _("“%(value)s” is not a year: enter a year between 2000 and 2100.") % {"value": _text(raw_year)}
            )
        unit = units.get(unit_code)
        if not unit_code:
            problems.append(_("Fill in “%(column)s”.") % {"column": MEMBERS.columns[2].header})
        elif unit_code not in units:
            problems.append(
                _("Unknown unit code %(code)s: it is neither on the sheet “%(sheet)s” nor in this province.")
                % {"code": unit_code, "sheet": UNITS.title}
            )
        elif unit is not None and year and _gone_by(unit, datetime.date(year, 1, 1)):
            problems.append(
                _("The unit %(code)s was merged or left the registry before %(year)s.")
                % {"code": unit_code, "year": year}
            )
        for key, header in (("chair", chair_header), ("vice_chair", vice_header)):
            if values[key] is None:
                problems.append(_("Mark “%(column)s” with x or leave it empty.") % {"column": header})
        if values["chair"] and values["vice_chair"]:
            problems.append(_("The chair and the vice-chair must be different units."))
        if bloc in blocs and year and unit_code in units:
            term = existing_terms.get((bloc, year))
            other = open_memberships.get((unit.pk, year)) if unit is not None else None
            if (bloc, year, unit_code) in seen:
                problems.append(
                    _("The unit %(unit)s is already listed for %(bloc)s in %(year)s on row %(row)s.")
                    % {"unit": unit_code, "bloc": bloc, "year": year, "row": seen[(bloc, year, unit_code)]}
                )
            elif (unit_code, year) in unit_year and unit_year[(unit_code, year)][0] != bloc:
                other_bloc, other_row = unit_year[(unit_code, year)]
                problems.append(
                    _("The unit %(unit)s is already in the bloc %(bloc)s in %(year)s on row %(row)s.")
                    % {"unit": unit_code, "bloc": other_bloc, "year": year, "row": other_row}
                )
            elif term is not None and any(m.unit_id == getattr(unit, "pk", None) for m in term.memberships.all()):
                problems.append(
                    _("%(unit)s is already a member of %(bloc)s in %(year)s.")
                    % {"unit": unit.name, "bloc": term.bloc.name, "year": year}
                )
            elif other is not None and other != term:
                problems.append(
                    _("%(unit)s is already a member of %(bloc)s in %(year)s.")
                    % {"unit": unit.name, "bloc": other.bloc.name, "year": year}
                )
            if term is not None and (values["chair"] or values["vice_chair"]):
                problems.append(
                    _(
                        "%(bloc)s already has the year %(year)s: change its chair and vice-chair on the year's page, "
                        "not in the file."
                    )
                    % {"bloc": bloc, "year": year}
                )
            seen.setdefault((bloc, year, unit_code), number)
            unit_year.setdefault((unit_code, year), (bloc, number))
            groups[(bloc, year)].append({**values, "ok": not problems})
            plan.terms[(bloc, year)] = term
        for problem in problems:
            report.reject(MEMBERS, number, problem)

    for (bloc, year), members in groups.items():
        if plan.terms[(bloc, year)] is None:
            _check_roles(bloc, year, members, report)
        if all(member["ok"] for member in members):
            plan.years[(bloc, year)] = members
    plan.terms = {key: term for key, term in plan.terms.items() if key in plan.years}


def _check_roles(bloc: str, year: int, members: list[dict], report: Report) -> None:
    """A new year needs one chair and one vice-chair, marked on two different rows."""
    for key, none_message, many_message in (
        (
            "chair",
            _("The year %(year)s of %(bloc)s has no chair: mark one unit with x in “%(column)s”."),
            _("The year %(year)s of %(bloc)s has more than one chair (rows %(rows)s)."),
        ),
        (
            "vice_chair",
            _("The year %(year)s of %(bloc)s has no vice-chair: mark one unit with x in “%(column)s”."),
            _("The year %(year)s of %(bloc)s has more than one vice-chair (rows %(rows)s)."),
        ),
    ):
        marked = [member for member in members if member[key]]
        column = MEMBERS.columns[3 if key == "chair" else 4].header
        context = {"year": year, "bloc": bloc, "column": column}
        if not marked:
            report.reject(MEMBERS, members[0]["row"], none_message % context)
            members[0]["ok"] = False
        for member in marked[1:]:
            report.reject(MEMBERS, member["row"], many_message % {**context, "rows": _rows(marked)})
            member["ok"] = False


def _rows(members: list[dict]) -> str:
    return ", ".join(str(member["row"]) for member in members)
