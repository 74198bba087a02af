"""The file as a whole, then its sheets: refuse what is not a safe .xlsx, return the rows of what is."""

import io
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from blocs.importer.sheets import (
    GUIDE_TITLE,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_PARTS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    RATIO_CHECK_FROM_BYTES,
    SHEET_MAIN_TYPE,
    SHEETS,
    ImportRefused,
    Sheet,
    _key,
)


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
    missing = [
        column.header for column in sheet.columns if not column.optional and _key(column.header) not in positions
    ]
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
        found.append(
            _Row(
                number,
                {
                    c.key: values[positions[_key(c.header)]] if _key(c.header) in positions else None
                    for c in sheet.columns
                },
            )
        )
    return found
