"""Faults in the middle of a signing burst, and what must hold afterwards.

    .venv/bin/python bench/faults.py kill          # kill -9 one of two gunicorn servers mid-burst
    .venv/bin/python bench/faults.py restart-db    # restart PostgreSQL mid-burst
    .venv/bin/python bench/faults.py pdf-fail      # PDF rendering raises
    .venv/bin/python bench/faults.py pdf-hang      # PDF rendering never returns (PDF_TIME_LIMIT=2)

Each builds bench/signing_burst.py's set-up (a throwaway PostgreSQL, seed_scale,
K open pledges with nobody signed; --pledges, --members), sends the burst,
injects the fault a third of the way through, then sends once more every valid
form whose signer saw no answer or a server error (what a person does), and
checks: every signature confirmed to its signer is stored exactly once, every
completed pledge completed once and has its PDF or is pending; the board
officer's "Produce the signed PDF again" is pressed for each pending one on a
healthy server and must make it ready; every stored PDF's seal verifies.
Exits non-zero if anything does not hold. All load goes to 127.0.0.1.

The PDF faults need no change to the application: the server is started with
``bench.faults:application()``, which replaces ``pledges.pdf.seal_pdf`` in the
worker when BENCH_PDF_FAULT is ``fail`` or ``hang``.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import signing_burst as sb  # noqa: E402
from bench.pages import Postgres  # noqa: E402

FAULTS = ["kill", "restart-db", "pdf-fail", "pdf-hang"]


def application():
    """Return the project's WSGI application with PDF sealing broken as BENCH_PDF_FAULT says."""
    from django.core.wsgi import get_wsgi_application

    wsgi = get_wsgi_application()
    from pledges import pdf

    fault = os.environ.get("BENCH_PDF_FAULT", "")

    def broken_seal(data: bytes) -> bytes:
        if fault == "hang":
            time.sleep(3600)  # the renderer never returns: only the time limit frees the signer
        raise RuntimeError("benchmark fault: PDF rendering failed")

    if fault in ("fail", "hang"):
        pdf.seal_pdf = broken_seal
    return wsgi


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
    postgres = Postgres()
    servers = []
    try:
        postgres.start()
        env, prepared = sb.seeded(folder, postgres, count, members, static_root)
        heads = prepared["heads"]
        pledge_ids = sorted({h["pledge"] for h in heads})
        healthy = sb.serve("emulation.wsgi", env, 2)
        servers.append(healthy)
        posts = sb.plan(healthy.port, heads)
        during, ports = None, [healthy.port]
        if fault == "kill":
            second = sb.serve("emulation.wsgi", env, 2)
            servers.append(second)
            ports = [healthy.port, second.port]

            def during():
                os.killpg(second.process.pid, signal.SIGKILL)  # the master and its workers, mid-request

        elif fault == "restart-db":

            def during():
                restart(postgres)

        elif fault in ("pdf-fail", "pdf-hang"):
            sb.stop(healthy)
            broken = sb.serve("bench.faults:application()", env | {"BENCH_PDF_FAULT": fault[4:],
                                                                   "PDF_TIME_LIMIT": "2"}, 2)  # fmt: skip
            servers.append(broken)
            ports = [broken.port]
        started = time.perf_counter()
        sb.burst(ports, posts, concurrency, during)
        seen = sb.tally(posts)
        print(f"{fault}: {len(posts)} posts in {time.perf_counter() - started:.1f} s, confirmed "
              f"{len(seen['confirmed'])}, server errors or no answer {seen['errors']}")  # fmt: skip
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
        found = sb.checked(folder, env, pledge_ids, confirmed)
        pending = list(found["pdf_pending"])
        retried = {pk: sb.retry_pdf(healthy.port, pk, prepared["boards"][str(pk)]) for pk in pending}
        after = sb.checked(folder, env, pledge_ids, confirmed)
        print(f"{fault}: stored {found['stored']}, lost {found['lost']}, duplicated {found['duplicated']}, "
              f"wrongly refused {seen['wrongly_refused']} then {refused}, invalid accepted "
              f"{seen['wrongly_accepted']}, completed {found['completed']} of {count}, PDF ready {found['pdf_ready']}, "
              f"pending {pending} → retry {retried} → pending {after['pdf_pending']}, ready {after['pdf_ready']}, "
              f"bad seals {after['pdf_bad']}")  # fmt: skip
        broken = []
        if found["lost"] or found["duplicated"]:
            broken.append(f"lost {found['lost']}, duplicated {found['duplicated']}")
        if seen["wrongly_accepted"]:
            broken.append(f"{seen['wrongly_accepted']} invalid forms accepted")
        if fault.startswith("pdf") and found["completed"] and not pending:
            broken.append("the PDF fault left no PDF pending")
        if after["pdf_pending"] or after["pdf_bad"] or after["completion_events_wrong"]:
            broken.append(f"after retry: pending {after['pdf_pending']}, bad {after['pdf_bad']}, "
                          f"completion events wrong {after['completion_events_wrong']}")  # fmt: skip
        if not fault.startswith("pdf") and refused:
            broken.append(f"{refused} re-sent valid forms refused")
        return broken
    finally:
        for server in servers:
            if server.process.poll() is None:
                sb.stop(server)
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
