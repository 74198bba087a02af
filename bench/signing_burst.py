"""Benchmark: every head of K open pledges signs at once, through HTTP, against a bare view replaying the same SQL.

    .venv/bin/python bench/signing_burst.py --quick     # 6 pledges × 10 members
    .venv/bin/python bench/signing_burst.py             # 20 pledges × 10 members (--pledges, --members to change)

Starts a throwaway PostgreSQL server (bench/pages.py's), fills it with
``seed_scale`` (current year only), takes K open pledges and removes their
seeded signatures (so every head still has to sign), creates sessions directly,
and serves the application under gunicorn with DEBUG off and a throwaway seal.
Every head first GETs the signing page (CSRF cookie and token, content hash,
form token), then all signing forms are posted at once by stdlib threads with
``X-Forwarded-Proto: https`` and ``Origin``: a typed signature each, a share
sent twice with the same form token (a double tap), and a share of invalid
forms (a wrong content hash, or the agreement unticked). Then it checks the
database: no signature confirmed to its signer is missing (lost), no unit has
two signatures and no two confirmations of one unit name different signatures
(duplicated), no valid form was refused (a re-sent form answered with its
stored signature counts as served), no invalid form was accepted, every
completed pledge completed once and has a sealed PDF that verifies, stored once
(no orphan file). The PDFs are produced as in production: by the task queue on a
throwaway Redis (loopback, a password), with ``--consumers`` niced
``manage.py run_huey`` processes; the app server never renders one. The same
posts then go to a bare view (``bench/bare_sign.py``) replaying each pledge's
captured signing SQL in a transaction that rolls back. Prints throughput,
p50/p95/p99, the counts and the ratio; the p95 of the last signer of each pledge
(whose post completes it) beside the p95 of all posts; and how long after the
burst the last signed PDF was stored. bench/faults.py reuses the pieces.
All load goes to 127.0.0.1.
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import (  # noqa: E402
    PYTHON,
    SITE_URL,
    Consumer,
    Gunicorn,
    Postgres,
    Redis,
    run,
    session_for,
    write_seal,
)

DUPLICATE_SHARE = 0.2  # heads who send the same form twice at once
INVALID_SHARE = 0.1  # heads who first send a form the server must refuse
SIGNATURE_URL = re.compile(r"/pledges/signatures/(\d+)/")


# Set-up and checks, in a child process on the benchmark's database -----------------------------


def prepare(out: Path, count: int, members: int) -> None:
    """Reset *count* open pledges to "nobody signed", create sessions, capture each pledge's signing SQL."""
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from pledges.models import Pledge, PledgeEvent, Signature

    today = timezone.localdate()
    pledges = list(
        Pledge.objects.filter(status=Pledge.Status.OPEN, term__year=today.year, signing_deadline__gte=today)
        .select_related("term__bloc")
        .prefetch_related("required_signers")
        .order_by("pk")[:count]
    )
    if len(pledges) < count:
        sys.exit(f"only {len(pledges)} open pledges: seed more blocs")
    # A benchmark fixture, not a state change: seed_scale wrote these rows in bulk, and the burst needs every head.
    Signature.objects.filter(pledge__in=pledges).delete()
    PledgeEvent.objects.filter(pledge__in=pledges, kind=PledgeEvent.Kind.SIGNED).delete()
    # seed_scale's people have no address: give each one, so that reminders have someone to go to.
    from django.db.models import Value
    from django.db.models.functions import Concat

    User.objects.filter(email="").update(email=Concat("username", Value("@bench.invalid")))
    heads, boards, statements = [], {}, {}
    for pledge in pledges:
        units = [s.unit_id for s in pledge.required_signers.all()][:members]
        for user in User.objects.filter(unit_id__in=units, can_sign=True).order_by("unit_id"):
            heads.append({"pledge": pledge.pk, "unit": user.unit_id, "name": user.full_name, "cookie": None})
            heads[-1]["cookie"] = session_for(user)
        board = User.objects.get(province_id=pledge.term.bloc.province_id, username__endswith=".board")
        boards[pledge.pk] = session_for(board)
        # The SQL of one real signing post, rolled back: what the bare view replays for this pledge.
        client = Client()
        client.cookies["sessionid"] = heads[-1]["cookie"]
        head = User.objects.get(unit_id=heads[-1]["unit"], can_sign=True)
        form = {"content_hash": pledge.content_hash, "form_token": "bare-capture", "agree": "on",
                "typed_name": head.full_name, "method": "typed", "drawn": ""}  # fmt: skip
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                response = client.post(f"/pledges/{pledge.pk}/sign/", form, secure=True, headers={"origin": SITE_URL})
            transaction.set_rollback(True)
        if response.status_code != 302:
            sys.exit(f"capture on pledge {pledge.pk}: {response.status_code}")
        statements[pledge.pk] = [q["sql"] for q in queries.captured_queries if 'FROM "django_session"' not in q["sql"]]
    out.write_text(json.dumps({"heads": heads, "boards": boards, "statements": statements}), "utf-8")


def check(path: Path) -> None:
    """Compare what the clients were told with what is stored; print the findings as JSON."""
    import django

    django.setup()
    from collections import Counter

    from django.core.files.storage import storages

    from core import pdf as pdf_engine
    from core.models import OutgoingEmail
    from pledges.models import Pledge, PledgeEvent, Signature

    data = json.loads(path.read_text("utf-8"))
    pledge_ids = data["pledges"]
    stored = {s.pk: (s.pledge_id, s.unit_id) for s in Signature.objects.filter(pledge_id__in=pledge_ids)}
    per_unit = Counter(stored.values())
    confirmed_ids = {}
    for pledge_id, unit_id, signature_id in data["confirmed"]:
        confirmed_ids.setdefault((pledge_id, unit_id), set()).add(signature_id)
    lost = sum(1 for (p, u, sid) in data["confirmed"] if stored.get(sid) != (p, u))
    duplicated = sum(1 for n in per_unit.values() if n > 1) + sum(1 for ids in confirmed_ids.values() if len(ids) > 1)
    completions = Counter(
        PledgeEvent.objects.filter(pledge_id__in=pledge_ids, kind=PledgeEvent.Kind.COMPLETED).values_list(
            "pledge_id", flat=True
        )
    )
    result = {"stored": len(stored), "lost": lost, "duplicated": duplicated, "completed": 0, "pdf_ready": 0,
              "pdf_pending": [], "pdf_bad": [], "completion_events_wrong": [], "pdf_orphans": [],
              "pdf_last_stored": None}  # fmt: skip
    private = storages["private"]
    for pledge in Pledge.objects.filter(pk__in=pledge_ids):
        done = pledge.status == Pledge.Status.COMPLETED
        if completions[pledge.pk] != (1 if done else 0):
            result["completion_events_wrong"].append(pledge.pk)
        if not done:
            continue
        result["completed"] += 1
        if pledge.pdf_status != Pledge.PdfStatus.READY:
            result["pdf_pending"].append(pledge.pk)
            continue
        result["pdf_ready"] += 1
        with private.open(pledge.pdf_file.name, "rb") as handle:
            body = handle.read()
        stored_at = private.get_modified_time(pledge.pdf_file.name).timestamp()
        result["pdf_last_stored"] = max(result["pdf_last_stored"] or 0, stored_at)
        seal = pdf_engine.validate_seal(body)
        if pdf_engine.sha256(body) != pledge.pdf_sha256 or not (
            seal["intact"] and seal["whole_file"] and seal["trusted"]
        ):
            result["pdf_bad"].append(pledge.pk)
    # Produced once: a second production (a redelivered task) must leave no second file behind.
    kept = set(Pledge.objects.exclude(pdf_file="").values_list("pdf_file", flat=True))
    try:
        _, files = private.listdir("pledge-pdfs")
    except FileNotFoundError:
        files = []
    result["pdf_orphans"] = sorted(f for f in files if f"pledge-pdfs/{f}" not in kept)
    emails = OutgoingEmail.objects.order_by()
    result["emails"] = dict(Counter(emails.values_list("status", flat=True)))
    result["emailed"] = sorted(emails.filter(status=OutgoingEmail.Status.SENT).values_list("to", flat=True))
    print(json.dumps(result))


# Serving ------------------------------------------------------------------------------------------


def server_env(folder: Path, database_url: str) -> dict:
    """Production settings as bench/pages.py sets them, with a throwaway seal and key."""
    passphrase = secrets.token_urlsafe(16)
    seal, root = write_seal(folder / "seal", passphrase)
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "emulation.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SITE_URL": SITE_URL,
        "CSRF_TRUSTED_ORIGINS": SITE_URL,  # the proxy's origin: clients send it, Host stays 127.0.0.1
        "CONN_MAX_AGE": "60",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "PRIVATE_ROOT": str(folder / "private"),
        "SEAL_PKCS12": str(seal),
        "SEAL_PASSPHRASE": passphrase,
        "SEAL_TRUST_ROOTS": str(root),
        "LOG_LEVEL": "CRITICAL",
        "DATABASE_URL": database_url,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def seeded(
    folder: Path, postgres: Postgres, redis: Redis, count: int, members: int, static_root: Path | None = None
) -> tuple[dict, dict]:
    """Create, migrate and seed a database; return the server environment and prepare()'s output.

    Collect the static files into *folder*, or serve those already collected in *static_root*. Every
    process started with the environment queues its tasks on *redis* (never on the checkout's var/).
    """
    env = server_env(folder, postgres.create("burst")) | {"REDIS_URL": redis.url}
    if static_root:
        env["STATIC_ROOT"] = str(static_root)
    else:
        run([PYTHON, "manage.py", "collectstatic", "--no-input"], env, quiet=True)
    run([PYTHON, "manage.py", "migrate", "--no-input"], env, quiet=True)
    blocs = count * 2 + 4  # half the current year's pledges are open with a deadline ahead
    run([PYTHON, "manage.py", "seed_scale", "--provinces", "2", "--blocs", str(blocs), "--members", str(members),
         "--years", "1"], env, quiet=True)  # fmt: skip
    out = folder / "prepared.json"
    run([PYTHON, __file__, "--prepare", str(out), str(count), str(members)], env)
    return env, json.loads(out.read_text("utf-8"))


def serve(app: str, env: dict, workers: int) -> Gunicorn:
    """Start bench/pages.py's gunicorn (its log goes to a file, so tracebacks after a fault never block it)."""
    return Gunicorn(app, env, workers)


def consumers(env: dict, redis_url: str, count: int, workers: int = 2) -> list[Consumer]:
    """Start *count* task consumers on *redis_url*, as production runs them (niced, 2 threads each)."""
    return [Consumer(env | {"REDIS_URL": redis_url}, workers) for _ in range(count)]


def stop(server: Gunicorn) -> None:
    """Stop *server* (SIGTERM to its group, then SIGKILL after 30 s); never raise."""
    try:
        server.stop()
    except (OSError, subprocess.TimeoutExpired):
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()


def checked(folder: Path, env: dict, pledges: list[int], confirmed: list) -> dict:
    path = folder / "confirmed.json"
    path.write_text(json.dumps({"pledges": pledges, "confirmed": confirmed}), "utf-8")
    return json.loads(run([PYTHON, __file__, "--check", str(path)], env, quiet=True))


# The client ---------------------------------------------------------------------------------------


def send(port: int, method: str, path: str, cookie: str, form: dict | None = None, csrf: str = "", timeout=60):
    """Send one request as the proxy would; return (status, headers, body)."""
    headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Origin": SITE_URL,
               "Cookie": f"sessionid={cookie}" + (f"; csrftoken={csrf}" if csrf else ""),
               "User-Agent": "bench/signing_burst.py"}  # fmt: skip
    body = None
    if form is not None:
        body = urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def signing_form(port: int, head: dict) -> dict:
    """GET the signing page; return the form a head would post (CSRF cookie and token included)."""
    status, headers, body = send(port, "GET", f"/pledges/{head['pledge']}/sign/", head["cookie"])
    if status != 200:
        sys.exit(f"signing page of pledge {head['pledge']}: {status}")
    html = body.decode()

    def field(name):
        return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)

    csrf = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", "")).group(1)
    return {"csrfmiddlewaretoken": field("csrfmiddlewaretoken"), "content_hash": field("content_hash"),
            "form_token": field("form_token"), "agree": "on", "typed_name": head["name"], "method": "typed",
            "drawn": "", "_csrf": csrf}  # fmt: skip


def plan(port: int, heads: list[dict], seed: int = 7) -> list[dict]:
    """Return the posts of a burst: each head's form, some twice, some invalid ones, shuffled."""
    rng = random.Random(seed)
    posts = []
    for i, head in enumerate(heads):
        form = signing_form(port, head)
        posts.append({"head": head, "form": form, "valid": True})
        if rng.random() < DUPLICATE_SHARE:
            posts.append({"head": head, "form": form, "valid": True})
        if rng.random() < INVALID_SHARE:
            bad = dict(form, form_token=secrets.token_urlsafe(24))
            if i % 2:
                bad["content_hash"] = "0" * 64
            else:
                del bad["agree"]
            posts.append({"head": head, "form": bad, "valid": False})
    rng.shuffle(posts)
    return posts


def post(port: int, item: dict) -> dict:
    """Post one form; record how long it took and what the signer saw."""
    head, form = item["head"], dict(item["form"])
    csrf = form.pop("_csrf")
    started = time.perf_counter()
    try:
        status, headers, _body = send(port, "POST", f"/pledges/{head['pledge']}/sign/", head["cookie"], form, csrf)
    except OSError as error:  # a killed server or a reset connection: the signer saw no confirmation
        status, headers = f"error: {type(error).__name__}", {}
    item["seconds"] = time.perf_counter() - started
    found = SIGNATURE_URL.search(headers.get("location", "")) if status == 302 else None
    item["status"], item["signature"] = status, int(found.group(1)) if found else None
    return item


def burst(ports: list[int], posts: list[dict], concurrency: int, during=None) -> float:
    """Post every form with *concurrency* threads, round robin over *ports*; call *during* once, mid-burst."""
    queue = list(enumerate(posts))
    lock = threading.Lock()
    done = [0]

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                i, item = queue.pop(0)
            post(ports[i % len(ports)], item)
            with lock:
                done[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    if during:
        while done[0] < len(posts) // 3 and any(t.is_alive() for t in threads):
            time.sleep(0.01)
        during()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def tally(posts: list[dict]) -> dict:
    """Count what the signers saw: confirmed, refused valid forms, accepted invalid ones, errors."""
    confirmed = [(p["head"]["pledge"], p["head"]["unit"], p["signature"]) for p in posts if p["signature"]]
    return {
        "confirmed": confirmed,
        # A page back (not a server error) without the signature: the form was refused.
        "wrongly_refused": sum(
            1 for p in posts if p["valid"] and isinstance(p["status"], int) and p["status"] < 500 and not p["signature"]
        ),
        "wrongly_accepted": sum(1 for p in posts if not p["valid"] and p["signature"]),
        "errors": sum(1 for p in posts if not isinstance(p["status"], int) or p["status"] >= 500),
    }


def latencies(posts: list[dict], wall: float) -> dict:
    cuts = statistics.quantiles([p["seconds"] for p in posts], n=100, method="inclusive")
    return {"rps": len(posts) / wall, "p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000}


def last_signers(posts: list[dict]) -> list[float]:
    """The seconds of each pledge's last signer: the posts answered with the pledge's last signature."""
    last = {}
    for p in posts:
        if p["signature"]:
            last[p["head"]["pledge"]] = max(last.get(p["head"]["pledge"], 0), p["signature"])
    return [p["seconds"] for p in posts if p["signature"] and p["signature"] == last[p["head"]["pledge"]]]


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return (values or [0.0])[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[94] * 1000


def resend_unconfirmed(port: int, posts: list[dict]) -> list[dict]:
    """Send again, once, every valid form whose signer saw no answer (what a person does after an error)."""
    again = [dict(p, form=dict(p["form"])) for p in posts if p["valid"] and not isinstance(p["status"], int)]
    again += [dict(p, form=dict(p["form"])) for p in posts if p["valid"] and p["status"] in (500, 502, 503)]
    for item in again:
        post(port, item)
    return again


def retry_pdf(port: int, pledge_id: int, cookie: str) -> int:
    """Press "Produce the signed PDF again" as the board officer; return the status of the post."""
    status, headers, body = send(port, "GET", f"/pledges/{pledge_id}/", cookie)
    token = re.search(rf'action="/pledges/{pledge_id}/pdf/retry/">\s*<input[^>]*value="([^"]+)"', body.decode())
    csrf = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", ""))
    if status != 200 or not token or not csrf:
        return status if status != 200 else -1
    form = {"csrfmiddlewaretoken": token.group(1)}
    return send(port, "POST", f"/pledges/{pledge_id}/pdf/retry/", cookie, form, csrf.group(1), timeout=120)[0]


# The run ------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 pledges × 10 members")
    parser.add_argument("--pledges", type=int, help="open pledges (default 20, 6 with --quick)")
    parser.add_argument("--members", type=int, default=10, help="members a pledge (default 10)")
    parser.add_argument("--concurrency", type=int, default=16, help="clients at once (default 16)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (default 3)")
    parser.add_argument("--consumers", type=int, default=2, help="task consumers, 2 threads each (default 2)")
    parser.add_argument("--prepare", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--check", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        return prepare(Path(args.prepare[0]), int(args.prepare[1]), int(args.prepare[2]))
    if args.check:
        return check(Path(args.check))
    count = args.pledges or (6 if args.quick else 20)

    folder = Path(tempfile.mkdtemp(prefix="bench-burst-"))
    postgres, redis = Postgres(), Redis()
    servers, workers = [], []
    try:
        postgres.start()
        redis.start()
        print(f"== seed_scale and {count} open pledges × {args.members} members", flush=True)
        env, prepared = seeded(folder, postgres, redis, count, args.members)
        # The consumers run all along, as in production (idle until the burst queues the PDFs).
        workers += consumers(env, redis.url, args.consumers)
        heads = prepared["heads"]
        pledge_ids = sorted({h["pledge"] for h in heads})
        app = serve("emulation.wsgi", env, args.workers)
        servers.append(app)
        posts = plan(app.port, heads)
        stop(app)
        # The bare burst first: the replayed inserts must find the units still unsigned.
        replay = folder / "replay.json"
        replay.write_text(json.dumps(prepared["statements"]), "utf-8")
        bare = serve("bench.bare_sign:application", env | {"BENCH_REPLAY": str(replay)}, args.workers)
        servers.append(bare)
        bare_posts = [dict(p) for p in posts]
        bare_wall = burst([bare.port], bare_posts, args.concurrency)
        stop(bare)
        statuses = {p["status"] for p in bare_posts}
        if statuses != {200}:
            sys.exit(f"bare view answered {statuses}")
        bare_result = latencies(bare_posts, bare_wall)

        app = serve("emulation.wsgi", env, args.workers)
        servers.append(app)
        print(
            f"== burst: {len(posts)} posts ({len(heads)} heads), {args.concurrency} at once, {args.workers} workers, "
            f"PDFs by {args.consumers} niced task consumers on Redis",
            flush=True,
        )
        wall = burst([app.port], posts, args.concurrency)
        ended = time.time()
        ours, seen = latencies(posts, wall), tally(posts)
        found = checked(folder, env, pledge_ids, seen["confirmed"])
        deadline = time.monotonic() + 300
        while found["pdf_pending"] and time.monotonic() < deadline:  # the PDFs still being produced after the burst
            time.sleep(1)
            found = checked(folder, env, pledge_ids, seen["confirmed"])
        for worker in workers:
            worker.stop()
        stop(app)
        report(ours, bare_result, seen, found, len(posts), count, args)
        last, every = p95(last_signers(posts)), p95([p["seconds"] for p in posts])
        print(f"last signers p95 {last:.1f} ms ({len(last_signers(posts))} posts), all signers p95 {every:.1f} ms: "
              f"{'last ≤ all' if last <= every else 'LAST SIGNERS WAIT LONGER'}")  # fmt: skip
        if found["pdf_last_stored"]:
            print(f"last signed PDF stored {max(0.0, found['pdf_last_stored'] - ended):.1f} s after the burst")
        if found["pdf_pending"]:
            print(f"PDFs still pending after 300 s: {found['pdf_pending']}")
        if (found["lost"] or found["duplicated"] or seen["wrongly_refused"] or seen["wrongly_accepted"]
                or found["pdf_pending"] or found["pdf_bad"] or found["pdf_orphans"]):  # fmt: skip
            sys.exit(1)
    finally:
        for worker in workers:
            worker.kill()
        for server in servers:
            stop(server)
        postgres.stop()
        redis.remove()
        shutil.rmtree(folder, ignore_errors=True)


def report(ours, bare, seen, found, posts, count, args) -> None:
    print()
    print(f"Signing burst: {count} pledges × {args.members} heads, {posts} posts, {args.concurrency} clients, "
          f"{args.workers} gunicorn sync workers, {os.cpu_count()} CPUs (client, server and PostgreSQL share them)")  # fmt: skip
    print(f"{'':<8}{'posts/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for label, row in (("ours", ours), ("bare", bare)):
        print(f"{label:<8}{row['rps']:>9.1f}{row['p50']:>9.1f}{row['p95']:>9.1f}{row['p99']:>9.1f}")
    print(f"ratio   posts/s ÷ bare {ours['rps'] / bare['rps']:.2f}, p50 × bare {ours['p50'] / bare['p50']:.1f}")
    print(f"confirmed {len(seen['confirmed'])}, stored {found['stored']}, lost {found['lost']}, "
          f"duplicated {found['duplicated']}, wrongly refused {seen['wrongly_refused']}, "
          f"invalid accepted {seen['wrongly_accepted']}, server errors {seen['errors']}")  # fmt: skip
    print(f"completed {found['completed']} of {count} (completion events wrong: {found['completion_events_wrong']}), "
          f"PDF ready and verified {found['pdf_ready'] - len(found['pdf_bad'])}, pending {found['pdf_pending']}, "
          f"bad {found['pdf_bad']}, orphan files {len(found['pdf_orphans'])}")  # fmt: skip


if __name__ == "__main__":
    main()
