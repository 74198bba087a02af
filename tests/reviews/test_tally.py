"""The ballot count against hand-worked cases: threshold, quota, ties at the edge, a unit passing once."""

from reviews.tally import tally

FLAG, MERIT = "flag", "merit"
FORMS = [FLAG, MERIT]


def test_threshold_and_quota():
    # 8 members: more than half is 5 votes.
    result = tally(FORMS, {FLAG: 1, MERIT: 2}, {FLAG: {"A": 6, "B": 2}, MERIT: {"C": 7, "D": 5, "E": 4}}, 5)
    assert result[FLAG].passed == ["A"] and result[MERIT].passed == ["C", "D"]
    assert not result[FLAG].tied and not result[MERIT].tied


def test_nobody_reaching_the_threshold_leaves_the_seat_empty():
    result = tally(FORMS, {FLAG: 1, MERIT: 1}, {FLAG: {"A": 4, "B": 4}, MERIT: {}}, 5)
    assert result[FLAG].passed == [] and result[FLAG].tied == []


def test_a_tie_at_the_quota_edge_goes_to_a_further_round():
    result = tally(FORMS, {FLAG: 1, MERIT: 4}, {FLAG: {"A": 5, "B": 5}, MERIT: {"C": 8, "D": 6, "E": 6, "F": 6}}, 5)
    assert result[FLAG].passed == [] and sorted(result[FLAG].tied) == ["A", "B"] and result[FLAG].seats_left == 1
    # Four merit seats: C takes one and the three tied fit the three left.
    assert result[MERIT].passed == ["C", "D", "E", "F"] and result[MERIT].tied == []
    # Two merit seats: C takes one, and three tie for the last.
    result = tally(FORMS, {FLAG: 1, MERIT: 2}, {FLAG: {}, MERIT: {"C": 8, "D": 6, "E": 6, "F": 6}}, 5)
    assert result[MERIT].passed == ["C"] and sorted(result[MERIT].tied) == ["D", "E", "F"]
    assert result[MERIT].seats_left == 1


def test_a_tie_inside_the_quota_passes_both():
    result = tally(FORMS, {FLAG: 2, MERIT: 1}, {FLAG: {"A": 7, "B": 7, "C": 6}, MERIT: {}}, 5)
    assert sorted(result[FLAG].passed) == ["A", "B"] and not result[FLAG].tied


def test_a_unit_passes_one_form_the_higher_one():
    result = tally(FORMS, {FLAG: 1, MERIT: 2}, {FLAG: {"A": 6}, MERIT: {"A": 7, "B": 6, "C": 5}}, 5)
    assert result[FLAG].passed == ["A"] and result[MERIT].passed == ["B", "C"]
