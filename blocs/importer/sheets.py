"""The workbook's format: its limits, sheets and columns, and how a cell's value is read."""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from blocs.models import Bloc
from core.errors import ServiceError
from core.text import clean_pasted, fold

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# A part that unpacks to more than 100 times its packed size is a zip bomb's
# signature; parts below a megabyte cannot hurt whatever their ratio.
MAX_RATIO = 100
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_PARTS = 1000
# Rows a sheet may hold (blank rows not counted). The largest registries are merged provinces: a few hundred
# units (departments and communes), tens of blocs, a few years of memberships, two or three accounts a unit.
# 2,000 covers them and bounds one import's work: every row is a service call, and every account an invitation
# e-mail (5,000 units and 5,000 accounts took 18 s to import on SQLite, before any e-mail).
MAX_ROWS = 2000
MAX_COLUMNS = 30

SHEET_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportRefused(ServiceError):
    """The file as a whole was refused; no row was read."""


@dataclass(frozen=True)
class Column:
    """A sheet's column; an *optional* one, added after files were already in use, may be left out (empty)."""

    key: str
    header: str
    width: int
    max_length: int = 0
    optional: bool = False


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
        Column("is_clerk", "Văn thư (có/không)", 18, optional=True),
        Column("signing_capacity", "Tư cách ký (Cấp trưởng/KT./Q.)", 24, optional=True),
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
