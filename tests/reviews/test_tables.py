"""The scoring table as data: import, copy, and a frozen table refused."""

import copy
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.utils import translation

from blocs import services as registry
from reviews import scoring, services
from reviews.models import ReviewEvent, ScoringTable
from reviews.services import ReviewError

EXAMPLE = json.loads((Path(__file__).resolve().parents[2] / "reviews" / "data" / "scoring-table-100.json").read_text())


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def test_the_example_imports_as_a_100_point_table(cast):
    table = services.table_set(actor=cast.chair_officer, term=cast.term, data=EXAMPLE)
    table = ScoringTable.objects.with_parts().get(pk=table.pk)
    assert table.total == D(100) and len(table.criteria()) == 12
    assert table.spec() == scoring.table_from_json(EXAMPLE)
    assert table.criteria()[0].pledge_item_number == 1
    assert ReviewEvent.objects.filter(term=cast.term, kind="table_set", actor=cast.chair_officer).exists()


def test_a_table_is_copied_to_the_next_year(cast):
    table = services.table_set(actor=cast.board, term=cast.term, data=EXAMPLE)
    next_term = registry.term_create(actor=cast.board, bloc=cast.bloc, year=2023, units=[cast.chair_unit])
    copied = services.table_copy(actor=cast.board, term=next_term, source=table)
    assert (
        ScoringTable.objects.with_parts().get(pk=copied.pk).spec()
        == ScoringTable.objects.with_parts().get(pk=table.pk).spec()
    )


def test_a_1000_point_table_imports():
    thousand = {
        "total": 1000,
        "groups": [{"code": "A", "title": "A", "criteria": [{"code": "A.1", "max": 600}, {"code": "A.2", "max": 400}]}],
        "bands": [{"name": "Xuất sắc", "min_total": 900, "min_share_per_criterion": 0.85}],
    }
    assert scoring.table_from_json(thousand).criteria[0].max_points == D(600)


def test_a_broken_table_changes_nothing(cast):
    services.table_set(actor=cast.board, term=cast.term, data=EXAMPLE)
    broken = copy.deepcopy(EXAMPLE)
    broken["groups"][1]["criteria"][0]["max"] = 9
    with pytest.raises(ReviewError, match="add up to"):
        services.table_set(actor=cast.board, term=cast.term, data=broken)
    assert ScoringTable.objects.get(term=cast.term).total == D(100)


def test_a_frozen_table_is_refused(cast):
    table = services.table_set(actor=cast.board, term=cast.term, data=EXAMPLE)
    services.table_freeze(actor=cast.chair_officer, table=table)  # self-assessment opened
    with pytest.raises(ReviewError, match="frozen"):
        services.table_set(actor=cast.board, term=cast.term, data=EXAMPLE)
