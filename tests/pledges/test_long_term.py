"""PAdES B-LTA against the real test PKI (ops/testpki.py): every ký số signature carries a signature
timestamp from the time-stamping authority; a completed original gets the validation data of every
signature and a document timestamp, and then validates with no network; the archive timestamp is
renewed; a time-stamping authority that does not answer makes the signature wait, never go without."""

import io
import subprocess

import pytest
from django.test import TestCase

from core import signing
from pledges import pdf
from pledges.models import Pledge, PledgeEvent, Revision, SigningTurn
from pledges.services import digital, long_term, remote
from tests.kyso import build_kyso


@pytest.fixture
def small(db, kyso_settings, test_pki):
    """A bloc of two members, no seals: quick to complete."""
    return build_kyso(test_pki, seals=False, members=2)


def _sign_all(kyso):
    for number, head in enumerate(kyso.heads, start=1):
        code = head.unit.code.lower()
        with TestCase.captureOnCommitCallbacks(execute=True):
            if number == 1:
                kyso.link(head, f"nd-{code}-head")
                digital.turn_request(actor=head, pledge=kyso.pledge, method="csc")
            else:
                digital.turn_request(actor=head, pledge=kyso.pledge, method="upload")
                digital.revision_upload(
                    actor=head,
                    pledge=kyso.pledge,
                    signed_pdf=kyso.sign_with_p12(f"nd-{code}-head", pdf.field_name(number)),
                )
    kyso.pledge.refresh_from_db()


def _offline_statuses(kyso, data: bytes):
    """Validate every signature of *data* with the network off: only what the file carries."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    roots = signing.load_pem_certificates(kyso.pki.root_pem)
    reader = PdfFileReader(io.BytesIO(data))
    dss = DocumentSecurityStore.read_dss(reader)
    statuses = []
    for embedded in reader.embedded_signatures:
        if embedded.sig_object_type != "/Sig":
            continue
        context = dss.as_validation_context(
            {"trust_roots": roots, "allow_fetching": False, "revocation_mode": "hard-fail"}
        )
        statuses.append(validate_pdf_signature(embedded, context))
    return statuses


def test_every_signature_is_timestamped_and_the_original_reaches_b_lta(small):
    _sign_all(small)
    assert small.pledge.status == Pledge.Status.COMPLETED
    kinds = list(small.pledge.revisions.order_by("number").values_list("kind", flat=True))
    assert kinds == ["frozen", "head", "head", "validation", "archive"]
    data = small.current()
    for number in (1, 2):
        assert signing.signature_timestamp_time(data, pdf.field_name(number)) is not None
    assert signing.levels(data) == {pdf.field_name(1): "B-LTA", pdf.field_name(2): "B-LTA"}
    statuses = _offline_statuses(small, data)
    assert len(statuses) == 2 and all(s.intact and s.valid and s.trusted for s in statuses)
    assert PledgeEvent.objects.filter(pledge=small.pledge, kind=PledgeEvent.Kind.LONG_TERM).count() == 1
    # /verify/ and verify_pdf: the registered original, every signature intact at B-LTA, the archive
    # timestamp verified as a timestamp.
    from pledges.selectors import pdf_verdict

    verdict = pdf_verdict(data)
    assert verdict["ok"] and verdict["exact"] and verdict["revision_latest"]
    assert [s["level"] for s in verdict["signatures"]] == ["B-LTA", "B-LTA", ""]
    assert all(s["intact"] and s["trust"] == "trusted" for s in verdict["signatures"])


@pytest.mark.pdf
def test_pdfsig_lists_the_document_timestamp(small, tmp_path):
    _sign_all(small)
    path = tmp_path / "original.pdf"
    path.write_bytes(small.current())
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout
    # Poppler verifies the two signatures and lists the document timestamp by its authority (it knows
    # no RFC 3161 type and does not verify the token: pyHanko's validation above does).
    assert out.count("Signature Validation: Signature is Valid.") == 2
    assert out.count("Signature #") == 3 and "Dịch vụ cấp dấu thời gian - thử nghiệm" in out


def test_the_archive_timestamp_is_renewed_when_due(small, settings):
    _sign_all(small)
    before = small.pledge.revisions.count()
    assert long_term.archive_renew(small.pledge.pk) == "not due"  # the TSA's certificate runs to 2040
    settings.ARCHIVE_TIMESTAMP_MARGIN_DAYS = 365 * 30  # every timestamp is now within the margin
    assert long_term.archive_renew_due(small.pledge)
    assert long_term.archive_renew(small.pledge.pk) == "renewed"
    assert small.pledge.revisions.count() == before + 1
    data = small.current()
    assert signing.levels(data) == {pdf.field_name(1): "B-LTA", pdf.field_name(2): "B-LTA"}
    assert all(s.valid and s.trusted for s in _offline_statuses(small, data))
    assert PledgeEvent.objects.filter(pledge=small.pledge, kind=PledgeEvent.Kind.ARCHIVE_RENEWED).exists()


def test_a_silent_time_stamping_authority_makes_the_signature_wait(small, settings):
    head = small.heads[0]
    small.link(head, "nd-khcn-head")
    real = settings.TSA_URL
    settings.TSA_URL = "http://127.0.0.1:9/tsa"  # nothing listens there
    with TestCase.captureOnCommitCallbacks(execute=True):
        turn = digital.turn_request(actor=head, pledge=small.pledge, method="csc")
    turn.refresh_from_db()
    assert turn.finished_at is None and turn.granted_at is not None  # still held, waiting
    assert small.pledge.revisions.count() == 1  # nothing signed, nothing stored
    settings.TSA_URL = real  # the authority answers again: the task's retry signs
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert remote.remote_sign(turn.pk) == "signed"
    turn.refresh_from_db()
    assert turn.outcome == SigningTurn.Outcome.SIGNED
    revision = small.pledge.revisions.get(number=1)
    assert signing.signature_timestamp_time(digital.revision_bytes(revision), pdf.field_name(1)) is not None


def test_an_upload_without_a_timestamp_is_refused(small, settings):
    from django.utils import translation

    from pledges.services import PledgeError

    head = small.heads[0]
    digital.turn_request(actor=head, pledge=small.pledge, method="upload")
    tsa, settings.TSA_URL = settings.TSA_URL, ""
    unstamped = small.sign_with_p12("nd-khcn-head", pdf.field_name(1))
    settings.TSA_URL = tsa
    with translation.override("en"), pytest.raises(PledgeError, match="no timestamp"):
        digital.revision_upload(actor=head, pledge=small.pledge, signed_pdf=unstamped)
    assert not Revision.objects.filter(pledge=small.pledge, number=1).exists()


@pytest.mark.pdf
def test_the_original_stays_an_archival_pdf(small, tmp_path):
    """PDF/A-3b identification kept and every font embedded through all the incremental revisions
    (checked with pikepdf's XMP reader and poppler's pdffonts; no PDF/A validator is installed here)."""
    import pikepdf

    _sign_all(small)
    path = tmp_path / "original.pdf"
    path.write_bytes(small.current())
    with pikepdf.open(path) as document, document.open_metadata() as xmp:
        assert xmp.get("pdfaid:part") == "3" and xmp.get("pdfaid:conformance") == "B"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, timeout=60).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(row[-5] == "yes" for row in rows), fonts  # the "emb" column
