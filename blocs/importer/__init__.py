"""The board's Excel import of units, blocs, memberships and user accounts.

The file is checked as a whole before openpyxl reads it (size, a real .xlsx
without macros, no zip bomb), then sheet by sheet (headers, at most
``MAX_ROWS`` rows), then row by row against the file itself and the registry.
``dry_run`` only reports; ``run`` writes only when no row is rejected, through
the registry's and the accounts' services, in one transaction: all or nothing.
The format is described in ``docs/import-template.md``.

The modules, in the order a file goes through them: ``sheets`` (the format and
its cells), ``reading`` (the file, then its sheets), ``checks`` (the registry's
rows), ``user_accounts`` (the accounts' rows and invitations: the one module
that imports ``accounts``), ``report`` (what was found and done), ``apply``
(the dry run and the import); ``template`` writes the blank workbook.
"""

from blocs.importer.apply import dry_run, run
from blocs.importer.reading import check_file
from blocs.importer.report import KINDS, Rejection, Report
from blocs.importer.sheets import (
    ACCOUNTS,
    BLOCS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MEMBERS,
    SHEETS,
    UNITS,
    XLSX_CONTENT_TYPE,
    Column,
    ImportRefused,
    Sheet,
)
from blocs.importer.template import template_workbook

__all__ = [
    "ACCOUNTS",
    "BLOCS",
    "KINDS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MEMBERS",
    "SHEETS",
    "UNITS",
    "XLSX_CONTENT_TYPE",
    "Column",
    "ImportRefused",
    "Rejection",
    "Report",
    "Sheet",
    "check_file",
    "dry_run",
    "run",
    "template_workbook",
]
