"""Signing with a head's own digital certificate (chữ ký số), with certificates made here."""

import datetime
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from pledges import services
from pledges.models import PledgeEvent, Signature
from pledges.services import PledgeError

pytestmark = pytest.mark.pdf


@pytest.fixture(autouse=True)
def english_messages():
    from django.utils import translation

    with translation.override("en"):
        yield


def personal_certificate(tmp_path, *, name="Nguyen Thi Lap Lanh Anh", days=365, valid_from_days=-1):
    """A CA of a (made-up) Vietnamese certification service and a head's certificate it issued."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA thu nghiem chu ky so")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=30))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(days=valid_from_days))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    p12 = tmp_path / "head.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(b"head", key, cert, [ca], serialization.NoEncryption()))
    root = tmp_path / "ca.pem"
    root.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return p12, root


def sign_with(p12, data: bytes) -> bytes:
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(p12), passphrase=None)
    meta = signers.PdfSignatureMetadata(field_name="ChuKySo", md_algorithm="sha256")
    return signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer).getvalue()


def test_digital_signature_counts_and_records_the_certificate(cast, pledge, heads, tmp_path, settings, client):
    p12, root = personal_certificate(tmp_path)
    settings.SEAL_TRUST_ROOTS = [*settings.SEAL_TRUST_ROOTS, str(root)]
    client.force_login(heads["member"])
    frozen = client.get(reverse("pledges:frozen_pdf", kwargs={"pk": pledge.pk})).content
    assert frozen == services.pledge_frozen_pdf(pledge)  # the same bytes every time
    upload = SimpleUploadedFile("signed.pdf", sign_with(p12, frozen), content_type="application/pdf")
    response = client.post(reverse("pledges:sign_digital", kwargs={"pk": pledge.pk}), {"signed_pdf": upload})
    signature = Signature.objects.get(pledge=pledge)
    assert response.status_code == 302 and signature.kind == "digital"
    assert "Nguyen Thi Lap Lanh Anh" in signature.certificate_subject
    assert "CA thu nghiem" in signature.certificate_issuer and signature.certificate_trusted is True


def test_untrusted_chain_is_reported_as_not_checked(cast, pledge, heads, tmp_path, settings):
    p12, _ = personal_certificate(tmp_path)
    settings.SEAL_TRUST_ROOTS = []
    signed = sign_with(p12, services.pledge_frozen_pdf(pledge))
    signature, created = services.digital_signature_add(actor=heads["member"], pledge=pledge, signed_pdf=signed)
    assert created and signature.certificate_trusted is None
    again, created_again = services.digital_signature_add(actor=heads["member"], pledge=pledge, signed_pdf=signed)
    assert (again.pk, created_again) == (signature.pk, False)  # the same upload twice


def test_a_signature_on_another_document_is_refused(cast, pledge, heads, tmp_path):
    p12, _ = personal_certificate(tmp_path)
    from pledges import pdf

    other = pdf.render_pdf(pledge, preview=True)
    with pytest.raises(PledgeError, match="not the frozen pledge"):
        services.digital_signature_add(actor=heads["member"], pledge=pledge, signed_pdf=sign_with(p12, other))
    assert not Signature.objects.exists()
    assert PledgeEvent.objects.filter(pledge=pledge, kind="signature_refused").count() == 1


def test_a_file_changed_after_signing_is_refused(cast, pledge, heads, tmp_path):
    p12, _ = personal_certificate(tmp_path)
    signed = bytearray(sign_with(p12, services.pledge_frozen_pdf(pledge)))
    signed[-200] ^= 0x01  # inside the signature revision
    with pytest.raises(PledgeError):
        services.digital_signature_add(actor=heads["member"], pledge=pledge, signed_pdf=bytes(signed))
    frozen_unsigned = services.pledge_frozen_pdf(pledge)
    with pytest.raises(PledgeError, match="not the frozen pledge"):
        services.digital_signature_add(actor=heads["member"], pledge=pledge, signed_pdf=frozen_unsigned)


def test_an_expired_certificate_is_refused(cast, pledge, heads, tmp_path):
    p12, _ = personal_certificate(tmp_path, days=-1, valid_from_days=-30)
    with pytest.raises(PledgeError):
        services.digital_signature_add(
            actor=heads["member"], pledge=pledge, signed_pdf=sign_with(p12, services.pledge_frozen_pdf(pledge))
        )
    assert not Signature.objects.exists()


def test_staff_cannot_upload_a_digital_signature(cast, pledge, client, tmp_path):
    client.force_login(cast.member_staff)
    upload = SimpleUploadedFile("signed.pdf", b"%PDF-1.7", content_type="application/pdf")
    assert (
        client.post(reverse("pledges:sign_digital", kwargs={"pk": pledge.pk}), {"signed_pdf": upload}).status_code
        == 403
    )
