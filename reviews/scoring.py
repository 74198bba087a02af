"""The year-end score of a unit and the ranking of a bloc: one pure function each.

Rules (DOMAIN.md §2, the issue on scoring):
- base = the sum of the criteria's scores (each between 0 and its maximum, one decimal);
- bonus and penalty = the sum of the claimed lines (points × times; a line that is not
  repeatable counts at most once), each capped by its overall limit;
- total = base + capped bonus − capped penalty;
- band = the first band (highest minimum first) whose minimum total the total reaches
  and whose floor (a share of each criterion's maximum) every base criterion reaches;
- rank = competition ranking on the total: equal totals share a rank ("1, 2, 2, 4").
"""

from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0")
TENTH = Decimal("0.1")


class ScoringError(ValueError):
    """An input that no table allows; the message says which."""


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    max_points: Decimal


@dataclass(frozen=True)
class LineSpec:
    code: str
    points: Decimal
    repeatable: bool = False


@dataclass(frozen=True)
class BandSpec:
    name: str
    min_total: Decimal
    min_share: Decimal


@dataclass(frozen=True)
class TableSpec:
    criteria: tuple[CriterionSpec, ...]
    bonus_lines: tuple[LineSpec, ...] = ()
    bonus_limit: Decimal | None = None
    penalty_lines: tuple[LineSpec, ...] = ()
    penalty_limit: Decimal | None = None
    bands: tuple[BandSpec, ...] = ()


@dataclass
class Result:
    base: Decimal
    bonus: Decimal
    bonus_counted: Decimal
    penalty: Decimal
    penalty_counted: Decimal
    total: Decimal
    band: str | None
    below_floor: list[str] = field(default_factory=list)  # criteria that kept the unit out of a higher band


def check_points(value: Decimal, maximum: Decimal, code: str) -> Decimal:
    if value < ZERO:
        raise ScoringError(f"{code}: a score cannot be negative.")
    if value > maximum:
        raise ScoringError(f"{code}: {value} is above the maximum {maximum}.")
    if value != value.quantize(TENTH):
        raise ScoringError(f"{code}: at most one decimal.")
    return value


def _claimed(lines: tuple[LineSpec, ...], claims: dict[str, int], kind: str) -> Decimal:
    by_code = {line.code: line for line in lines}
    amount = ZERO
    for code, times in claims.items():
        line = by_code.get(code)
        if line is None:
            raise ScoringError(f"{code}: no such {kind} line.")
        if times < 0 or (times > 1 and not line.repeatable):
            raise ScoringError(f"{code}: claimed {times} times, but it counts at most once.")
        amount += line.points * times
    return amount


def score(
    table: TableSpec, scores: dict[str, Decimal], bonus: dict[str, int] = None, penalty: dict[str, int] = None
) -> Result:
    """Return the unit's base, bonus, penalty, total and band under *table*."""
    bonus, penalty = bonus or {}, penalty or {}
    unknown = set(scores) - {c.code for c in table.criteria}
    if unknown:
        raise ScoringError(f"{', '.join(sorted(unknown))}: no such criterion.")
    checked = {c.code: check_points(Decimal(scores.get(c.code, ZERO)), c.max_points, c.code) for c in table.criteria}
    base = sum(checked.values(), ZERO)
    bonus_sum = _claimed(table.bonus_lines, bonus, "bonus")
    penalty_sum = _claimed(table.penalty_lines, penalty, "penalty")
    bonus_counted = min(bonus_sum, table.bonus_limit) if table.bonus_limit is not None else bonus_sum
    penalty_counted = min(penalty_sum, table.penalty_limit) if table.penalty_limit is not None else penalty_sum
    total = base + bonus_counted - penalty_counted
    band, below = None, []
    for candidate in sorted(table.bands, key=lambda b: b.min_total, reverse=True):
        if total < candidate.min_total:
            continue
        short = [c.code for c in table.criteria if checked[c.code] < c.max_points * candidate.min_share]
        if short:
            below = below or short
            continue
        band = candidate.name
        break
    return Result(base, bonus_sum, bonus_counted, penalty_sum, penalty_counted, total, band, below)


def rank(totals: dict[object, Decimal]) -> dict[object, int]:
    """Return each key's rank by total, highest first; equal totals share a rank (1, 2, 2, 4)."""
    ordered = sorted(totals.values(), reverse=True)
    return {key: ordered.index(total) + 1 for key, total in totals.items()}


def table_from_json(data: dict) -> TableSpec:
    """Read a table in the form of examples/scoring-table-100.json; raise ScoringError when it is not one."""
    try:
        criteria = tuple(
            CriterionSpec(c["code"], Decimal(str(c["max"]))) for group in data["groups"] for c in group["criteria"]
        )

        def lines(part):
            section = data.get(part) or {}
            return (
                tuple(
                    LineSpec(line["code"], Decimal(str(line["points"])), bool(line.get("repeatable")))
                    for line in section.get("lines", [])
                ),
                Decimal(str(section["limit"])) if "limit" in section else None,
            )

        bonus_lines, bonus_limit = lines("bonus")
        penalty_lines, penalty_limit = lines("penalty")
        bands = tuple(
            BandSpec(b["name"], Decimal(str(b["min_total"])), Decimal(str(b.get("min_share_per_criterion", 0))))
            for b in data.get("bands", [])
        )
    except (KeyError, TypeError, ArithmeticError, ValueError) as error:
        raise ScoringError(f"Not a scoring table: {error}") from error
    codes = [c.code for c in criteria]
    if len(set(codes)) != len(codes):
        raise ScoringError("Two criteria share a code.")
    if any(c.max_points <= ZERO for c in criteria):
        raise ScoringError("Every criterion needs a positive maximum.")
    declared = data.get("total")
    if declared is not None and Decimal(str(declared)) != sum((c.max_points for c in criteria), ZERO):
        raise ScoringError(f"The criteria add up to {sum(c.max_points for c in criteria)}, not {declared}.")
    return TableSpec(criteria, bonus_lines, bonus_limit, penalty_lines, penalty_limit, bands)
