"""Benchmark: ký số — the signing engine on a 30-member pledge, and a signing conference over HTTP.

    .venv/bin/python bench/kyso.py --quick     # about 2 minutes on 2 quiet CPUs
    .venv/bin/python bench/kyso.py             # every step on every revision, make and bare 3× (--repeat)
    .venv/bin/python bench/kyso.py --heads 4   # a smaller conference (1 to 8 heads)

Starts the test PKI and its CSC server (``manage.py test_pki --serve``, free loopback ports, the keys
of var/pki/keys) as tests/pki.py does, then:

(a, b) The engine, on a throwaway SQLite database: a 30-member pledge opened in ký số mode with
agency seals (revision 0 from ``original_prepare``), each head with a saved signature image and each
unit with a seal image. All 60 fields (30 heads, then 30 seals) are signed in turn straight through
``core.signing`` with the test PKI's eight Nam Định heads' and eight agencies' PKCS#12 in rotation:
the identity rules (the certificate names the signer) are not applied, since this part measures the
engine and the roster has eight heads. A revision's times:
  make        the app's appearance (``digital._appearance``) + ``signing.sign_field``
  bare        ``signers.sign_pdf`` of the same revision and field, same signer, pyHanko's default stamp
  check       ``signing.check_appended`` + ``signing.check_certificate`` (OCSP of the running test PKI)
  bare check  ``validate_pdf_signature`` of the new signature against the same roots, OCSP fetched
Make is timed on every revision; with ``--quick`` bare on one revision in 3 and the checks on one in
10 (each check reads the whole file: its cost grows with the revisions before it). Prints medians,
p95s, the ratios measured in the same run, the size of revision 0, the growth per revision, the
final size, the signature room against the CMS it holds, and the final file as pdfsig sees it.

(c) A conference: the Nam Định bloc of tests/kyso.py (``build_kyso``, no seals) on a throwaway
PostgreSQL (bench/pages.py's), served by gunicorn (DEBUG off; on with ``--quick``, which then needs
no collectstatic), the task queue on a throwaway Redis when ``redis-server`` is installed, else on an
SQLite file in the run's folder, with two ``manage.py run_huey`` consumers, not niced: they make
every signature, and a niced process on a shared machine measures the neighbours. Each head links
the CSC credential of their certificate and GETs the signing page; then all post "sign remotely" at
once, and each head's page asks again as its Refresh header says until their turn is over. Then it
checks: no head answered without a revision (lost); no field, signer, unit or revision number twice
(duplicated); each stored file as recorded and the one before plus one revision; every signature of
the final file valid in pyHanko against the test root (OCSP) and in pdfsig. Prints how long the
conference took (first request to last revision stored) and the time a signature took.
All traffic goes to 127.0.0.1.
"""

import argparse
import io
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import PYTHON, Consumer, Gunicorn, Postgres, Redis, free_port, run, session_for  # noqa: E402
from bench.signing_burst import send, server_env, stop  # noqa: E402
from ops import testpki  # noqa: E402

GOAL = 0.5  # seconds: the server's time to make, or to check, one revision
MEMBERS = 30
PROVIDER = "thu-nghiem"  # tests/kyso.py's provider code
PKI_START_TIMEOUT = 60
# The test PKI's Nam Định units: holders nd-<code>-head and nd-<code>-agency.
ND_CODES = [row[0].lower() for row in testpki.NAM_DINH_BLOC_UNITS]
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED = time.monotonic()


def say(text: str) -> None:
    """Print a progress line with the seconds since the run started."""
    print(f"== [{time.monotonic() - STARTED:4.0f} s] {text}", flush=True)


def quantile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


# The test PKI -------------------------------------------------------------------------------------


class PkiServer:
    """``manage.py test_pki --serve`` on two free loopback ports, its configuration in *folder*."""

    def __init__(self, folder: Path, env: dict):
        self.folder = folder
        self.pki_port, self.csc_port = free_port(), free_port()
        self.log = (folder.parent / "pki.log").open("wb")
        command = [PYTHON, "manage.py", "test_pki", "--serve", "--force", "--dir", str(folder),
                   "--keys-from", str(ROOT / "var" / "pki" / "keys"),
                   "--pki-port", str(self.pki_port), "--csc-port", str(self.csc_port)]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + PKI_START_TIMEOUT
        while not (self._answers(self.pki_port) and self._answers(self.csc_port)):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                sys.exit(f"The test PKI did not start:\n{(folder.parent / 'pki.log').read_text(errors='replace')}")
            time.sleep(0.1)

    @staticmethod
    def _answers(port: int) -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            return False

    @property
    def csc_url(self) -> str:
        return f"http://127.0.0.1:{self.csc_port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# (a, b) The engine, in a child process on a throwaway SQLite database ------------------------------


def seal_png() -> bytes:
    """A round seal with a star, in black on white as uploaded (the appearance inks it red)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 240), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 232, 232), outline="black", width=10)
    draw.ellipse((40, 40, 200, 200), outline="black", width=4)
    draw.polygon([(120, 70), (133, 108), (172, 108), (140, 131), (152, 170), (120, 146), (88, 170), (100, 131),
                  (68, 108), (107, 108)], fill="black")  # fmt: skip
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def build_thirty(root_pem: bytes):
    """Return a 30-member pledge open in ký số mode with agency seals (revision 0 not yet made), and its heads."""
    import datetime

    from accounts import services as accounts
    from accounts.models import User
    from blocs import services as registry
    from core import clock
    from core.images import typed_signature_png
    from pledges import services
    from pledges.models import Pledge

    year = clock.now().year
    province = registry.province_create(actor=None, code="BKS", name="Tỉnh thử nghiệm ký số")
    board = User.objects.create_user("kyso_bench_board", full_name="Nguyễn Văn Bình", province=province)
    province.trust_list, province.requires_agency_seal = root_pem.decode(), True  # as tests/kyso.py, no service yet
    province.save()
    units, heads = [], []
    seal = seal_png()
    for i in range(MEMBERS):
        unit = registry.unit_create(
            actor=board,
            province=province,
            code=f"S{i:02d}",
            name=f"Sở thử nghiệm số {i + 1:02d}",
            head_title="Giám đốc",
        )
        registry.unit_set_seal(actor=board, unit=unit, png=seal)
        head = User.objects.create_user(
            f"s{i:02d}.head", full_name=f"Người Ký Số {i + 1:02d}", unit=unit, can_sign=True, position="Giám đốc"
        )
        accounts.saved_signature_set(user=head, png=typed_signature_png(head.full_name))
        units.append(unit)
        heads.append(head)
    bloc = registry.bloc_create(actor=board, province=province, kind="khoi", code="KS30", name="Khối ký số 30")
    term = registry.term_create(actor=board, bloc=bloc, year=year, units=units, chair=units[0], vice_chair=units[1])
    draft = services.pledge_create(
        actor=board,
        term=term,
        place="Nam Định",
        signing_date=datetime.date(year, 3, 30),
        introduction="Các đơn vị thống nhất giao ước:",
        items=[f"Nội dung giao ước số {i}: hoàn thành xuất sắc nhiệm vụ được giao." for i in range(1, 9)],
    )
    pledge = services.pledge_open(
        actor=board, pledge=draft, deadline=datetime.date(year + 1, 1, 1), signing_mode=Pledge.SigningMode.DIGITAL
    )
    return pledge, heads


def engine(out: Path, pki_dir: Path, repeat: int, bare_every: int, check_every: int) -> None:
    """Sign every field of the 30-member pledge in turn, timing ours, bare and the checks; write JSON."""
    import django

    django.setup()
    from asn1crypto import cms
    from django.core.management import call_command
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from core import clock, signing
    from pledges import pdf
    from pledges.models import Pledge
    from pledges.services import digital

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    root_pem = (pki_dir / "root.pem").read_bytes()
    roots = signing.load_pem_certificates(root_pem)
    pledge, heads = build_thirty(root_pem)
    setup_seconds = time.perf_counter() - started
    started = time.perf_counter()
    revision = digital.original_prepare(pledge.pk)
    original_seconds = time.perf_counter() - started
    pledge = Pledge.objects.get(pk=pledge.pk)
    data = digital.revision_bytes(revision)

    identities = {}
    for code in ND_CODES:
        for kind in ("head", "agency"):
            label = f"nd-{code}-{kind}"
            p12 = testpki.pkcs12(pki_dir, label, b"bench")
            identities[label] = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=[], passphrase=b"bench")
    by_unit = {s.unit_id: s for s in pledge.required_signers.all()}
    steps = []
    for i, head in enumerate(heads):
        signer = by_unit[head.unit_id]
        steps.append((digital.Role.HEAD, signer, head, identities[f"nd-{ND_CODES[i % 8]}-head"]))
    for i, head in enumerate(heads):
        signer = by_unit[head.unit_id]
        steps.append((digital.Role.SEAL, signer, head, identities[f"nd-{ND_CODES[i % 8]}-agency"]))

    def ours(base, role, signer, head, identity):
        field = pdf.field_name(signer.order, seal=role == digital.Role.SEAL)
        slot = digital.Slot(role, field, signer)
        appearance = digital._appearance(slot, head, clock.now())
        return signing.sign_field(
            base, field_name=field, signer=identity, appearance=appearance, reason=pdf.SIGNING_REASONS[role]
        )

    def bare(base, role, signer, identity):
        field = pdf.field_name(signer.order, seal=role == digital.Role.SEAL)
        metadata = signers.PdfSignatureMetadata(
            field_name=field, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
        )
        return signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(base)), metadata, signer=identity).getvalue()

    def bare_check(new):
        embedded = max(
            PdfFileReader(io.BytesIO(new), strict=False).embedded_signatures, key=lambda s: s.signed_revision
        )
        context = ValidationContext(trust_roots=roots, allow_fetching=True, revocation_mode="hard-fail")
        status = validate_pdf_signature(embedded, context)
        return status.intact and status.valid and status.trusted

    def timed(function):
        started = time.perf_counter()
        result = function()
        return time.perf_counter() - started, result

    loop_started = time.perf_counter()
    rows, growth, problems, sizes = [], [], [], [len(data)]
    for n, (role, signer, head, identity) in enumerate(steps, start=1):
        names = ("ours", "bare") if n == 1 or n % bare_every == 0 else ("ours",)
        times = {name: [] for name in names}
        new = None
        for r in range(repeat):
            # Alternate which goes first: a noisy neighbour then weighs on both alike.
            for name in names if (n + r) % 2 else names[::-1]:
                if name == "ours":
                    seconds, made = timed(lambda: ours(data, role, signer, head, identity))  # noqa: B023
                    new = new or made
                else:
                    seconds, _made = timed(lambda: bare(data, role, signer, identity))  # noqa: B023
                times[name].append(seconds)
        row = {name: statistics.median(values) for name, values in times.items()} | {"role": role, "number": n}
        if n == 1 or n % check_every == 0:
            row["appended"], found = timed(lambda: signing.check_appended(data, new))  # noqa: B023
            certificate, chain = found.certificate, found.other_certs
            row["certificate"], verdict = timed(
                lambda: signing.check_certificate(certificate, roots=roots, other_certs=chain)  # noqa: B023
            )
            row["check"] = row["appended"] + row["certificate"]
            if found.problem or verdict.problem or verdict.revocation != "ocsp":
                problems.append(f"revision {n}: {found.problem or verdict.problem or verdict.revocation}")
            row["bare_check"], good = timed(lambda: bare_check(new))  # noqa: B023
            if not good:
                problems.append(f"revision {n}: pyHanko does not validate it")
        rows.append(row)
        growth.append(len(new) - len(data))
        data = new
        sizes.append(len(data))
    final = out.parent / "thirty-final.pdf"
    final.write_bytes(data)
    pdfsig = subprocess.run(["pdfsig", str(final)], capture_output=True, text=True, timeout=300).stdout
    # What a signature's /Contents holds: the CMS, then zeros up to signing.SIGNATURE_ROOM.
    cms_sizes = []
    for embedded in PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures:
        cms_sizes.append(len(cms.ContentInfo.load(bytes(embedded.sig_object["/Contents"])).dump()))
    result = {
        "original_seconds": original_seconds,
        "rows": rows,
        "growth": growth,
        "sizes": sizes,
        "cms_sizes": cms_sizes,
        "room": signing.SIGNATURE_ROOM,
        "problems": problems,
        "pdfsig_valid": pdfsig.count("Signature Validation: Signature is Valid."),
        "pdfsig_total": len(re.findall(r"^Signature #\d+:", pdfsig, re.M)),
        "identities": len(identities),
        "repeat": repeat,
        "bare_every": bare_every,
        "check_every": check_every,
        "setup_seconds": setup_seconds,
        "loop_seconds": time.perf_counter() - loop_started,
    }
    out.write_text(json.dumps(result), "utf-8")


def engine_report(result: dict) -> bool:
    """Print parts (a) and (b); return whether the goal was met and every revision checked out."""
    rows = result["rows"]
    checked = [row for row in rows if "check" in row]
    compared = [row for row in rows if "bare" in row]
    print()
    print(f"(a) Engine, {MEMBERS}-member pledge, {len(rows)} revisions ({MEMBERS} heads, then {MEMBERS} seals), "
          f"throwaway SQLite, {os.cpu_count()} CPUs shared with the test PKI and the machine's other work")  # fmt: skip
    print(f"    signed straight through core.signing with {result['identities']} PKCS#12 identities of the test PKI "
          "in rotation: identity rules not applied (this part measures the engine)")  # fmt: skip
    print(f"    revision 0 (original_prepare: render + {MEMBERS * 2} empty fields) {result['original_seconds']:.2f} s")
    print(f"    {'seconds a revision':<40}{'median':>8}{'p95':>8}{'first':>8}{'last':>8}   goal ≤ {GOAL} s")
    ok = True
    labels = [("ours", f"make: appearance + sign_field (×{result['repeat']})"),
              ("bare", f"bare: signers.sign_pdf (×{result['repeat']})"),
              ("appended", "  check_appended"), ("certificate", "  check_certificate (OCSP)"),
              ("check", "check: both"), ("bare_check", "bare check: validate_pdf_signature")]  # fmt: skip
    for key, label in labels:
        values = [row[key] for row in {"ours": rows, "bare": compared}.get(key, checked)]
        p95 = quantile(values, 95)
        verdict = ""
        if key in ("ours", "check"):
            verdict = "   met" if p95 <= GOAL else "   MISSED"
            ok = ok and p95 <= GOAL
        print(
            f"    {label:<40}{statistics.median(values):>8.3f}{p95:>8.3f}{values[0]:>8.3f}{values[-1]:>8.3f}{verdict}"
        )
    ratios = [row["ours"] / row["bare"] for row in compared]
    check_ratios = [row["check"] / row["bare_check"] for row in checked]
    print(f"    ratio make ÷ bare (same revision, same run): median {statistics.median(ratios):.2f}, "
          f"p95 {quantile(ratios, 95):.2f}; check ÷ bare check: median "
          f"{statistics.median(check_ratios):.2f}")  # fmt: skip
    sampled = ""
    if len(checked) < len(rows) or len(compared) < len(rows):
        sampled = (f"make timed on every revision; bare on {len(compared)}, the checks on {len(checked)} "
                   f"(revision 1 and one in {result['bare_every']}, one in {result['check_every']}); ")  # fmt: skip
    print(f"    {sampled}set-up {result['setup_seconds']:.0f} s, revisions {result['loop_seconds']:.0f} s")
    sizes, growth, cms_sizes = result["sizes"], result["growth"], result["cms_sizes"]
    room = result["room"] * 2  # hex: two characters a byte
    print(f"(b) Size: revision 0 {sizes[0]:,} bytes; growth a revision median {statistics.median(growth):,.0f} "
          f"(heads {statistics.median(growth[:MEMBERS]):,.0f}, seals {statistics.median(growth[MEMBERS:]):,.0f}; "
          f"min {min(growth):,}, max {max(growth):,}); final {sizes[-1]:,} bytes")  # fmt: skip
    print(f"    of each revision, {room:,} bytes are the signature's room (SIGNATURE_ROOM in hex) holding a CMS of "
          f"median {statistics.median(cms_sizes):,.0f} bytes (max {max(cms_sizes):,})")  # fmt: skip
    print(f"    final file: pdfsig lists {result['pdfsig_total']} signatures, {result['pdfsig_valid']} valid; "
          f"problems: {result['problems'] or 'none'}")  # fmt: skip
    return ok and not result["problems"] and result["pdfsig_valid"] == len(rows)


# (c) The conference ------------------------------------------------------------------------------


def prepare(out: Path, pki_dir: Path, count: int) -> None:
    """Build tests/kyso.py's bloc and pledge (no seals), link *count* heads to their CSC credential,
    create their sessions; write them as JSON."""
    import django

    django.setup()
    from django.conf import settings
    from huey.contrib.djhuey import HUEY

    from tests.kyso import build_kyso

    # Its people get a password nobody uses (sessions are made directly): hash it as the tests do.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    class Pki:  # what build_kyso reads of tests/pki.py's TestPki
        root_pem = (pki_dir / "root.pem").read_bytes()

    kyso = build_kyso(Pki(), seals=False)  # renders revision 0 itself
    # Drop what opening queued (revision 0 again, the previews and page images): the conference needs none
    # of it, and consumers rendering previews would slow its first signatures down.
    HUEY.flush()
    heads = []
    for head in kyso.heads[:count]:
        kyso.link(head, f"nd-{head.unit.code.lower()}-head")
        heads.append({"user": head.pk, "name": head.full_name, "cookie": session_for(head)})
    out.write_text(json.dumps({"pledge": kyso.pledge.pk, "heads": heads}), "utf-8")


def check(path: Path, pki_dir: Path) -> None:
    """Compare what the heads were told with what is stored; validate every revision; print JSON."""
    import django

    django.setup()
    from collections import Counter

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from core import signing
    from core.pdf import sha256
    from pledges.models import Pledge, Signature, SigningTurn
    from pledges.services import digital

    def extra(values) -> int:
        return sum(n - 1 for n in Counter(values).values())

    data = json.loads(path.read_text("utf-8"))
    pledge = Pledge.objects.get(pk=data["pledge"])
    revisions = list(pledge.revisions.order_by("number"))
    signed = revisions[1:]
    turns = list(SigningTurn.objects.filter(pledge=pledge).order_by("pk"))
    units = Signature.objects.filter(pledge=pledge).values_list("unit_id", flat=True)
    files = [digital.revision_bytes(r) for r in revisions]
    result = {
        "revisions": len(signed),
        "lost": sorted(set(data["answered"]) - {r.signer_id for r in signed}),
        "duplicated": extra(r.signer_id for r in signed) + extra(r.field_name for r in signed) + extra(units),
        "numbers_contiguous": [r.number for r in revisions] == list(range(len(revisions))),
        "stored_as_recorded": all(
            sha256(f) == r.sha256 and len(f) == r.size for f, r in zip(files, revisions, strict=True)
        ),
        "appended": all(after.startswith(before) for before, after in zip(files, files[1:], strict=False)),
        "failed": [t.error for t in turns if t.outcome == SigningTurn.Outcome.FAILED],
        "status": pledge.status,
        "created": [r.created_at.timestamp() for r in signed],
        "signing": [
            (t.finished_at - t.granted_at).total_seconds() for t in turns if t.outcome == SigningTurn.Outcome.SIGNED
        ],
        "valid": 0,
        "pdfsig_valid": 0,
        "final_size": len(files[-1]),
    }
    roots = signing.load_pem_certificates((pki_dir / "root.pem").read_bytes())
    for embedded in PdfFileReader(io.BytesIO(files[-1]), strict=False).embedded_signatures:
        context = ValidationContext(trust_roots=roots, allow_fetching=True, revocation_mode="hard-fail")
        status = validate_pdf_signature(embedded, context)
        result["valid"] += bool(status.intact and status.valid and status.trusted)
    final = path.parent / "conference-final.pdf"
    final.write_bytes(files[-1])
    pdfsig = subprocess.run(["pdfsig", str(final)], capture_output=True, text=True, timeout=120).stdout
    result["pdfsig_valid"] = pdfsig.count("Signature Validation: Signature is Valid.")
    print(json.dumps(result))


def head_session(port: int, pledge: int, head: dict, barrier: threading.Barrier, record: dict, deadline: float):
    """One head: GET the page, post "sign remotely" with the others, then follow the page's Refresh."""
    page = f"/pledges/{pledge}/ky-so/"
    status, headers, body = send(port, "GET", page, head["cookie"])
    token = CSRF_FIELD.search(body.decode())
    csrf = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", ""))
    if status != 200 or not token or not csrf:
        record["error"] = f"signing page: {status}"
        barrier.abort()
        return
    form = {"csrfmiddlewaretoken": token.group(1), "method": "csc"}
    barrier.wait()
    record["posted"] = time.time()
    started = time.perf_counter()
    try:
        status, headers, _body = send(port, "POST", f"{page}turn/", head["cookie"], form, csrf.group(1))
    except OSError as error:
        status = f"error: {type(error).__name__}"
    record["post_seconds"] = time.perf_counter() - started
    record["status"] = status
    record["pages"] = []
    if status != 302:
        return
    refresh = "0"
    while refresh and time.monotonic() < deadline:
        time.sleep(float(refresh))
        started = time.perf_counter()
        status, headers, _body = send(port, "GET", page, head["cookie"])
        record["pages"].append(time.perf_counter() - started)
        refresh = headers.get("refresh") if status == 200 else None
    record["done"] = time.time()


def conference(folder: Path, pki: PkiServer, count: int, timeout: float, production: bool) -> bool:
    """Run part (c); print its figures; return whether nothing was lost, duplicated or invalid."""
    postgres = Postgres()
    redis = Redis() if shutil.which("redis-server") else None
    app, workers = None, []
    try:
        postgres.start()
        env = server_env(folder, postgres.create("kyso"))
        env["CSC_PROVIDERS"] = json.dumps({PROVIDER: {"name": "Máy chủ ký số thử nghiệm", "url": pki.csc_url}})
        env["TASKS_SQLITE_PATH"] = str(folder / "tasks.sqlite3")  # never the checkout's var/tasks.sqlite3
        if redis:
            redis.start()
            env["REDIS_URL"] = redis.url
        queue = "Redis" if redis else "an SQLite file"
        if production:
            say("conference set-up: collectstatic (DEBUG off: hashed, compressed static files)")
            run([PYTHON, "manage.py", "collectstatic", "--no-input"], env, quiet=True)
        else:
            # collectstatic compresses every file with brotli: minutes on a busy machine, nothing the conference uses.
            env |= {"DEBUG": "true", "BEHIND_TLS_PROXY": "true"}
        say(f"conference set-up: PostgreSQL, migrate, tests/kyso.py's bloc, {count} heads linked")
        run([PYTHON, "manage.py", "migrate", "--no-input"], env, quiet=True)
        out = folder / "prepared.json"
        run([PYTHON, __file__, "--prepare", str(out), str(pki.folder), str(count)], env)
        prepared = json.loads(out.read_text("utf-8"))
        workers = [Consumer(env, 2, nice=False) for _ in range(2)]
        app = Gunicorn("emulation.wsgi", env, 3)
        heads = prepared["heads"]
        say(f"conference: {len(heads)} heads ask for their turn at once, remote signing (CSC), gunicorn 3 workers "
            f"on PostgreSQL, 2 huey consumers × 2 threads on {queue}")  # fmt: skip
        barrier = threading.Barrier(len(heads))
        records = [{} for _ in heads]
        deadline = time.monotonic() + timeout
        threads = [
            threading.Thread(target=head_session, args=(app.port, prepared["pledge"], head, barrier, record, deadline))
            for head, record in zip(heads, records, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        errors = [r["error"] for r in records if "error" in r]
        if errors:
            sys.exit(f"conference: {errors}")
        say("checking every revision (pyHanko with OCSP, pdfsig)")
        path = folder / "answered.json"
        answered = [h["user"] for h, r in zip(heads, records, strict=True) if r.get("status") == 302]
        path.write_text(json.dumps({"pledge": prepared["pledge"], "answered": answered}), "utf-8")
        found = json.loads(run([PYTHON, __file__, "--check", str(path), str(pki.folder)], env, quiet=True))
        return conference_report(found, records, len(heads), queue, env["DEBUG"])
    finally:
        for worker in workers:
            worker.stop()
        if app:
            stop(app)
        postgres.stop()
        if redis:
            redis.remove()


def conference_report(found: dict, records: list[dict], count: int, queue: str, debug: str) -> bool:
    first = min(r["posted"] for r in records)
    posts = [r["post_seconds"] for r in records]
    pages = [s for r in records for s in r["pages"]]
    statuses = sorted({str(r["status"]) for r in records})
    print()
    print(f"(c) Conference: {count} heads of the Nam Định bloc (tests/kyso.py) at once, remote signing over CSC; "
          f"throwaway PostgreSQL, gunicorn (DEBUG {'on' if debug == 'true' else 'off'}), queue on {queue}")  # fmt: skip
    print("    consumers not niced: they make every signature, and a niced one on a shared machine measures the "
          "neighbours")  # fmt: skip
    print(f"    turn requests: answers {statuses}, p50 {quantile(posts, 50) * 1000:.0f} ms, "
          f"max {max(posts) * 1000:.0f} ms; {len(pages)} page refreshes while waiting, "
          f"p95 {quantile(pages, 95) * 1000:.0f} ms")  # fmt: skip
    print(f"    revisions stored {found['revisions']} of {count}; lost (answered, no revision) "
          f"{len(found['lost'])}, duplicated {found['duplicated']}, failed turns {len(found['failed'])}"
          f"{' ' + str(found['failed']) if found['failed'] else ''}")  # fmt: skip
    print(f"    numbers contiguous {found['numbers_contiguous']}, files as recorded {found['stored_as_recorded']}, "
          f"each the one before plus one revision {found['appended']}; pledge {found['status']}")  # fmt: skip
    print(f"    final file {found['final_size']:,} bytes: {found['valid']} of {count} signatures valid in pyHanko "
          f"(test root, OCSP), {found['pdfsig_valid']} valid in pdfsig")  # fmt: skip
    created = sorted(found["created"])
    if created:
        gaps = [b - a for a, b in zip([first, *created], created, strict=False)]
        print(f"    conference: first request to last revision stored {created[-1] - first:.1f} s "
              f"({(created[-1] - first) / len(created):.2f} s a signature); a signature (turn granted to revision "
              f"stored) median {statistics.median(found['signing']):.2f} s, max {max(found['signing']):.2f} s; "
              f"between revisions median {statistics.median(gaps):.2f} s")  # fmt: skip
    return (
        found["revisions"] == count
        and not found["lost"]
        and not found["duplicated"]
        and not found["failed"]
        and found["numbers_contiguous"]
        and found["stored_as_recorded"]
        and found["appended"]
        and found["valid"] == count
        and found["pdfsig_valid"] == count
    )


# The run ------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="engine steps sampled, conference with DEBUG on")
    parser.add_argument("--repeat", type=int, help="times each engine step a revision (default 3, 1 with --quick)")
    parser.add_argument("--heads", type=int, default=8, help="heads in the conference, 1-8 (default 8)")
    parser.add_argument("--engine", nargs=5, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--check", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        return engine(Path(args.engine[0]), Path(args.engine[1]), *(int(a) for a in args.engine[2:]))
    if args.prepare:
        return prepare(Path(args.prepare[0]), Path(args.prepare[1]), int(args.prepare[2]))
    if args.check:
        return check(Path(args.check[0]), Path(args.check[1]))
    if not 1 <= args.heads <= len(ND_CODES):
        parser.error(f"--heads: 1 to {len(ND_CODES)} (the test PKI's Nam Định heads)")
    repeat = args.repeat or (1 if args.quick else 3)
    bare_every, check_every = (3, 10) if args.quick else (1, 1)

    folder = Path(tempfile.mkdtemp(prefix="bench-kyso-"))
    base = os.environ | {
        "DJANGO_SETTINGS_MODULE": "emulation.settings",
        "LOG_LEVEL": "CRITICAL",
        "TASKS_SQLITE_PATH": str(folder / "engine-tasks.sqlite3"),
    }
    base.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    pki = None
    try:
        (folder / "pki").mkdir()
        pki = PkiServer(folder / "pki", base)
        say(f"test PKI on 127.0.0.1:{pki.pki_port}, CSC on 127.0.0.1:{pki.csc_port}")
        say(
            f"engine: {MEMBERS * 2} revisions; make {repeat}× each, bare on one in {bare_every}, "
            f"the checks on one in {check_every} (throwaway SQLite)"
        )
        out = folder / "engine.json"
        engine_env = base | {
            "DATABASE_URL": f"sqlite:///{folder / 'engine.sqlite3'}",
            "PRIVATE_ROOT": str(folder / "engine-private"),
            "MEDIA_ROOT": str(folder / "engine-media"),
        }
        run(
            [PYTHON, __file__, "--engine", str(out), str(pki.folder), str(repeat), str(bare_every), str(check_every)],
            engine_env,
        )
        engine_ok = engine_report(json.loads(out.read_text("utf-8")))
        print(flush=True)
        conference_ok = conference(folder, pki, args.heads, timeout=60 + 30 * args.heads, production=not args.quick)
        print(f"\nwhole run {time.monotonic() - STARTED:.0f} s")
        if not (engine_ok and conference_ok):
            sys.exit(1)
    finally:
        if pki:
            pki.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
