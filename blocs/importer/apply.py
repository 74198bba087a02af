"""The dry run and the import: check every row, then write all of it or nothing."""

import datetime

from django.conf import settings
from django.db import transaction

from blocs import services as registry
from blocs.importer.checks import _check_blocs, _check_members, _check_units
from blocs.importer.reading import _read, _Row
from blocs.importer.report import KINDS, Report, _at, _Plan, _RowFailed
from blocs.importer.sheets import BLOCS, MEMBERS, SHEETS, UNITS, ImportRefused
from blocs.importer.user_accounts import _check_accounts, _write_accounts
from blocs.models import Bloc, Province, Unit


def _check(sheets: dict[str, list[_Row]], province: Province, report: Report) -> _Plan:
    """Check every row; record each problem in *report* and return what would be written."""
    plan = _Plan()
    units = _check_units(sheets.get("units", []), province, report, plan)
    blocs = _check_blocs(sheets.get("blocs", []), province, report, plan)
    _check_members(sheets.get("members", []), province, report, plan, units, blocs)
    _check_accounts(sheets.get("accounts", []), report, plan, units)
    for sheet in SHEETS:
        report.rows[sheet.title] = len(sheets.get(sheet.key, []))
    report.planned = {
        "units": len(plan.units),
        "blocs": len(plan.blocs),
        "terms": sum(1 for term in plan.terms.values() if term is None),
        "memberships": sum(len(rows) for rows in plan.years.values()),
        "users": len(plan.accounts),
    }
    report.rejected.sort(key=lambda r: ([s.title for s in SHEETS].index(r.sheet), r.row))
    return plan


def dry_run(data: bytes, *, province: Province) -> Report:
    """Check the workbook *data* for *province* and report every rejected row; write nothing."""
    report = Report()
    try:
        sheets = _read(data)
    except ImportRefused as error:
        report.errors.append(error.message)
        return report
    _check(sheets, province, report)
    return report


def run(data: bytes, *, actor, province: Province, site_url: str | None = None) -> Report:
    """Check the workbook *data* as ``dry_run`` does and, only if no row is rejected, import it.

    Everything goes through the services in one transaction: a refusal or a
    failure anywhere leaves nothing written (and sends no invitation).
    """
    report = Report()
    try:
        sheets = _read(data)
    except ImportRefused as error:
        report.errors.append(error.message)
        return report
    try:
        with transaction.atomic():
            # Lock the province: two imports of one file at once would both pass the checks.
            Province.objects.select_for_update().get(pk=province.pk)
            plan = _check(sheets, province, report)
            if report.rejected:
                return report
            report.created = _write(plan, actor=actor, province=province, site_url=site_url or settings.SITE_URL)
    except _RowFailed as failure:
        report.created = {}
        report.reject(failure.sheet, failure.row, failure.message)
        return report
    report.imported = True
    return report


def _write(plan: _Plan, *, actor, province: Province, site_url: str) -> dict[str, int]:
    """Write *plan* through the services, each record after those it refers to; return the counts."""
    # The services are called as ``registry.x``, looked up at each call rather than imported
    # by name, so that a test replacing one in ``blocs.services`` reaches the import too.
    created = {key: 0 for key, _label in KINDS}
    units = {u.code: u for u in Unit.objects.filter(province=province)}
    for row in plan.units:
        units[row["code"]] = _at(
            UNITS,
            row["row"],
            registry.unit_create,
            actor=actor,
            province=province,
            code=row["code"],
            name=row["name"],
            short_name=row["short_name"],
            head_title=row["head_title"],
        )
        created["units"] += 1
    blocs = {b.code: b for b in Bloc.objects.filter(province=province)}
    for row in plan.blocs:
        blocs[row["code"]] = _at(
            BLOCS,
            row["row"],
            registry.bloc_create,
            actor=actor,
            province=province,
            kind=row["kind"],
            code=row["code"],
            name=row["name"],
        )
        created["blocs"] += 1
    for (bloc_code, year), members in plan.years.items():
        term = plan.terms[(bloc_code, year)]
        if term is None:
            _at(
                MEMBERS,
                members[0]["row"],
                registry.term_create,
                actor=actor,
                bloc=blocs[bloc_code],
                year=year,
                units=[units[m["unit"]] for m in members],
                chair=next(units[m["unit"]] for m in members if m["chair"]),
                vice_chair=next(units[m["unit"]] for m in members if m["vice_chair"]),
            )
            created["terms"] += 1
            created["memberships"] += len(members)
            continue
        for member in members:
            _at(
                MEMBERS,
                member["row"],
                registry.membership_add,
                actor=actor,
                term=term,
                unit=units[member["unit"]],
                joined_on=datetime.date(year, 1, 1),
            )
            created["memberships"] += 1
    created["users"] = _write_accounts(plan, actor=actor, province=province, units=units, site_url=site_url)
    return created
