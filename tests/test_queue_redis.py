# ruff: noqa: F811 (pytest fixtures imported from tests/pledges are arguments of the tests below)
"""The task queue on Redis with real consumers: ``manage.py run_huey`` processes on test.sh's Redis.

Each test starts production processes (gunicorn, consumers, management commands) with ``REDIS_URL``
on the test database, so that nothing runs in the test process's immediate mode. Marked ``postgres``
and ``redis``: skipped without TEST_REDIS_URL (test.sh gives it to the PostgreSQL pass only).
The Redis restart in the middle of a signing burst and ``kill -9`` of a consumer in the middle of a PDF
are fault scenarios (bench/faults.py ``restart-redis`` and ``kill-consumer``, run by tests/test_faults.py
on their own PostgreSQL and Redis).
"""

import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from bench.pages import Consumer, SmtpSink, free_port
from core.models import OutgoingEmail
from pledges.models import Pledge
from tests.pledges.conftest import draft, heads, pledge, sign  # noqa: F401 (fixtures)
from tests.pledges.test_two_servers import (
    ROOT,
    gunicorn,
    production_env,
    redis_url,  # noqa: F401 (fixture)
    sign_through,
    wait_for,
    wait_for_pdf,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def manage(env: dict, *command: str) -> str:
    result = subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def wait_until(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def test_a_consumer_produces_the_signed_pdf_the_last_signer_did_not_wait_for(
    transactional_db, cast, heads, pledge, settings, tmp_path, end_server_sessions, production_static, redis_url
):
    env = production_env(settings, tmp_path, production_static, REDIS_URL=redis_url, LOG_LEVEL="INFO")
    *first, last = heads.values()
    for i, head in enumerate(first):
        sign(pledge, head, token=f"t{i}")
    port = free_port()
    server, consumer = gunicorn(env, port), None
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz")
        sign_through(base, pledge, last)
        pledge.refresh_from_db()
        # The response came back with the PDF queued, not made: no consumer runs yet.
        assert pledge.status == Pledge.Status.COMPLETED
        assert pledge.pdf_status != Pledge.PdfStatus.READY and not pledge.pdf_file

        consumer = Consumer(env, workers=2, nice=False)
        wait_for_pdf(pledge)
        log = consumer.output()
        assert pledge.pdf_status == Pledge.PdfStatus.READY, log[-3000:]
        files = list((tmp_path / "private" / "pledge-pdfs").iterdir())
        assert [f"pledge-pdfs/{f.name}" for f in files] == [pledge.pdf_file.name]
    finally:
        if consumer:
            consumer.kill()
        server.terminate()
        server.wait(timeout=15)


def unsigned_heads(of_pledge) -> list[str]:
    from accounts.models import User

    signed = of_pledge.signatures.values_list("unit_id", flat=True)
    units = of_pledge.required_signers.exclude(unit_id__in=signed).values_list("unit_id", flat=True)
    return sorted(User.objects.filter(unit_id__in=units, can_sign=True).values_list("email", flat=True))


@pytest.fixture
def sink():
    server = SmtpSink()
    yield server
    server.close()


@pytest.fixture
def mail_env(settings, tmp_path, production_static, redis_url, sink):
    return production_env(
        settings,
        tmp_path,
        production_static,
        REDIS_URL=redis_url,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
    )


def test_reminders_are_sent_by_a_consumer_once_each(
    transactional_db, cast, heads, pledge, mail_env, sink, end_server_sessions
):
    sign(pledge, heads["chair"])
    expected = unsigned_heads(pledge)
    assert len(expected) == 3
    # The notices that signing opened went out in the fixture (through the test's own queue): not counted.
    earlier = list(OutgoingEmail.objects.values_list("pk", flat=True))
    consumer = Consumer(mail_env, workers=2, nice=False)
    try:
        manage(mail_env, "send_reminders", "--days", "40000")  # the deadline is in 2099
        written = list(OutgoingEmail.objects.exclude(pk__in=earlier).values_list("to", flat=True))
        assert set(expected) <= set(written)
        sent = wait_until(lambda: not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists())
        assert sent, (list(OutgoingEmail.objects.values("to", "status", "last_error")), consumer.output()[-3000:])
        assert wait_until(lambda: len(sink.recipients()) >= len(written), 10)
        time.sleep(1)  # a second delivery of one e-mail would arrive by now
        assert Counter(sink.recipients()) == Counter(written)
    finally:
        consumer.kill()


def test_reminders_queued_while_redis_is_unreachable_are_sent_by_the_periodic_retry(
    transactional_db, cast, heads, pledge, mail_env, sink, end_server_sessions
):
    expected = unsigned_heads(pledge)
    # Nothing listens on this port: queueing fails, the command still succeeds and the rows stay queued.
    unreachable = mail_env | {"REDIS_URL": f"redis://:nopassword@127.0.0.1:{free_port()}/0"}
    earlier = list(OutgoingEmail.objects.values_list("pk", flat=True))  # the notices that signing opened
    manage(unreachable, "send_reminders", "--days", "40000")
    rows = OutgoingEmail.objects.exclude(pk__in=earlier)
    written = list(rows.values_list("to", flat=True))
    assert set(expected) <= set(written)
    assert set(rows.values_list("status", flat=True)) == {OutgoingEmail.Status.QUEUED}
    consumer = Consumer(mail_env, workers=2, nice=False)
    try:
        time.sleep(2)
        assert sink.recipients() == []  # the tasks were lost with the queue: only the retry sends them
        # What retry_unsent_emails does every five minutes (bench/faults.py --periodic queues it now).
        subprocess.run(
            [PYTHON, str(Path(ROOT) / "bench" / "faults.py"), "--periodic"], cwd=ROOT, env=mail_env, check=True
        )
        sent = wait_until(lambda: not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists())
        assert sent, (list(OutgoingEmail.objects.values("to", "status", "last_error")), consumer.output()[-3000:])
        assert wait_until(lambda: len(sink.recipients()) >= len(written), 10)
        time.sleep(1)
        assert Counter(sink.recipients()) == Counter(written)
    finally:
        consumer.kill()
