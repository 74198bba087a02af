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

from django.utils.translation import gettext as _

from blocs.validators import has_line_break

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
        raise ScoringError(_("%(code)s: a score cannot be negative.") % {"code": code})
    if value > maximum:
        raise ScoringError(
            _("%(code)s: %(value)s is above the maximum %(maximum)s.")
            % {"code": code, "value": value, "maximum": maximum}
        )
    if value != value.quantize(TENTH):
        raise ScoringError(_("%(code)s: at most one decimal.") % {"code": code})
    return value


def _claimed(lines: tuple[LineSpec, ...], claims: dict[str, int], kind: str) -> Decimal:
    by_code = {line.code: line for line in lines}
    amount = ZERO
    for code, times in claims.items():
        line = by_code.get(code)
        if line is None:
            raise ScoringError(_("%(code)s: no such line.") % {"code": code})
        if times < 0 or (times > 1 and not line.repeatable):
            raise ScoringError(
                _("%(code)s: claimed %(times)s times, but it counts at most once.") % {"code": code, "times": times}
            )
        amount += line.points * times
    return amount


def score(
    table: TableSpec, scores: dict[str, Decimal], bonus: dict[str, int] = None, penalty: dict[str, int] = None
) -> Result:
    """Return the unit's base, bonus, penalty, total and band under *table*."""
    bonus, penalty = bonus or {}, penalty or {}
    unknown = set(scores) - {c.code for c in table.criteria}
    if unknown:
        raise ScoringError(_("%(codes)s: no such criterion.") % {"codes": ", ".join(sorted(unknown))})
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


MAX_POINTS = Decimal("9999.9")
MAX_CODE, MAX_TITLE, MAX_BAND, MAX_GUIDANCE = 20, 500, 100, 4000
# The size of a table, from real ones: provincial tables have tens of criteria in a handful of groups (the
# example, reviews/data/scoring-table-100.json: 12 criteria in 5 groups, 3 bonus and 3 penalty lines, 4 bands).
# 200 criteria and 50 lines of each kind leave room for a table that details every sub-criterion, and keep the
# self-assessment form (2 fields a criterion and a line, and the CSRF token: 601 at most) and the adjustment
# form (2 a criterion: 401) under Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1000). A table of 600 criteria had
# made every save fail with TooManyFieldsSent.
MAX_GROUPS, MAX_CRITERIA, MAX_LINES, MAX_BANDS = 30, 200, 50, 10


def _points(value, where: str, *, positive: bool = False) -> Decimal:
    """Read a number of points: finite, not negative (or positive), at most one decimal, within MAX_POINTS."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ScoringError(_("%(where)s: not a number.") % {"where": where})
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ScoringError(_("%(where)s: not a number.") % {"where": where}) from None
    if not number.is_finite() or number < ZERO or (positive and number == ZERO) or number > MAX_POINTS:
        raise ScoringError(
            _("%(where)s: %(value)s is not an allowed number of points.") % {"where": where, "value": value}
        )
    if number != number.quantize(TENTH):
        raise ScoringError(_("%(where)s: at most one decimal.") % {"where": where})
    return number


def _text(item: dict, key: str, where: str, *, limit: int, required: bool = False, one_line: bool = True) -> str:
    value = item.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise ScoringError(
            _("%(where)s: “%(key)s” must be a text of at most %(limit)s characters.")
            % {"where": where, "key": key, "limit": limit}
        )
    if one_line and has_line_break(value):
        raise ScoringError(
            _("%(where)s: “%(key)s” must be written on one line, without line breaks.") % {"where": where, "key": key}
        )
    return value


def _at_most(items: list, limit: int, message: str, **names) -> list:
    """Return *items*, or refuse them with *message* (given ``count``, ``limit`` and *names*) when too many."""
    if len(items) > limit:
        raise ScoringError(message % {"count": len(items), "limit": limit, **names})
    return items


def _list(value, where: str) -> list:
    if not isinstance(value, list):
        raise ScoringError(_("%(where)s must be a list.") % {"where": where})
    return value


def _object(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise ScoringError(_("%(where)s must be an object.") % {"where": where})
    return value


def table_from_json(data) -> TableSpec:
    """Read a table in the form of examples/scoring-table-100.json; raise ScoringError saying what is wrong.

    Every value the services store is checked here (types, lengths, points with
    one decimal), so that a table that passes is written without surprises.
    """
    data = _object(data, _("The table"))
    criteria = []
    groups = _list(data.get("groups"), "groups")
    if not groups:
        raise ScoringError(_("The table has no group of criteria."))
    _at_most(groups, MAX_GROUPS, _("The table has %(count)s groups of criteria; at most %(limit)s are allowed."))
    # Count before reading: a table of 31,000 criteria is refused at once, with the number.
    count = sum(
        len(group.get("criteria"))
        for group in groups
        if isinstance(group, dict) and isinstance(group.get("criteria"), list)
    )
    if count > MAX_CRITERIA:
        raise ScoringError(
            _("The table has %(count)s criteria; at most %(limit)s are allowed.")
            % {"count": count, "limit": MAX_CRITERIA}
        )
    for g, group in enumerate(groups, start=1):
        group = _object(group, f"groups[{g}]")
        _text(group, "code", f"groups[{g}]", limit=MAX_CODE)
        _text(group, "title", f"groups[{g}]", limit=MAX_TITLE)
        items = _list(group.get("criteria"), f"groups[{g}].criteria")
        if not items:
            raise ScoringError(_("Group %(number)s has no criteria.") % {"number": g})
        for c, item in enumerate(items, start=1):
            where = f"groups[{g}].criteria[{c}]"
            item = _object(item, where)
            code = _text(item, "code", where, limit=MAX_CODE, required=True)
            _text(item, "title", code, limit=MAX_TITLE)
            _text(item, "guidance", code, limit=MAX_GUIDANCE, one_line=False)
            pledge_item = item.get("pledge_item")
            if pledge_item is not None and (
                isinstance(pledge_item, bool) or not isinstance(pledge_item, int) or not 1 <= pledge_item <= 200
            ):
                raise ScoringError(_("%(code)s: the pledge commitment must be its number.") % {"code": code})
            criteria.append(CriterionSpec(code, _points(item.get("max"), code, positive=True)))

    def lines(part) -> tuple[tuple[LineSpec, ...], Decimal | None]:
        section = _object(data.get(part) or {}, part)
        found = []
        items = _at_most(
            _list(section.get("lines", []), f"{part}.lines"),
            MAX_LINES,
            _("“%(part)s” has %(count)s lines; at most %(limit)s are allowed."),
            part=part,
        )
        for n, line in enumerate(items, start=1):
            line = _object(line, f"{part}.lines[{n}]")
            code = _text(line, "code", f"{part}.lines[{n}]", limit=MAX_CODE, required=True)
            _text(line, "title", code, limit=MAX_TITLE)
            found.append(LineSpec(code, _points(line.get("points"), code, positive=True), bool(line.get("repeatable"))))
        limit = section.get("limit")
        return tuple(found), (_points(limit, f"{part}.limit") if limit is not None else None)

    bonus_lines, bonus_limit = lines("bonus")
    penalty_lines, penalty_limit = lines("penalty")
    bands = []
    items = _at_most(
        _list(data.get("bands", []), "bands"),
        MAX_BANDS,
        _("The table has %(count)s bands; at most %(limit)s are allowed."),
    )
    for n, band in enumerate(items, start=1):
        band = _object(band, f"bands[{n}]")
        name = _text(band, "name", f"bands[{n}]", limit=MAX_BAND, required=True)
        share = band.get("min_share_per_criterion", 0)
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise ScoringError(_("%(name)s: the minimum share of each criterion is between 0 and 1.") % {"name": name})
        bands.append(
            BandSpec(name, _points(band.get("min_total"), name), Decimal(str(share)).quantize(Decimal("0.001")))
        )
    codes = [c.code for c in criteria]
    if len(set(codes)) != len(codes):
        raise ScoringError(_("Two criteria share a code."))
    for kind, found in (("bonus", bonus_lines), ("penalty", penalty_lines)):
        if len({x.code for x in found}) != len(found):
            raise ScoringError(_("Two %(kind)s lines share a code.") % {"kind": kind})
    if len({b.name for b in bands}) != len(bands):
        raise ScoringError(_("Two bands share a name."))
    total = sum((c.max_points for c in criteria), ZERO)
    declared = data.get("total")
    if declared is not None and _points(declared, "total") != total:
        raise ScoringError(
            _("The criteria add up to %(sum)s, not %(total)s.") % {"sum": total.normalize(), "total": declared}
        )
    return TableSpec(tuple(criteria), bonus_lines, bonus_limit, penalty_lines, penalty_limit, tuple(bands))
