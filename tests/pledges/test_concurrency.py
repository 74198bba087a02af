"""Every head signing at the same moment, on PostgreSQL with real concurrent transactions."""

import threading

import pytest
from django.db import connection

from pledges.models import Pledge, PledgeEvent, Signature
from pledges.services import PledgeError
from tests.pledges.conftest import sign


@pytest.mark.postgres
def test_simultaneous_signatures_complete_exactly_once(transactional_db, cast, heads, pledge):
    # Each head sends the same form twice (a double tap) and a second, different form.
    attempts = [(head, token) for head in heads.values() for token in ("tap", "tap", "other")]
    barrier = threading.Barrier(len(attempts))
    outcomes = []
    lock = threading.Lock()

    def attempt(head, token):
        try:
            barrier.wait(timeout=20)  # every thread on its own connection, released together
            signature, created = sign(pledge, head, token=token)
            result = ("created" if created else "stored", head.unit_id, signature.pk)
        except PledgeError:
            result = ("refused", head.unit_id, None)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=item) for item in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == len(attempts)
    assert Signature.objects.filter(pledge=pledge).count() == len(heads)
    for unit_id in {h.unit_id for h in heads.values()}:
        mine = [o for o in outcomes if o[1] == unit_id]
        assert sum(1 for o in mine if o[0] == "created") == 1
        # Whatever won, nothing for this unit was lost: a "stored" answer points at the one signature.
        assert {o[2] for o in mine if o[2]} == {Signature.objects.get(pledge=pledge, unit_id=unit_id).pk}
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.COMPLETED
    assert PledgeEvent.objects.filter(pledge=pledge, kind="completed").count() == 1
    assert PledgeEvent.objects.filter(pledge=pledge, kind="signed").count() == len(heads)
