"""What the checks found and what the import did: the rejected rows, the plan of writes, the counts."""

from dataclasses import dataclass, field

from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blocs.importer.sheets import Sheet
from blocs.models import Term
from core.errors import ServiceError


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


@dataclass
class _Plan:
    """The rows that passed the checks, by kind: what ``run`` writes."""

    units: list[dict] = field(default_factory=list)
    blocs: list[dict] = field(default_factory=list)
    # (bloc code, year) → its member rows in the file's order; the existing term if any.
    years: dict[tuple[str, int], list[dict]] = field(default_factory=dict)
    terms: dict[tuple[str, int], Term | None] = field(default_factory=dict)
    accounts: list[dict] = field(default_factory=list)


class _RowFailed(Exception):
    """A service refused a row while writing: the whole import rolls back and the row is reported."""

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
