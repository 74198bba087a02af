"""The short form of bench/faults.py: each fault in the middle of a small signing burst.

Each scenario is the benchmark's own (bench/faults.py ``scenario``) at a small size:
a throwaway PostgreSQL server and Redis of its own (the restarts must not touch the
test database or test.sh's Redis), migrated and filled with ``seed_scale``, gunicorn
servers in production mode and task consumers (``manage.py run_huey``) on that Redis,
3 open pledges × 4 heads posting at once with double taps and invalid forms.
After the fault, every signature confirmed to its signer must be stored exactly
once, every completed pledge must have its PDF (stored once) or be pending until
the board officer's retry makes it ready, and every stored PDF's seal must verify.
The queue faults (``kill-consumer``: ``kill -9`` of the consumer in the middle of
PDFs; ``restart-redis``: Redis restarted mid-burst while reminders are queued) leave
nothing for the officer, and every reminder is delivered exactly once.
"""

import pytest

from bench import faults


@pytest.mark.faults
@pytest.mark.parametrize("fault", faults.FAULTS)
def test_no_confirmed_signature_is_lost(fault, capsys, production_static):
    broken = faults.scenario(fault, count=3, members=4, concurrency=6, static_root=production_static)
    report = capsys.readouterr().out
    assert broken == [], report
    assert f"{fault}: stored" in report  # the scenario ran to its checks
