"""Benchmark: five pages under gunicorn in production mode, against bare views that replay their SQL.

    .venv/bin/python bench/pages.py --quick     # small and medium data sets, a few hundred requests a page
    .venv/bin/python bench/pages.py             # small and national (34 provinces, 1,000 blocs × 10 × 3 years)

Starts a throwaway PostgreSQL server (loopback only, removed on exit), makes two
databases with ``seed_scale`` (a small one and a large one), and on the large one:
creates sessions directly through the session engine (no password hashing),
captures each page's SQL in-process with CaptureQueriesContext (on both data
sets: the counts must be equal), serves the application under gunicorn with
DEBUG off (seal, SECRET_KEY, ALLOWED_HOSTS, SITE_URL set; clients send
``X-Forwarded-Proto: https`` and ``Origin`` as the proxy would), then sends a
fixed number of GET requests a page with a bounded concurrency, and does the
same against ``bench/bare_urls.py`` (the captured statements replayed, sessions
only) under the same gunicorn set-up. Prints throughput, p50/p95/p99 latency,
query counts, the ratios, and what a first visit to the signing page transfers.

Pages: home (a head), the board dashboard of the current year (a board officer),
a bloc's year page, the signing page and the conference data (a head who has
not signed an open pledge). All load goes to 127.0.0.1.
"""

import argparse
import gzip
import http.client
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SITE_URL = "https://giaouoc.bench.example"
PAGES = ["home", "board", "year", "sign", "conference"]
# provinces, blocs (in the country), members a bloc, years
SMALL = (2, 20, 10, 3)
MEDIUM = (6, 120, 10, 3)
NATIONAL = (34, 1000, 10, 3)
SIGN_PAGE_GOAL = 250 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(command: list[str], env: dict | None = None, quiet: bool = False) -> str:
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[:4])} … failed:\n{result.stdout}\n{result.stderr}")
    if not quiet and result.stdout.strip():
        print(result.stdout.rstrip())
    return result.stdout


class Postgres:
    """A throwaway server in a fresh folder, listening on 127.0.0.1 only, as test.sh starts it."""

    def __init__(self):
        self.bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[-1]
        self.folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        self.as_pg = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self.as_pg = ["runuser", "-u", "postgres", "--"]  # initdb refuses to run as root
        self.port = free_port()

    def start(self) -> None:
        data = self.folder / "data"
        run([*self.as_pg, str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync",
             "-E", "UTF8", "--locale=C.UTF-8"], quiet=True)  # fmt: skip
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off -c synchronous_commit=off -c max_connections=200"
        run([*self.as_pg, str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "server.log"), "-w",
             "-o", options, "start"], quiet=True)  # fmt: skip

    def create(self, name: str) -> str:
        run([*self.as_pg, str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name])
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run([*self.as_pg, str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate",
                        "stop"], capture_output=True)  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


def write_seal(folder: Path, passphrase: str) -> tuple[Path, Path]:
    """Write a throwaway seal and its root.

    Not ``make_dev_seal``'s: production mode refuses a seal whose subject says "development".
    """
    sys.path.insert(0, str(ROOT))
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    from ops.management.commands.make_dev_seal import make_certificates

    _, root, key, seal = make_certificates(years=1, organisation="Giao uoc thi dua (benchmark, throwaway)")
    folder.mkdir(parents=True, exist_ok=True)
    target, root_path = folder / "bench-seal.p12", folder / "bench-root.pem"
    target.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"bench-seal", key, seal, [root], serialization.BestAvailableEncryption(passphrase.encode())
        )
    )
    root_path.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return target, root_path


# In-process capture (a child process per database) ----------------------------------------------


def session_for(user) -> str:
    """Return the key of a new session logged in as *user* (Django set up already).

    What django.contrib.auth.login() stores, without authenticate() and its password hashing, so that
    a benchmark or a test against a real server measures none of it.
    """
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.UserWithUnitBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def capture(out: Path, sample: int) -> None:
    """Create sessions, pick the pages' targets and capture each page's SQL; write them to *out* as JSON."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from pledges.models import Pledge

    today = timezone.localdate()
    year = today.year

    pledges = (
        Pledge.objects.filter(status=Pledge.Status.OPEN, term__year=year, signing_deadline__gte=today)
        .select_related("term")
        .prefetch_related("required_signers", "signatures")
        .order_by("pk")[:sample]
    )
    targets = {page: [] for page in PAGES}
    for pledge in pledges:
        signed = {s.unit_id for s in pledge.signatures.all()}
        signer = next(s for s in pledge.required_signers.all() if s.unit_id not in signed)
        head = User.objects.get(unit_id=signer.unit_id, can_sign=True)
        cookie = session_for(head)
        targets["home"].append(("/", cookie))
        targets["year"].append((f"/blocs/{pledge.term.bloc_id}/{year}/", cookie))
        targets["sign"].append((f"/pledges/{pledge.pk}/sign/", cookie))
        targets["conference"].append((f"/pledges/{pledge.pk}/conference/data/", cookie))
    for board in User.objects.filter(username__endswith=".board", username__startswith="sc").order_by("username"):
        targets["board"].append((f"/board/{year}/", session_for(board)))

    statements, counts = {}, {}
    for page in PAGES:
        url, cookie = targets[page][0]
        client = Client()
        client.cookies["sessionid"] = cookie
        headers = {"origin": SITE_URL, "x-forwarded-proto": "https"}
        client.get(url, secure=True, headers=headers)  # warm: per-process caches are not the page's cost
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, secure=True, headers=headers)
        if response.status_code != 200:
            sys.exit(f"{page} {url}: {response.status_code}")
        statements[page] = [query["sql"] for query in queries.captured_queries]
        counts[page] = len(statements[page])
    out.write_text(json.dumps({"targets": targets, "statements": statements, "counts": counts}), "utf-8")


# Serving and loading ------------------------------------------------------------------------------


class Gunicorn:
    def __init__(self, app: str, env: dict, workers: int):
        self.port = free_port()
        self.log = tempfile.TemporaryFile()  # a file, not a pipe: a pipe nobody reads fills up and freezes the workers
        self.process = subprocess.Popen(
            [GUNICORN, app, "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--timeout", "60",
             "--backlog", "256"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                sys.exit(f"gunicorn {app} exited:\n{self.log.read().decode(errors='replace')}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit(f"gunicorn {app} did not answer within 30 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the master and its workers, nothing else
            self.process.wait(timeout=30)


class Redis:
    """A throwaway Redis server as test.sh starts it: a fresh folder, 127.0.0.1 only, a password.

    Its append-only file lives in the folder and is written at every command (``appendfsync
    always``), so that ``restart()`` keeps the queue: what the restart scenarios need.
    """

    def __init__(self, port: int | None = None):
        self.folder = Path(tempfile.mkdtemp(prefix="bench-redis-"))
        self.port = port or free_port()
        self.password = secrets.token_hex(24)
        self.process = None
        config = self.folder / "redis.conf"
        config.write_text(
            f"bind 127.0.0.1\nport {self.port}\nrequirepass {self.password}\ndir {self.folder}\n"
            f'appendonly yes\nappendfsync always\nsave ""\nlogfile {self.folder / "server.log"}\n'
        )
        config.chmod(0o600)

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            ["redis-server", str(self.folder / "redis.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_timeout=2)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"redis-server exited:\n{(self.folder / 'server.log').read_text(errors='replace')}")
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.1)
        self.stop()
        sys.exit("redis-server did not answer within 20 s")

    def restart(self, down: float = 0.0) -> None:
        """Stop the server (SIGTERM: it writes its file and exits), stay down *down* seconds, start it again."""
        self.stop()
        time.sleep(down)
        self.start()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class Consumer:
    """One task consumer (``manage.py run_huey``) as the README's production set-up runs it.

    Niced behind the signing requests: its own session is its own scheduling group when the
    kernel groups by session (autogroup), where a plain ``nice`` counts only within the group;
    the group itself is niced, as systemd's CPUWeight would weigh its service. Its output goes to
    a file (a pipe nobody reads would freeze it); ``output()`` reads it back for a failure message.
    """

    def __init__(self, env: dict, workers: int = 2, nice: bool = True, command: list[str] | None = None):
        self.log = tempfile.TemporaryFile()
        command = command or [PYTHON, "manage.py", "run_huey", "-w", str(workers)]
        self.process = subprocess.Popen(
            (["nice", "-n", "19"] if nice else []) + command,
            cwd=ROOT, env={**env, "HUEY_IMMEDIATE": "false"}, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        if nice:
            try:
                Path(f"/proc/{self.process.pid}/autogroup").write_text("19")
            except OSError:
                pass  # no autogroups: the plain nice is enough

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def kill(self) -> None:
        """``kill -9`` the consumer and its workers, whatever they are doing."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Stop as systemd would (SIGINT: huey finishes the running tasks), SIGKILL after 30 s."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class SmtpSink(socketserver.ThreadingTCPServer):
    """A mail server on 127.0.0.1 that accepts everything and keeps (recipients, message bytes) in memory.

    Just enough SMTP for Django's backend (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no
    authentication): the consumers send to it, the checks count what arrived.
    """

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        self.messages: list[tuple[tuple[str, ...], bytes]] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def recipients(self) -> list[str]:
        with self.lock:
            return [to for recipients, _ in self.messages for to in recipients]

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class _SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        def reply(line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        reply("220 bench sink")
        recipients = []
        while line := self.rfile.readline(10_000):
            verb = line[:4].decode(errors="replace").upper()
            if verb in ("EHLO", "HELO"):
                reply("250 bench sink")
            elif verb == "MAIL":
                recipients = []
                reply("250 ok")
            elif verb == "RCPT":
                recipients.append(line.decode(errors="replace").split(":", 1)[1].strip().strip("<>"))
                reply("250 ok")
            elif verb == "DATA":
                reply("354 end with a dot")
                body = []
                while (chunk := self.rfile.readline(100_000)) not in (b".\r\n", b".\n", b""):
                    body.append(chunk)
                with self.server.lock:
                    self.server.messages.append((tuple(recipients), b"".join(body)))
                reply("250 queued")
            elif verb == "QUIT":
                reply("221 bye")
                return
            else:
                reply("250 ok")


def headers(cookie: str, **extra) -> dict:
    return {
        "Host": "127.0.0.1",
        "X-Forwarded-Proto": "https",
        "Origin": SITE_URL,
        "Cookie": f"sessionid={cookie}",
        "User-Agent": "bench/pages.py",
        **extra,
    }


def get(port: int, path: str, cookie: str = "", **extra) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers(cookie, **extra))
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def load(port: int, targets: list[tuple[str, str]], total: int, concurrency: int) -> dict:
    """Send *total* GETs over *targets* with *concurrency* threads; return throughput and latencies."""
    for path, cookie in targets[:concurrency]:  # warm each worker's connection and caches
        get(port, path, cookie)
    latencies, failures = [], []
    counter = itertools.count()

    def worker():
        while (i := next(counter)) < total:
            path, cookie = targets[i % len(targets)]
            started = time.perf_counter()
            status, _headers, _body = get(port, path, cookie)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                failures.append((status, path))

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        sys.exit(f"{len(failures)} requests failed, e.g. {failures[:3]}")
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"rps": total / wall, "p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000}


def first_visit_bytes(port: int, path: str, cookie: str) -> list[tuple[str, int, int, str]]:
    """Return (resource, bytes transferred, bytes uncompressed, encoding) of a first visit to *path*.

    The HTML counts gzip-compressed (the proxy compresses it; the application does
    not); static files count as whitenoise serves them to a browser that accepts br and gzip.
    Page images (the frozen document's pages, below the fold) are not counted.
    """
    status, _h, html = get(port, path, cookie)
    assert status == 200, status
    rows = [(path, len(gzip.compress(html, 6)), len(html), "gzip (proxy)")]
    text = html.decode()
    found = re.findall(r'<(?:link|script|img)\b[^>]*?(?:href|src)="(/static/[^"]+)"', text)
    seen = set()
    queue = list(dict.fromkeys(found))
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        status, response_headers, body = get(port, url, "", **{"Accept-Encoding": "br, gzip"})
        assert status == 200, (status, url)
        _s, _h, raw = get(port, url, "", **{"Accept-Encoding": "identity"})
        rows.append((url, len(body), len(raw), response_headers.get("content-encoding", "none")))
        if url.endswith(".css"):
            for face in re.findall(r"@font-face\s*{[^}]*}", raw.decode("utf-8", "replace")):
                # A browser downloads one source a face: the first it supports (woff2 first, by convention).
                first = re.search(r"url\(\s*['\"]?([^'\")]+)", face)
                if first and not first.group(1).startswith("data:"):
                    queue.append(urljoin(url, first.group(1)).split("#")[0].split("?")[0])
    return rows


# The run ------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small and medium data sets, fewer requests")
    parser.add_argument("--requests", type=int, help="requests a page (default 300 quick, 1000 full)")
    parser.add_argument("--concurrency", type=int, default=6, help="clients at once (default 6)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (default 3, as in README)")
    parser.add_argument("--capture", nargs=2, metavar=("OUT", "SAMPLE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.capture:
        return capture(Path(args.capture[0]), int(args.capture[1]))
    total = args.requests or (300 if args.quick else 1000)
    large_label, large = ("medium", MEDIUM) if args.quick else ("national", NATIONAL)

    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    postgres = Postgres()
    servers = []
    try:
        postgres.start()
        passphrase = secrets.token_urlsafe(16)
        seal, root = write_seal(folder / "seal", passphrase)
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "emulation.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "SITE_URL": SITE_URL,
            "CONN_MAX_AGE": "60",
            "STATIC_ROOT": str(folder / "static"),
            "MEDIA_ROOT": str(folder / "media"),
            "PRIVATE_ROOT": str(folder / "private"),
            "SEAL_PKCS12": str(seal),
            "SEAL_PASSPHRASE": passphrase,
            "SEAL_TRUST_ROOTS": str(root),
            "LOG_LEVEL": "WARNING",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        # Hashed, compressed (gzip and brotli) static files, as whitenoise serves them in production.
        run([PYTHON, "manage.py", "collectstatic", "--no-input"], env, quiet=True)
        sets = {}
        for label, sizes in (("small", SMALL), (large_label, large)):
            db_env = env | {"DATABASE_URL": postgres.create(f"bench_{label}")}
            run([PYTHON, "manage.py", "migrate", "--no-input"], db_env, quiet=True)
            p, b, m, y = sizes
            print(f"== seed_scale {label}: --provinces {p} --blocs {b} --members {m} --years {y}")
            run([PYTHON, "manage.py", "seed_scale", "--provinces", str(p), "--blocs", str(b), "--members", str(m),
                 "--years", str(y)], db_env)  # fmt: skip
            out = folder / f"capture-{label}.json"
            run([PYTHON, __file__, "--capture", str(out), "50"], db_env)
            sets[label] = (db_env, json.loads(out.read_text("utf-8")))
        db_env, captured = sets[large_label]
        replay = folder / "replay.json"
        replay.write_text(json.dumps(captured["statements"]), "utf-8")
        bare_env = db_env | {"DJANGO_SETTINGS_MODULE": "bench.bare_settings", "BENCH_REPLAY": str(replay)}

        print(f"== load: {total} requests a page, {args.concurrency} at once, {args.workers} gunicorn workers")
        results = {}
        app = Gunicorn("emulation.wsgi", db_env, args.workers)
        servers.append(app)
        for page in PAGES:
            results[page] = {"ours": load(app.port, captured["targets"][page], total, args.concurrency)}
            print(f"   {page:<11} ours {results[page]['ours']['rps']:7.1f} req/s")
        sign_path, sign_cookie = captured["targets"]["sign"][0]
        transfer = first_visit_bytes(app.port, sign_path, sign_cookie)
        app.stop()
        bare = Gunicorn("bench.bare_urls:application", bare_env, args.workers)
        servers.append(bare)
        for page in PAGES:
            targets = [(f"/bare/{page}/", cookie) for _path, cookie in captured["targets"][page]]
            results[page]["bare"] = load(bare.port, targets, total, args.concurrency)
            print(f"   {page:<11} bare {results[page]['bare']['rps']:7.1f} req/s")
        bare.stop()
        report(results, sets, large_label, transfer, total, args)
    finally:
        for server in servers:
            server.stop()
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


def report(results, sets, large_label, transfer, total, args) -> None:
    counts = {label: data["counts"] for label, (_env, data) in sets.items()}
    print()
    print(f"Pages on the {large_label} data set: {total} GETs a page, {args.concurrency} clients, "
          f"{args.workers} gunicorn sync workers, {os.cpu_count()} CPUs (client, server and PostgreSQL share them)")  # fmt: skip
    print(f"{'page':<12}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'queries':>9}"
          f"{'bare req/s':>12}{'bare p50':>10}{'req/s ÷ bare':>14}{'p50 × bare':>12}")  # fmt: skip
    for page in PAGES:
        ours, bare = results[page]["ours"], results[page]["bare"]
        print(
            f"{page:<12}{ours['rps']:>8.1f}{ours['p50']:>9.1f}{ours['p95']:>9.1f}{ours['p99']:>9.1f}"
            f"{counts[large_label][page]:>9}{bare['rps']:>12.1f}{bare['p50']:>10.1f}"
            f"{ours['rps'] / bare['rps']:>14.2f}{ours['p50'] / bare['p50']:>12.1f}"
        )
    print()
    print(f"{'queries':<12}{'small':>8}{large_label:>10}  equal")
    for page in PAGES:
        small, big = counts["small"][page], counts[large_label][page]
        print(f"{page:<12}{small:>8}{big:>10}  {'yes' if small == big else 'NO'}")
    print()
    print("First visit to the signing page (page images below the fold not counted)")
    print(f"{'resource':<58}{'sent':>9}{'raw':>9}  encoding")
    for url, sent, raw, encoding in transfer:
        print(f"{url[:57]:<58}{sent:>9,}{raw:>9,}  {encoding}")
    sent = sum(row[1] for row in transfer)
    verdict = "under" if sent < SIGN_PAGE_GOAL else "OVER"
    print(f"{'total':<58}{sent:>9,}{sum(row[2] for row in transfer):>9,}  {verdict} the 250 KB goal")


if __name__ == "__main__":
    main()
