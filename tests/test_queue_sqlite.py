# ruff: noqa: F811 (pytest fixtures imported from tests/pledges are arguments of the tests below)
"""The embedded task queue (huey on an SQLite file, no server) with a real consumer process.

A production app server (gunicorn) queues the signed PDF of the pledge its request completes; a
``manage.py run_huey`` process on the same queue file produces it, once. ``/healthz`` follows the
consumer: ``"tasks": "ok"`` while its heartbeat is fresh, 503 with ``"tasks": "error"`` once it was
killed. Runs in both passes of test.sh (on the SQLite test database too: every process opens its file).
"""

import json
import time

from django.db import connection

from bench.pages import Consumer, free_port
from pledges.models import Pledge
from tests.pledges.conftest import draft, heads, pledge, sign  # noqa: F401 (fixtures)
from tests.pledges.test_two_servers import call, gunicorn, production_env, sign_through, wait_for, wait_for_pdf


def health(base: str) -> tuple[int, dict]:
    status, _, body = call(base, "/healthz", session="")
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {}


def test_a_consumer_on_the_embedded_queue_produces_the_pdf_and_healthz_follows_it(
    transactional_db, cast, heads, pledge, settings, tmp_path, end_server_sessions, production_static
):
    env = production_env(
        settings,
        tmp_path,
        production_static,
        TASKS_SQLITE_PATH=str(tmp_path / "tasks.sqlite3"),
        TASKS_HEARTBEAT_MAX_AGE="20",
        # Production mode refuses an SQLite database (check_production): the SQLite pass serves in debug mode.
        DEBUG="true" if connection.vendor == "sqlite" else "false",
    )
    env.pop("REDIS_URL", None)
    *first, last = heads.values()
    for i, head in enumerate(first):
        sign(pledge, head, token=f"t{i}")
    port = free_port()
    server, consumer = gunicorn(env, port), None
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz")
        # No consumer has ever run on this queue: the queue is reported broken.
        status, body = health(base)
        assert (status, body.get("tasks")) == (503, "error"), body
        sign_through(base, pledge, last)
        pledge.refresh_from_db()
        assert pledge.status == Pledge.Status.COMPLETED
        assert pledge.pdf_status != Pledge.PdfStatus.READY and not pledge.pdf_file  # queued, not made

        consumer = Consumer(env, workers=2, nice=False)
        wait_for_pdf(pledge)
        assert pledge.pdf_status == Pledge.PdfStatus.READY, consumer.output()[-3000:]
        files = sorted((tmp_path / "private" / "pledge-pdfs").iterdir())
        assert [f"pledge-pdfs/{f.name}" for f in files] == [pledge.pdf_file.name]
        deadline = time.monotonic() + 75  # the heartbeat runs at the consumer's start, then every minute
        while health(base)[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        status, body = health(base)
        assert (status, body.get("tasks")) == (200, "ok"), body

        consumer.kill()  # kill -9: no heartbeat any more
        deadline = time.monotonic() + 60
        while health(base)[0] == 200 and time.monotonic() < deadline:
            time.sleep(1)
        status, body = health(base)
        assert (status, body.get("tasks")) == (503, "error"), body
    finally:
        if consumer:
            consumer.kill()
        server.terminate()
        server.wait(timeout=15)
