"""The scoring function against hand-worked cases."""

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from reviews.scoring import BandSpec, CriterionSpec, LineSpec, ScoringError, TableSpec, rank, score, table_from_json

EXAMPLE = json.loads((Path(__file__).resolve().parents[2] / "reviews" / "data" / "scoring-table-100.json").read_text())
TABLE = table_from_json(EXAMPLE)
FULL = {c.code: c.max_points for c in TABLE.criteria}


def test_the_example_table_reads_as_100_points():
    assert sum(c.max_points for c in TABLE.criteria) == D(100)
    assert (TABLE.bonus_limit, TABLE.penalty_limit, len(TABLE.bands)) == (D(10), D(20), 4)


def test_full_marks_are_excellent():
    result = score(TABLE, FULL)
    assert (result.base, result.total, result.band) == (D(100), D(100), "Xuất sắc")


def test_bonus_is_capped_and_penalty_is_capped():
    # 5 + 3 + 1×4 = 12 bonus, capped at 10; 5×3 + 1×4 + 2×2 = 23 penalty, capped at 20.
    result = score(TABLE, FULL, bonus={"B.1": 1, "B.2": 1, "B.3": 4}, penalty={"P.1": 3, "P.2": 4, "P.3": 2})
    assert (result.bonus, result.bonus_counted) == (D(12), D(10))
    assert (result.penalty, result.penalty_counted) == (D(23), D(20))
    assert result.total == D(90)  # 100 + 10 − 20


def test_a_floor_drops_a_unit_a_band():
    # I.1 at 25.5 of 30 is exactly 85 %: still excellent.
    assert score(TABLE, FULL | {"I.1": D("25.5")}).band == "Xuất sắc"
    # At 25.4 (84.7 %) the total is 95.4, above 90, but the floor drops the unit to Tốt (80 % floor met).
    result = score(TABLE, FULL | {"I.1": D("25.4")})
    assert (result.total, result.band, result.below_floor) == (D("95.4"), "Tốt", ["I.1"])
    # A criterion far below every floor but the last leaves only "Chưa đạt", whatever the total.
    assert score(TABLE, FULL | {"V.2": D("1")}).band == "Chưa đạt"


def test_decimals_one_place_only():
    assert score(TABLE, FULL | {"I.2": D("9.5")}).base == D("99.5")
    with pytest.raises(ScoringError, match="one decimal"):
        score(TABLE, FULL | {"I.2": D("9.55")})


@pytest.mark.parametrize("value, message", [(D("31"), "above the maximum"), (D("-1"), "negative")])
def test_scores_out_of_range_are_refused(value, message):
    with pytest.raises(ScoringError, match=message):
        score(TABLE, FULL | {"I.1": value})


def test_a_line_that_is_not_repeatable_counts_once():
    with pytest.raises(ScoringError, match="at most once"):
        score(TABLE, FULL, bonus={"B.1": 2})
    with pytest.raises(ScoringError, match="no such line"):
        score(TABLE, FULL, bonus={"X.9": 1})


def test_ties_share_a_rank():
    assert rank({"a": D(90), "b": D("95.5"), "c": D(90), "d": D(70)}) == {"b": 1, "a": 2, "c": 2, "d": 4}


def test_a_1000_point_table():
    table = TableSpec(
        criteria=(CriterionSpec("A", D(600)), CriterionSpec("B", D(400))),
        bonus_lines=(LineSpec("+", D(50), True),),
        bonus_limit=D(100),
        bands=(BandSpec("Xuất sắc", D(900), D("0.85")), BandSpec("Hoàn thành", D(0), D(0))),
    )
    result = score(table, {"A": D("580.5"), "B": D(340)}, bonus={"+": 3})
    assert (result.total, result.bonus_counted, result.band) == (D("1020.5"), D(100), "Xuất sắc")  # B on the 85 % floor
    assert score(table, {"A": D(600), "B": D("339.9")}, bonus={"+": 2}).band == "Hoàn thành"
    assert score(table, {"A": D(600), "B": D(340)}).band == "Xuất sắc"


def test_a_table_whose_criteria_do_not_add_up_is_refused():
    broken = json.loads(json.dumps(EXAMPLE))
    broken["groups"][0]["criteria"][0]["max"] = 31
    with pytest.raises(ScoringError, match="add up to 101"):
        table_from_json(broken)


@pytest.mark.parametrize(
    "document, message",
    [
        ([], "must be an object"),
        ({"groups": []}, "no group"),
        ({"groups": "abc"}, "must be a list"),
        ({"groups": [{"criteria": []}]}, "no criteria"),
        ({"groups": [{"criteria": [{"title": "no code", "max": 1}]}]}, "“code” must be a text"),
        ({"groups": [{"criteria": [{"code": "A", "max": 10.25}]}]}, "at most one decimal"),
        ({"groups": [{"criteria": [{"code": "A", "max": "NaN"}]}]}, "not an allowed number"),
        ({"groups": [{"criteria": [{"code": "A", "max": 0}]}]}, "not an allowed number"),
        ({"groups": [{"criteria": [{"code": "A", "max": True}]}]}, "not a number"),
        ({"groups": [{"criteria": [{"code": "A" * 21, "max": 1}]}]}, "at most 20 characters"),
        ({"groups": [{"criteria": [{"code": "A", "max": 1, "title": 5}]}]}, "must be a text"),
        ({"groups": [{"criteria": [{"code": "A", "max": 1}, {"code": "A", "max": 1}]}]}, "share a code"),
        ({"groups": [{"criteria": [{"code": "A", "max": 1, "pledge_item": "2"}]}]}, "commitment"),
        (
            {"groups": [{"criteria": [{"code": "A", "max": 1}]}], "bonus": {"lines": [{"code": "B", "points": -1}]}},
            "not an allowed number",
        ),
        (
            {
                "groups": [{"criteria": [{"code": "A", "max": 1}]}],
                "bands": [{"name": "X", "min_total": 1, "min_share_per_criterion": 2}],
            },
            "between 0 and 1",
        ),
    ],
)
def test_a_malformed_table_is_refused_with_what_is_wrong(document, message):
    with pytest.raises(ScoringError, match=message):
        table_from_json(document)
