"""Ký số end to end against the real test PKI and CSC server (ops/testpki.py): every head signs the
one PDF in turn (remote signing over CSC, or an upload signed with a PKCS#12), every clerk seals,
and the result validates in pyHanko against the test root and in poppler's pdfsig."""

import subprocess

import pytest
from django.utils import translation

from core import signing
from pledges import pdf
from pledges.models import Pledge, PledgeEvent, Revision, Signature, SigningTurn
from pledges.services import PledgeError, digital


def _take_turn(kyso, user, method):
    """Take a place in line; the tasks it queues after commit (a remote signature) run at once."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        turn = digital.turn_request(actor=user, pledge=kyso.pledge, method=method)
    turn.refresh_from_db()
    return turn


def _upload(kyso, user, data):
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return digital.revision_upload(actor=user, pledge=kyso.pledge, signed_pdf=data)


def _validate_all(kyso, data: bytes):
    """Every signature of *data*: intact, trusted against the test root with revocation checked."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = signing.load_pem_certificates(kyso.pki.root_pem)
    reader = PdfFileReader(io.BytesIO(data))
    statuses = []
    for embedded in reader.embedded_signatures:
        if embedded.sig_object_type != "/Sig":
            continue  # the document timestamp: tests/pledges/test_long_term.py
        context = ValidationContext(trust_roots=root, allow_fetching=True, revocation_mode="hard-fail")
        statuses.append(validate_pdf_signature(embedded, context))
    return statuses


def test_revision_zero_has_an_empty_field_for_each_head_and_seal(kyso):
    first = kyso.pledge.revisions.get(number=0)
    fields = signing.field_names(digital.revision_bytes(first))
    assert fields == {
        **{pdf.field_name(n): False for n in range(1, 9)},
        **{pdf.field_name(n, seal=True): False for n in range(1, 9)},
    }
    assert first.sha256 == signing_sha(digital.revision_bytes(first))


def signing_sha(data):
    from core.pdf import sha256

    return sha256(data)


def test_every_head_signs_in_turn_and_every_clerk_seals(kyso):
    # Heads 1-6 sign remotely through the CSC server; heads 7 and 8 upload a file signed with a PKCS#12.
    for number, head in enumerate(kyso.heads, start=1):
        code = head.unit.code.lower()
        if number <= 6:
            kyso.link(head, f"nd-{code}-head")
            turn = _take_turn(kyso, head, "csc")  # the task ran at once (immediate queue)
            turn.refresh_from_db()
            assert turn.outcome == SigningTurn.Outcome.SIGNED, turn.error
        else:
            _take_turn(kyso, head, "upload")
            _upload(kyso, head, kyso.sign_with_p12(f"nd-{code}-head", pdf.field_name(number)))
    for clerk in kyso.clerks:
        kyso.link(clerk, f"nd-{clerk.unit.code.lower()}-agency")
        turn = _take_turn(kyso, clerk, "csc")
        turn.refresh_from_db()
        assert turn.outcome == SigningTurn.Outcome.SIGNED, turn.error
    kyso.pledge.refresh_from_db()
    assert kyso.pledge.status == Pledge.Status.COMPLETED
    revisions = list(kyso.pledge.revisions.order_by("number"))
    # 16 signatures, then the validation data and the archive timestamp (PAdES B-LTA, issue 18).
    assert [r.number for r in revisions] == list(range(19))
    assert [r.kind for r in revisions[1:9]] == [Revision.Kind.HEAD] * 8
    assert [r.kind for r in revisions[9:17]] == [Revision.Kind.SEAL] * 8
    assert [r.kind for r in revisions[17:]] == [Revision.Kind.VALIDATION, Revision.Kind.ARCHIVE]
    assert all(r.revocation_source in ("ocsp", "crl") and r.certificate_root for r in revisions[1:17])
    # Each revision is the one before plus one signature: nothing we wrote rewrote a signed byte.
    files = [digital.revision_bytes(r) for r in revisions]
    for before, after in zip(files, files[1:], strict=False):
        assert after.startswith(before)
    statuses = [s for s in _validate_all(kyso, files[-1]) if s is not None]
    assert len(statuses) == 16
    assert all(s.intact and s.valid and s.trusted for s in statuses)
    assert Signature.objects.filter(pledge=kyso.pledge, kind=Signature.Kind.DIGITAL).count() == 8


@pytest.mark.pdf
def test_pdfsig_lists_every_signature_as_valid(kyso, tmp_path):
    for head in kyso.heads[:3]:
        kyso.link(head, f"nd-{head.unit.code.lower()}-head")
        _take_turn(kyso, head, "csc")
    path = tmp_path / "original.pdf"
    path.write_bytes(kyso.current())
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout
    assert out.count("Signature Validation: Signature is Valid.") == 3
    assert "Trần Văn Hùng" in out
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, timeout=60).stdout
    assert "LiberationSerif" in fonts.replace("-", "") or "Liberation" in fonts


def _refused(kyso, user, data) -> str:
    with translation.override("en"), pytest.raises(PledgeError) as refused:
        _upload(kyso, user, data)
    return refused.value.message


def test_attacks_are_refused_with_the_rule_and_store_nothing(kyso):
    head = kyso.heads[0]
    field = pdf.field_name(1)
    _take_turn(kyso, head, "upload")
    before = Revision.objects.count()
    cases = {
        "nd-khcn-head-expired": "expired",
        "nd-khcn-head-future": "valid only from",
        "nd-khcn-head-revoked": "revoked",
        "nd-khcn-head-nokeyusage": "key usage",
        "nd-khcn-staff": "not to you",
        "nd-ldtbxh-head": "not to you",  # another unit's head
    }
    for label, words in cases.items():
        message = _refused(kyso, head, kyso.sign_with_p12(label, field))
        assert words in message, (label, message)
    # A signature in another member's field.
    assert "not in your field" in _refused(kyso, head, kyso.sign_with_p12("nd-khcn-head", pdf.field_name(2)))
    # The current revision with a page changed, then signed properly: not only a signature.
    assert Revision.objects.count() == before
    assert not Signature.objects.filter(pledge=kyso.pledge).exists()
    assert PledgeEvent.objects.filter(pledge=kyso.pledge, kind=PledgeEvent.Kind.SIGNATURE_REFUSED).count() == 7


def test_a_certificate_without_diacritics_is_accepted(kyso):
    head = kyso.heads[0]
    _take_turn(kyso, head, "upload")
    revision = _upload(kyso, head, kyso.sign_with_p12("nd-khcn-head-ascii", pdf.field_name(1)))
    assert revision.number == 1 and "Tran Van Hung" in revision.certificate_subject
