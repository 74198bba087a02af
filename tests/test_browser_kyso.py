"""Ký số in Debian's headless Chromium against a live server, the test PKI and its CSC server.

Eight heads open the signing page at once and take their places: six sign remotely, two upload a
file signed with their own certificate when their turn comes (their pages ask again by themselves).
Each unit's clerk opens the page once their head has signed and seals remotely. The task queue runs
in immediate mode, so a remote signature (and, at the end, the original's long-term data) runs in
the server thread whose request queued it.
"""

import io
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core import signing
from pledges import pdf
from pledges.models import Pledge, Revision, SigningTurn
from pledges.services import digital
from tests.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.pdf]

UPLOADERS = (2, 5)  # the heads (by place in the term) who upload; the others sign remotely
PHONE = 2  # this head's browser is a 390 px wide phone
# Seconds the sixteen signatures, then the original's long-term data, may take: a remote signature
# takes about 3 s on two idle cores, several times that on a busy machine.
WAIT = 150
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _label(user, kind: str) -> str:
    return f"nd-{user.unit.code.lower()}-{kind}"


class InFlight:
    """The browser's requests still waiting for an answer: a remote signature runs inside one."""

    def __init__(self):
        self.requests = set()

    def watch(self, page) -> None:
        page.on("request", lambda request: self.requests.add(request))
        page.on("requestfinished", lambda request: self.requests.discard(request))
        page.on("requestfailed", lambda request: self.requests.discard(request))


def _open(browser, base: str, url: str, user, in_flight: InFlight, **options):
    """Open *url* in a new context with *user*'s session (made by the test client: no login form, no
    throttling); return the page without waiting for it to load."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="vi-VN", **options)
    context.set_default_timeout(20_000)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
    page = context.new_page()
    in_flight.watch(page)
    page.goto(url, wait_until="commit")
    return page


def _take_place(page, method: str) -> None:
    """Choose *method* and ask for a place; do not wait for the answer (a remote signature may run in it)."""
    page.check(f"#turn-form input[name=method][value={method}]")
    page.click("#turn-form button[type=submit]", no_wait_after=True)


def _holder(pledge) -> int | None:
    turns = SigningTurn.objects.filter(pledge=pledge, finished_at__isnull=True, granted_at__isnull=False)
    return turns.values_list("user_id", flat=True).first()


def _upload_when_the_turn_comes(kyso, page, head) -> None:
    """Wait on *head*'s page (it reloads itself) for the upload form; download the current revision
    through the page, sign it with the head's PKCS#12 as a USB token's tool would, upload it."""
    page.wait_for_selector("#upload-card", timeout=WAIT * 1000)
    with page.expect_download() as download:
        page.click("#download-current")
    current = download.value.path().read_bytes()
    assert current == kyso.current()
    field = pdf.field_name(kyso.heads.index(head) + 1)
    # In a thread of its own: pyHanko's signing runs an event loop, and Playwright's is running here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        signed = pool.submit(kyso.sign_with_p12, _label(head, "head"), field, current).result(WAIT)
    page.set_input_files(
        "#upload-card input[name=signed_pdf]",
        files=[{"name": "giao-uoc-da-ky.pdf", "mimeType": "application/pdf", "buffer": signed}],
    )
    # The answer comes once the remote signatures of those next in line are made in the same request.
    with page.expect_navigation(timeout=WAIT * 1000):
        page.click("#upload-card button[type=submit]")
    assert page.locator("#upload-card").count() == 0


def _validate_all(kyso, data: bytes) -> list:
    """Every signature of *data* (not the document timestamp): intact, trusted against the test root
    with revocation checked (one validation context: each OCSP answer and CRL is fetched once)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = signing.load_pem_certificates(kyso.pki.root_pem)
    context = ValidationContext(trust_roots=roots, allow_fetching=True, revocation_mode="hard-fail")
    reader = PdfFileReader(io.BytesIO(data))
    signatures = [s for s in reader.embedded_signatures if s.sig_object_type == "/Sig"]
    return [validate_pdf_signature(embedded, context) for embedded in signatures]


def test_eight_heads_sign_in_turn_and_eight_clerks_seal_in_the_browser(
    live_server, kyso, end_server_sessions, tmp_path
):
    from playwright.sync_api import sync_playwright

    base = live_server.url
    url = base + reverse("pledges:digital", kwargs={"pk": kyso.pledge.pk})
    for number, head in enumerate(kyso.heads):
        if number not in UPLOADERS:
            kyso.link(head, _label(head, "head"))
    for clerk in kyso.clerks:
        kyso.link(clerk, _label(clerk, "agency"))
    in_flight = InFlight()
    deadline = time.monotonic() + WAIT

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # The eight heads open the page, then all ask for a place at once.
            phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
            heads = [
                _open(browser, base, url, head, in_flight, **(phone if number == PHONE else {}))
                for number, head in enumerate(kyso.heads)
            ]
            for page in heads:
                page.wait_for_selector("#turn-form")
            assert heads[PHONE].evaluate(NO_HORIZONTAL_SCROLL)
            for number, page in enumerate(heads):
                _take_place(page, "upload" if number in UPLOADERS else "csc")

            # The remote signatures go on by themselves. An uploader waits for their turn (the page
            # reloads by itself) and uploads; a clerk takes a place once their head has signed.
            uploaders = {kyso.heads[number].pk: number for number in UPLOADERS}
            clerks_placed = set()
            while Pledge.objects.get(pk=kyso.pledge.pk).status != Pledge.Status.COMPLETED:
                assert time.monotonic() < deadline, "the pledge was not signed and sealed in time"
                number = uploaders.pop(_holder(kyso.pledge), None)
                if number is not None:
                    if number == PHONE:  # the upload form on the phone fits its width
                        heads[PHONE].wait_for_selector("#upload-card", timeout=WAIT * 1000)
                        assert heads[PHONE].evaluate(NO_HORIZONTAL_SCROLL)
                    _upload_when_the_turn_comes(kyso, heads[number], kyso.heads[number])
                    continue
                signed = set(kyso.pledge.revisions.filter(kind=Revision.Kind.HEAD).values_list("unit_id", flat=True))
                clerk = next((c for c in kyso.clerks if c.unit_id in signed and c.pk not in clerks_placed), None)
                if clerk is not None:
                    page = _open(browser, base, url, clerk, in_flight)
                    page.wait_for_selector("#turn-form")
                    _take_place(page, "csc")
                    clerks_placed.add(clerk.pk)
                    continue
                heads[0].wait_for_timeout(200)  # lets Playwright see the requests come back
            assert not uploaders and len(clerks_placed) == len(kyso.clerks)

            # The request that stored the last seal goes on with the original's long-term data:
            # let it finish, so that no server thread outlives the test.
            while in_flight.requests or not kyso.pledge.revisions.filter(kind=Revision.Kind.ARCHIVE).exists():
                assert time.monotonic() < deadline, "the long-term data was not added in time"
                heads[0].wait_for_timeout(200)

            # On the phone, the finished page with all its revisions still fits the screen.
            heads[PHONE].goto(url)
            assert heads[PHONE].locator("#revisions tbody tr").count() == 19
            assert heads[PHONE].evaluate(NO_HORIZONTAL_SCROLL)
        finally:
            # Before the test database is flushed: a page that reloads itself would hit the flush.
            for context in browser.contexts:
                context.close()
            browser.close()

    revisions = list(kyso.pledge.revisions.order_by("number"))
    kinds = [r.kind for r in revisions]
    assert kinds[0] == Revision.Kind.FROZEN and kinds[17:] == [Revision.Kind.VALIDATION, Revision.Kind.ARCHIVE]
    assert sorted(kinds[1:17]) == [Revision.Kind.HEAD] * 8 + [Revision.Kind.SEAL] * 8
    assert sorted(r.method for r in revisions[1:17]) == [Revision.Method.CSC] * 14 + [Revision.Method.UPLOAD] * 2
    for number in range(1, len(kyso.heads) + 1):  # each seal after its own head's signature
        head, seal = (next(r.number for r in revisions if r.field_name == pdf.field_name(number, s)) for s in (0, 1))
        assert head < seal
    assert not SigningTurn.objects.filter(pledge=kyso.pledge, outcome=SigningTurn.Outcome.FAILED).exists()
    # Each revision is the one before with something appended: no signed byte was rewritten.
    files = [digital.revision_bytes(r) for r in revisions]
    for before, after in zip(files, files[1:], strict=False):
        assert len(after) > len(before) and after.startswith(before)
    # Poppler verifies the sixteen signatures (and lists the archive timestamp, which it does not verify).
    path = tmp_path / "giao-uoc.pdf"
    path.write_bytes(files[-1])
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout
    assert out.count("Signature Validation: Signature is Valid.") == 16, out
    assert out.count("Signature #") == 17, out
    statuses = _validate_all(kyso, files[-1])
    assert len(statuses) == 16 and all(s.intact and s.valid and s.trusted for s in statuses)
    assert set(signing.levels(files[-1]).values()) == {"B-LTA"}
