"""Two officers acting at the same moment: the database decides, nobody gets a 500."""

import threading

import pytest
from django.db import connection

from blocs import services
from blocs.models import Membership, Term
from blocs.services import RegistryError


def run_together(count, action):
    """Run *action* in *count* threads released at once; return their results or errors."""
    barrier = threading.Barrier(count)
    results = []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(action())
        except RegistryError as error:
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres
def test_two_officers_creating_the_same_year_get_one_term(transactional_db, cast):
    results = run_together(
        2,
        lambda: services.term_create(
            actor=cast.board, bloc=cast.bloc, year=2023, units=[cast.chair_unit, cast.vice_unit]
        ),
    )
    assert sorted(type(r).__name__ for r in results) == ["RegistryError", "Term"]
    assert Term.objects.filter(bloc=cast.bloc, year=2023).count() == 1
    assert Membership.objects.filter(term__year=2023).count() == 2


@pytest.mark.postgres
def test_two_officers_adding_the_same_member_get_one_membership(transactional_db, cast):
    import datetime

    results = run_together(
        2,
        lambda: services.membership_add(
            actor=cast.board, term=cast.term, unit=cast.outsider_unit, joined_on=datetime.date(2022, 5, 1)
        ),
    )
    assert sorted(type(r).__name__ for r in results) == ["Membership", "RegistryError"]
    assert Membership.objects.filter(unit=cast.outsider_unit).count() == 1
