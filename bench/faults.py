"""Faults in the middle of a signing burst, and what must hold afterwards.

    .venv/bin/python bench/faults.py kill          # kill -9 one of two gunicorn servers mid-burst
    .venv/bin/python bench/faults.py restart-db    # restart PostgreSQL mid-burst
    .venv/bin/python bench/faults.py pdf-fail      # PDF rendering raises
    .venv/bin/python bench/faults.py pdf-hang      # PDF rendering never returns (PDF_TIME_LIMIT=2)
    .venv/bin/python bench/faults.py kill-consumer # kill -9 the task consumer in the middle of PDFs
    .venv/bin/python bench/faults.py restart-redis # restart Redis mid-burst while reminders are queued

Each builds bench/signing_burst.py's set-up (a throwaway PostgreSQL, seed_scale,
K open pledges with nobody signed; --pledges, --members) with a throwaway Redis
and task consumers (``manage.py run_huey``) as production runs them, sends the burst,
injects the fault a third of the way through, then sends once more every valid
form whose signer saw no answer or a server error (what a person does), and
checks: every signature confirmed to its signer is stored exactly once, every
completed pledge completed once and has its PDF or is pending; the board
officer's "Produce the signed PDF again" is pressed for each pending one (a
healthy consumer running) and must make it ready; every stored PDF's seal
verifies, and no PDF is stored twice (no orphan file). The two queue faults
promise more: no PDF is left for the officer (the consumer that is left, or the
periodic ``retry_pending_pdfs``, produces it), and after a Redis restart every
queued reminder is sent exactly once (counted at a local SMTP sink).
Exits non-zero if anything does not hold. All load goes to 127.0.0.1.

The PDF faults need no change to the application: the consumer is started as
``bench/faults.py --consumer``, which replaces ``pledges.pdf.seal_pdf`` before
``run_huey`` loads the tasks when BENCH_PDF_FAULT is ``fail``, ``hang`` or
``slow`` (sleeps 4 s, then seals: a PDF long enough to be killed in the middle of).
The periodic tasks are queued at once with ``--periodic`` (what the consumer's
scheduler does every few minutes), so that a scenario does not wait for the clock.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import signing_burst as sb  # noqa: E402
from bench.pages import PYTHON, Consumer, Postgres, Redis, SmtpSink  # noqa: E402

FAULTS = ["kill", "restart-db", "pdf-fail", "pdf-hang", "kill-consumer", "restart-redis"]
QUEUE_FAULTS = ("kill-consumer", "restart-redis")


def consumer():
    """Run ``manage.py run_huey`` with PDF sealing broken (or slowed) as BENCH_PDF_FAULT says."""
    import django

    django.setup()
    from django.core.management import call_command

    from pledges import pdf

    fault = os.environ.get("BENCH_PDF_FAULT", "")
    seal = pdf.seal_pdf

    def broken_seal(data: bytes, *args, **kwargs) -> bytes:
        if fault == "slow":
            time.sleep(4)
            return seal(data, *args, **kwargs)
        if fault == "hang":
            time.sleep(3600)  # the renderer never returns: only the time limit frees the task
        raise RuntimeError("benchmark fault: PDF rendering failed")

    if fault in ("fail", "hang", "slow"):
        pdf.seal_pdf = broken_seal
    call_command("run_huey", "-w", "2")


def periodic():
    """Queue the periodic retries now, as the consumer's scheduler does every few minutes.

    The retries leave alone what is younger than a minute or two (its own task may still be queued);
    the waiting rows are made ten minutes older first, so that a scenario need not wait for the clock.
    """
    import datetime

    import django

    django.setup()
    from django.db.models import F

    from core.models import OutgoingEmail
    from core.tasks import retry_unsent_emails
    from pledges.models import Pledge
    from pledges.tasks import retry_pending_pdfs

    older = datetime.timedelta(minutes=10)
    waiting = Pledge.objects.filter(status=Pledge.Status.COMPLETED).exclude(pdf_status=Pledge.PdfStatus.READY)
    waiting.update(completed_at=F("completed_at") - older)
    OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).update(created_at=F("created_at") - older)
    retry_pending_pdfs()
    retry_unsent_emails()


def settle(folder: Path, env: dict, pledge_ids: list[int], confirmed: list, seconds: float) -> dict:
    """Wait up to *seconds* for the PDFs and e-mails still in the queue; queue the periodic retries every 10 s."""
    deadline, nudged = time.monotonic() + seconds, time.monotonic()
    while True:
        found = sb.checked(folder, env, pledge_ids, confirmed)
        waiting = found["pdf_pending"] or found["emails"].get("queued") or found["emails"].get("sending")
        if not waiting or time.monotonic() > deadline:
            return found
        if time.monotonic() - nudged > 10:
            sb.run([PYTHON, __file__, "--periodic"], env, quiet=True)
            nudged = time.monotonic()
        time.sleep(1)


def restart(postgres: Postgres) -> None:
    """Restart the PostgreSQL server (fast shutdown: open transactions are rolled back)."""
    subprocess.run([*postgres.as_pg, str(postgres.bin / "pg_ctl"), "-D", str(postgres.folder / "data"), "-l",
                    str(postgres.folder / "server.log"), "-w", "-m", "fast", "restart"], check=True,
                   capture_output=True)  # fmt: skip


def scenario(fault: str, count: int, members: int, concurrency: int, static_root: Path | None = None) -> list[str]:
    """Run one fault; print what happened; return the broken promises (empty when all hold).

    *static_root*: static files collected already (skips collectstatic, the slowest step).
    """
    folder = Path(tempfile.mkdtemp(prefix="bench-faults-"))
    postgres, redis, sink = Postgres(), Redis(), SmtpSink()
    servers, workers = [], []
    try:
        postgres.start()
        redis.start()
        env, prepared = sb.seeded(folder, postgres, redis, count, members, static_root)
        env |= {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port)}  # fmt: skip
        heads = prepared["heads"]
        pledge_ids = sorted({h["pledge"] for h in heads})
        healthy = sb.serve("emulation.wsgi", env, 2)
        servers.append(healthy)
        posts = sb.plan(healthy.port, heads)
        during, ports = None, [healthy.port]
        if fault.startswith("pdf") or fault == "kill-consumer":
            broken_env = env | {"BENCH_PDF_FAULT": {"kill-consumer": "slow"}.get(fault, fault[4:]),
                                "PDF_TIME_LIMIT": "2"}  # fmt: skip
            workers.append(Consumer(broken_env, command=[PYTHON, __file__, "--consumer"]))
        else:
            workers += sb.consumers(env, redis.url, 2 if fault == "restart-redis" else 1)
        reminders = []
        if fault == "kill":
            second = sb.serve("emulation.wsgi", env, 2)
            servers.append(second)
            ports = [healthy.port, second.port]

            def during():
                os.killpg(second.process.pid, signal.SIGKILL)  # the master and its workers, mid-request

        elif fault == "restart-db":

            def during():
                restart(postgres)

        elif fault == "restart-redis":

            def during():
                # Reminders queued by the daily job while the burst queues PDFs; Redis goes away under both.
                command = [PYTHON, "manage.py", "send_reminders", "--days", "3650"]
                thread = threading.Thread(target=lambda: reminders.append(sb.run(command, env, quiet=True)))
                thread.start()
                redis.restart(down=1.5)
                thread.join()

        started = time.perf_counter()
        sb.burst(ports, posts, concurrency, during)
        seen = sb.tally(posts)
        print(f"{fault}: {len(posts)} posts in {time.perf_counter() - started:.1f} s, confirmed "
              f"{len(seen['confirmed'])}, server errors or no answer {seen['errors']}")  # fmt: skip
        pending_at_kill = pdf_fault_pending = None
        if fault == "kill-consumer":
            time.sleep(1)  # the consumer's two threads are inside a 4 s seal by now
            pending_at_kill = sb.checked(folder, env, pledge_ids, seen["confirmed"])["pdf_pending"]
            workers[0].kill()
            print(f"{fault}: killed the consumer (-9) with PDFs pending {pending_at_kill}")
        if fault.startswith("pdf") or fault == "kill-consumer":
            pdf_fault_pending = sb.checked(folder, env, pledge_ids, seen["confirmed"])["pdf_pending"]
            for worker in workers:
                worker.kill()
            workers.append(Consumer(env))  # the healthy consumer that is left
        for server in servers[1:]:
            sb.stop(server)
        if healthy.process.poll() is not None:
            healthy = sb.serve("emulation.wsgi", env, 2)
            servers.append(healthy)
        again = sb.resend_unconfirmed(healthy.port, posts)
        second_seen = sb.tally(again)
        print(f"{fault}: sent again {len(again)}, confirmed {len(second_seen['confirmed'])}, "
              f"errors {second_seen['errors']}")  # fmt: skip
        # Wrongly refused counts the valid forms that got a page back (a refusal), before and after the re-send.
        refused = sb.tally([a for a in again if isinstance(a["status"], int)])["wrongly_refused"]
        confirmed = seen["confirmed"] + second_seen["confirmed"]
        found = settle(folder, env, pledge_ids, confirmed, 0 if fault.startswith("pdf") else 150)
        pending = list(found["pdf_pending"])
        retried = {pk: sb.retry_pdf(healthy.port, pk, prepared["boards"][str(pk)]) for pk in pending}
        after = settle(folder, env, pledge_ids, confirmed, 60 if pending else 0)
        print(f"{fault}: stored {found['stored']}, lost {found['lost']}, duplicated {found['duplicated']}, "
              f"wrongly refused {seen['wrongly_refused']} then {refused}, invalid accepted "
              f"{seen['wrongly_accepted']}, completed {found['completed']} of {count}, PDF ready {found['pdf_ready']}, "
              f"pending {pending} → retry {retried} → pending {after['pdf_pending']}, ready {after['pdf_ready']}, "
              f"bad seals {after['pdf_bad']}, orphan files {after['pdf_orphans']}, e-mails {after['emails']}, "
              f"delivered {len(sink.recipients())}")  # fmt: skip
        broken = []
        if found["lost"] or found["duplicated"]:
            broken.append(f"lost {found['lost']}, duplicated {found['duplicated']}")
        if seen["wrongly_accepted"]:
            broken.append(f"{seen['wrongly_accepted']} invalid forms accepted")
        if fault.startswith("pdf") and found["completed"] and not pdf_fault_pending:
            broken.append("the PDF fault left no PDF pending")
        if fault == "kill-consumer" and not pending_at_kill:
            broken.append("no PDF was pending when the consumer was killed: the fault tested nothing")
        if fault in QUEUE_FAULTS and (seen["errors"] or seen["wrongly_refused"]):
            broken.append(f"the queue fault failed requests: {seen['errors']} server errors, "
                          f"{seen['wrongly_refused']} valid forms refused")  # fmt: skip
        if fault in QUEUE_FAULTS and pending:
            broken.append(f"PDFs left for the officer after the queue fault: {pending}")
        if after["pdf_orphans"]:
            broken.append(f"PDFs stored twice (orphan files {after['pdf_orphans']})")
        if fault == "restart-redis":
            if not after["emailed"]:
                broken.append("no reminder was sent: the scenario tested nothing")
            if set(after["emails"]) != {"sent"}:
                broken.append(f"e-mails not all sent: {after['emails']}")
            if sorted(sink.recipients()) != after["emailed"]:
                broken.append(f"{len(sink.recipients())} messages delivered for {len(after['emailed'])} sent e-mails")
        if after["pdf_pending"] or after["pdf_bad"] or after["completion_events_wrong"]:
            broken.append(f"after retry: pending {after['pdf_pending']}, bad {after['pdf_bad']}, "
                          f"completion events wrong {after['completion_events_wrong']}")  # fmt: skip
        if not fault.startswith("pdf") and refused:
            broken.append(f"{refused} re-sent valid forms refused")
        return broken
    finally:
        for worker in workers:
            worker.kill()
        for server in servers:
            if server.process.poll() is None:
                sb.stop(server)
        postgres.stop()
        redis.remove()
        sink.close()
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    if sys.argv[1:] == ["--consumer"]:
        return consumer()
    if sys.argv[1:] == ["--periodic"]:
        return periodic()
    parser.add_argument("fault", choices=[*FAULTS, "all"])
    parser.add_argument("--pledges", type=int, default=6, help="open pledges (default 6)")
    parser.add_argument("--members", type=int, default=10, help="members a pledge (default 10)")
    parser.add_argument("--concurrency", type=int, default=12, help="clients at once (default 12)")
    args = parser.parse_args()
    failures = {}
    for fault in FAULTS if args.fault == "all" else [args.fault]:
        broken = scenario(fault, args.pledges, args.members, args.concurrency)
        print(f"{fault}: {'OK' if not broken else 'BROKEN: ' + '; '.join(broken)}", flush=True)
        if broken:
            failures[fault] = broken
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
