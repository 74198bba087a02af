"""The board's Excel import of units, blocs, memberships and user accounts.

The file is checked as a whole before openpyxl reads it (size, a real .xlsx
without macros, no zip bomb), then sheet by sheet (headers, at most
``MAX_ROWS`` rows), then row by row against the file itself and the registry.
``dry_run`` only reports; ``run`` writes only when no row is rejected, through
the registry's and the accounts' services, in one transaction: all or nothing.
The format is described in ``docs/import-template.md``.
"""

import datetime
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from accounts import services as account_services
from accounts.models import User
from blocs import services as registry
from blocs.models import Bloc, Membership, Province, Term, Unit
from core.errors import ServiceError
from core.text import clean_pasted, fold

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# A part that unpacks to more than 100 times its packed size is a zip bomb's
# signature; parts below a megabyte cannot hurt whatever their ratio.
MAX_RATIO = 100
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_PARTS = 1000
MAX_ROWS = 5000
MAX_COLUMNS = 30

SHEET_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportRefused(ServiceError):
    """The file as a whole was refused; no row was read."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    max_length: int = 0


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    columns: tuple[Column, ...]


# The file's format: sheet names and headers are Vietnamese, as the board
# types them; they are matched without diacritics, case or a bracketed hint.
UNITS = Sheet(
    "units",
    "Đơn vị",
    (
        Column("code", "Mã đơn vị", 14, 30),
        Column("name", "Tên đơn vị", 50, 255),
        Column("short_name", "Tên viết tắt", 18, 100),
        Column("head_title", "Chức danh thủ trưởng", 22, 100),
    ),
)
BLOCS = Sheet(
    "blocs",
    "Khối",
    (
        Column("code", "Mã khối", 14, 30),
        Column("name", "Tên khối", 60, 255),
        Column("kind", "Loại (khối/cụm)", 16),
    ),
)
MEMBERS = Sheet(
    "members",
    "Thành viên",
    (
        Column("bloc", "Mã khối", 14),
        Column("year", "Năm", 8),
        Column("unit", "Mã đơn vị", 14),
        Column("chair", "Khối trưởng (x)", 16),
        Column("vice_chair", "Khối phó (x)", 14),
    ),
)
ACCOUNTS = Sheet(
    "accounts",
    "Tài khoản",
    (
        Column("username", "Tên đăng nhập", 18, 150),
        Column("full_name", "Họ và tên", 28, 150),
        Column("email", "Email", 30, 254),
        Column("unit", "Mã đơn vị", 14),
        Column("position", "Chức vụ", 20, 150),
        Column("can_sign", "Quyền ký (có/không)", 18),
    ),
)
SHEETS = (UNITS, BLOCS, MEMBERS, ACCOUNTS)
GUIDE_TITLE = "Hướng dẫn"

_YES = {"x", "v", "co", "yes", "1", "true", "dung", "\u2713", "\u2714"}
_NO = {"", "khong", "no", "0", "false"}
_KINDS = {
    "khoi": Bloc.Kind.BLOC,
    "khoi thi dua": Bloc.Kind.BLOC,
    "cum": Bloc.Kind.CLUSTER,
    "cum thi dua": Bloc.Kind.CLUSTER,
}


def _key(text) -> str:
    """Return a sheet name or header as compared: folded, without a bracketed hint."""
    return " ".join(fold(str(text or "")).split("(")[0].split())


# The file as a whole ----------------------------------------------------------


def _not_xlsx() -> ImportRefused:
    return ImportRefused(
        _("This is not an Excel workbook (.xlsx). Save it in Excel as “Excel Workbook (*.xlsx)” and try again.")
    )


def _damaged() -> ImportRefused:
    return ImportRefused(_("The file is damaged or incomplete and cannot be read as an Excel workbook (.xlsx)."))


def _macros() -> ImportRefused:
    return ImportRefused(
        _(
            "Workbooks with macros (.xlsm) are refused. Save the file in Excel as “Excel Workbook (*.xlsx)” "
            "and try again."
        )
    )


def _bomb() -> ImportRefused:
    return ImportRefused(
        _(
            "The file unpacks to far more data than a workbook of %(rows)s rows per sheet holds; "
            "it is refused as a possible zip bomb."
        )
        % {"rows": f"{MAX_ROWS:,}".replace(",", ".")}
    )


def check_file(data: bytes) -> None:
    """Refuse (``ImportRefused``) a file that is too large, not an .xlsx, macro-enabled or a zip bomb.

    Only the zip's directory and ``[Content_Types].xml`` are read. Python's
    zipfile never unpacks more than a part's declared size, so checking the
    declared sizes bounds what openpyxl will unpack later.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(_("The file is too large (at most 5 MB)."))
    if not data.startswith(b"PK\x03\x04"):
        raise _not_xlsx()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as error:
        raise _damaged() from error
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise _bomb()
    for part in parts:
        if part.file_size > RATIO_CHECK_FROM_BYTES and part.file_size > MAX_RATIO * part.compress_size:
            raise _bomb()
    names = {part.filename.replace("\\", "/").lower(): part for part in parts}
    if any(name.rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
        raise _macros()
    types_part = names.get("[content_types].xml")
    if types_part is None or types_part.file_size > 1024 * 1024:
        raise _not_xlsx()
    try:
        # expat (2.4 and later) limits entity expansion; nothing external is fetched.
        root = ElementTree.fromstring(archive.read(types_part))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, ElementTree.ParseError, NotImplementedError) as error:
        raise _damaged() from error
    types = {element.get("ContentType", "").lower() for element in root}
    if any("macroenabled" in kind or "vbaproject" in kind for kind in types):
        raise _macros()
    if SHEET_MAIN_TYPE not in types:
        raise _not_xlsx()


@dataclass
class _Row:
    number: int
    values: dict


def _read(data: bytes) -> dict[str, list[_Row]]:
    """Return the non-empty rows of each known sheet, keyed by column; refuse a file that cannot be read."""
    check_file(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises anything from KeyError to XML errors on a damaged file
        raise _damaged() from error
    try:
        return _read_sheets(book)
    except ImportRefused:
        raise
    except Exception as error:  # the same, while the rows are read lazily
        raise _damaged() from error
    finally:
        book.close()


def _read_sheets(book) -> dict[str, list[_Row]]:
    by_key = {_key(sheet.title): sheet for sheet in SHEETS}
    found: dict[str, list[_Row]] = {}
    for title in book.sheetnames:
        sheet = by_key.get(_key(title))
        if sheet is None:
            if _key(title) == _key(GUIDE_TITLE):
                continue
            raise ImportRefused(
                _("The workbook has a sheet “%(title)s”; only these are read: %(sheets)s. Remove or rename it.")
                % {"title": title, "sheets": ", ".join(f"“{s.title}”" for s in SHEETS)}
            )
        if sheet.key in found:
            raise ImportRefused(_("The sheet “%(title)s” appears twice.") % {"title": sheet.title})
        found[sheet.key] = _read_sheet(sheet, book[title])
    if not found:
        raise ImportRefused(
            _("The workbook has none of the sheets %(sheets)s. Start from the template.")
            % {"sheets": ", ".join(f"“{s.title}”" for s in SHEETS)}
        )
    return found


def _blank(values) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _read_sheet(sheet: Sheet, worksheet) -> list[_Row]:
    # The dimension a file declares may be wrong; rows beyond it would be lost without a word.
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    header = next(rows, None)
    if header is None or (_blank(header) and all(_blank(values) for values in rows)):
        return []  # an empty sheet: nothing to import from it
    positions = {}
    for index, value in enumerate(header):
        positions.setdefault(_key(value), index)
    missing = [column.header for column in sheet.columns if _key(column.header) not in positions]
    if missing:
        raise ImportRefused(
            _("Row 1 of the sheet “%(sheet)s” must hold the column headers; missing: %(columns)s.")
            % {"sheet": sheet.title, "columns": ", ".join(f"“{name}”" for name in missing)}
        )
    found = []
    for number, values in enumerate(rows, start=2):
        if _blank(values):
            continue
        if len(found) == MAX_ROWS:
            raise ImportRefused(
                _("The sheet “%(sheet)s” has more than %(rows)s rows; split the file.")
                % {"sheet": sheet.title, "rows": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        found.append(_Row(number, {c.key: values[positions[_key(c.header)]] for c in sheet.columns}))
    return found


# Cell values ------------------------------------------------------------------


def _text(value) -> str:
    """Return a cell as one line of clean NFC text (numbers without a trailing ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime | datetime.date):
        value = value.strftime("%d/%m/%Y")
    return " ".join(clean_pasted(str(value)).split())


def _flag(value) -> bool | None:
    """Return a yes/no cell as a bool, or None when it is neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return {1: True, 0: False}.get(value)
    text = fold(_text(value))
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def _year(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        value = int(value)
    if isinstance(value, int) and 2000 <= value <= 2100:
        return value
    return None


# The report -------------------------------------------------------------------


@dataclass
class Rejection:
    """One problem of one row: what the page lists."""

    sheet: str
    row: int
    message: str


KINDS = (
    ("units", gettext_lazy("Units")),
    ("blocs", gettext_lazy("Blocs and clusters")),
    ("terms", gettext_lazy("Years of a bloc")),
    ("memberships", gettext_lazy("Memberships")),
    ("users", gettext_lazy("User accounts")),
)


@dataclass
class Report:
    """What a dry run found, or what an import did."""

    errors: list[str] = field(default_factory=list)  # the file as a whole
    rejected: list[Rejection] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # sheet title → rows read
    planned: dict[str, int] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.rejected

    @property
    def row_count(self) -> int:
        return sum(self.rows.values())

    def summary(self) -> list[tuple[str, int, int | None]]:
        """Return (what, planned, created) for each kind of record."""
        return [
            (str(label), self.planned.get(key, 0), self.created.get(key) if self.imported else None)
            for key, label in KINDS
        ]

    def reject(self, sheet: Sheet, row: int, message: str) -> None:
        self.rejected.append(Rejection(sheet.title, row, message))


# The rows against the file and the registry -----------------------------------


@dataclass
class _Plan:
    units: list[dict] = field(default_factory=list)
    blocs: list[dict] = field(default_factory=list)
    # (bloc code, year) → its member rows in the file's order; the existing term if any.
    years: dict[tuple[str, int], list[dict]] = field(default_factory=dict)
    terms: dict[tuple[str, int], Term | None] = field(default_factory=dict)
    accounts: list[dict] = field(default_factory=list)


def _fill(sheet: Sheet, values: dict, problems: list[str], *, required=()) -> dict:
    """Return the row's text values; note empty required cells and overlong ones in *problems*."""
    cleaned = {}
    for column in sheet.columns:
        cleaned[column.key] = _text(values[column.key])
        if column.key in required and not cleaned[column.key]:
            problems.append(_("Fill in “%(column)s”.") % {"column": column.header})
        elif column.max_length and len(cleaned[column.key]) > column.max_length:
            problems.append(
                _("“%(column)s” is longer than %(max)s characters.")
                % {"column": column.header, "max": column.max_length}
            )
    return cleaned


def _seen_before(value: str, row: int) -> str:
    return _("%(value)s is already on row %(row)s of this sheet.") % {"value": value, "row": row}


def _gone_by(unit: Unit, day: datetime.date) -> bool:
    """Return True if the existing *unit* was merged or closed on or before *day*."""
    end = unit.merged_on or unit.closed_on
    return end is not None and end <= day


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


def _check_accounts(rows, report, plan, units) -> None:
    parsed = []
    for row in rows:
        problems: list[str] = []
        values = _fill(ACCOUNTS, row.values, problems, required=("username", "full_name", "email"))
        values["email"] = values["email"].lower()
        values["unit"] = values["unit"].upper()
        parsed.append((row, values, problems))
    taken_names = set(
        User.objects.annotate(key=Lower("username"))
        .filter(key__in=[values["username"].lower() for _row, values, _p in parsed])
        .values_list("key", flat=True)
    )
    taken_emails = set(
        User.objects.annotate(key=Lower("email"))
        .filter(key__in=[values["email"] for _row, values, _p in parsed])
        .values_list("key", flat=True)
    )
    seen_names: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    sign_header = ACCOUNTS.columns[5].header
    for row, values, problems in parsed:
        username, email, unit_code = values["username"], values["email"], values["unit"]
        if username:
            try:
                User.username_validator(username)
            except ValidationError as error:
                problems.extend(error.messages)
            if username.lower() in seen_names:
                problems.append(_seen_before(username, seen_names[username.lower()]))
            elif username.lower() in taken_names:
                problems.append(_("This user name is taken."))
            seen_names.setdefault(username.lower(), row.number)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("%(value)s is not a valid e-mail address.") % {"value": email})
            if email in seen_emails:
                problems.append(_seen_before(email, seen_emails[email]))
            elif email in taken_emails:
                problems.append(_("An account with this e-mail address exists."))
            seen_emails.setdefault(email, row.number)
        if unit_code and unit_code not in units:
            problems.append(
                _("Unknown unit code %(code)s: it is neither on the sheet “%(sheet)s” nor in this province.")
                % {"code": unit_code, "sheet": UNITS.title}
            )
        elif unit_code and units[unit_code] is not None and not units[unit_code].is_active:
            problems.append(_("The unit %(code)s was merged or left the registry.") % {"code": unit_code})
        can_sign = _flag(row.values["can_sign"])
        if can_sign is None:
            problems.append(_("Write có or không in “%(column)s”.") % {"column": sign_header})
        elif can_sign and not unit_code:
            problems.append(
                _("A board officer (no unit) has no signing right: leave “%(column)s” empty or give a unit.")
                % {"column": sign_header}
            )
        values["can_sign"] = bool(can_sign)
        for problem in problems:
            report.reject(ACCOUNTS, row.number, problem)
        if not problems:
            plan.accounts.append({"row": row.number, **values})


# Dry run and import -----------------------------------------------------------


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


class _RowFailed(Exception):
    def __init__(self, sheet: Sheet, row: int, message: str):
        super().__init__(message)
        self.sheet, self.row, self.message = sheet, row, message


def _at(sheet: Sheet, row: int, action, **kwargs):
    """Call the service *action*; a refusal names the row it came from."""
    try:
        return action(**kwargs)
    except ServiceError as error:
        raise _RowFailed(sheet, row, error.message) from error
    except IntegrityError as error:  # another request wrote the same record just now
        raise _RowFailed(sheet, row, _("Another change to the registry got in the way; try again.")) from error


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
    for row in plan.accounts:
        _at(
            ACCOUNTS,
            row["row"],
            account_services.user_invite,
            actor=actor,
            province=province,
            username=row["username"],
            email=row["email"],
            full_name=row["full_name"],
            unit=units[row["unit"]] if row["unit"] else None,
            position=row["position"],
            can_sign=row["can_sign"],
            site_url=site_url,
        )
        created["users"] += 1
    return created


# The blank template -------------------------------------------------------------

_GUIDE = [
    "Mẫu nhập dữ liệu: đơn vị, khối thi đua, thành viên theo năm và tài khoản người dùng.",
    "Dòng 1 của mỗi trang là tiêu đề cột: giữ nguyên. Mỗi dòng sau là một bản ghi; dòng trống được bỏ qua.",
    "Đơn vị: mã (duy nhất trong tỉnh), tên đầy đủ, tên viết tắt (có thể để trống), chức danh thủ trưởng.",
    "Khối: mã (duy nhất trong tỉnh), tên, loại: khối hoặc cụm (để trống là khối).",
    "Thành viên: mỗi dòng là một đơn vị của một khối trong một năm. Năm mới cần đúng một Khối trưởng và "
    "một Khối phó (đánh dấu x). Mã khối và mã đơn vị là mã trong tệp này hoặc đã có trong hệ thống.",
    "Tài khoản: tên đăng nhập, họ và tên, email (nhận thư mời đặt mật khẩu), mã đơn vị (để trống là cán bộ "
    "Ban Thi đua - Khen thưởng tỉnh), chức vụ, quyền ký: có hoặc không.",
    "Hãy “Kiểm tra thử” trước: nếu có một dòng lỗi thì không dòng nào được nhập.",
    f"Tệp .xlsx, tối đa 5 MB và {MAX_ROWS:,} dòng mỗi trang; không nhận tệp có macro (.xlsm).".replace(",", "."),
]


def template_workbook() -> bytes:
    """Return the blank import workbook: the four sheets with their headers, and a short guide."""
    book = Workbook()
    book.remove(book.active)
    for sheet in SHEETS:
        worksheet = book.create_sheet(sheet.title)
        for index, column in enumerate(sheet.columns, start=1):
            cell = worksheet.cell(row=1, column=index, value=column.header)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F3")
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            worksheet.column_dimensions[cell.column_letter].width = column.width
        worksheet.freeze_panes = "A2"
    _choices(book[BLOCS.title], "C", '"khối,cụm"')
    _choices(book[MEMBERS.title], "D", '"x"')
    _choices(book[MEMBERS.title], "E", '"x"')
    _choices(book[ACCOUNTS.title], "F", '"có,không"')
    guide = book.create_sheet(GUIDE_TITLE)
    guide.column_dimensions["A"].width = 120
    for number, line in enumerate(_GUIDE, start=1):
        guide.cell(row=number, column=1, value=line).alignment = Alignment(wrap_text=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _choices(worksheet, column: str, formula: str) -> None:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.add(f"{column}2:{column}{MAX_ROWS + 1}")
    worksheet.add_data_validation(validation)
