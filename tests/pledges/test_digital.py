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
from tests.pledges.conftest import self_signed_p12

pytestmark = pytest.mark.pdf


@pytest.fixture(autouse=True)
def english_messages():
    from django.utils import translation

    with translation.override("en"):
        yield


def personal_certificate(tmp_path, *, name="Member_Head", days=365, valid_from_days=-1):
    """A CA of a (made-up) Vietnamese certification service and a head's certificate it issued
    (by default in the name of the cast's member head)."""
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


def self_signed_certificate(tmp_path, *, name: str):
    """A certificate anyone can make for any name: issued by itself."""
    return self_signed_p12(tmp_path / "self-signed.p12", x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))


def sign_with(p12, data: bytes, *, change_page_one: bool = False, visible: bool = False) -> bytes:
    """Sign *data* in one incremental revision; *change_page_one* also replaces page 1's text in that revision."""
    from pyhanko.pdf_utils import generic
    from pyhanko.sign import fields

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    if change_page_one:
        page = writer.root["/Pages"]["/Kids"][0].get_object()
        page["/Contents"] = writer.add_object(
            generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (CAM KET DA BI SUA) Tj ET")
        )
        writer.update_container(page)
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(p12), passphrase=None)
    meta = signers.PdfSignatureMetadata(field_name="ChuKySo", md_algorithm="sha256")
    field = fields.SigFieldSpec("ChuKySo", on_page=-1, box=(350, 60, 550, 120)) if visible else None
    return signers.sign_pdf(writer, meta, signer=signer, new_field_spec=field).getvalue()


def upload(client, pledge, data: bytes):
    file = SimpleUploadedFile("signed.pdf", data, content_type="application/pdf")
    return client.post(reverse("pledges:sign_digital", kwargs={"pk": pledge.pk}), {"signed_pdf": file})


def error_messages(response) -> list[str]:
    from django.contrib.messages import ERROR, get_messages

    return [str(m) for m in get_messages(response.wsgi_request) if m.level >= ERROR]


def test_digital_signature_counts_and_records_the_certificate(cast, pledge, heads, tmp_path, settings, client):
    p12, root = personal_certificate(tmp_path)
    settings.SEAL_TRUST_ROOTS = [*settings.SEAL_TRUST_ROOTS, str(root)]
    client.force_login(heads["member"])
    frozen = client.get(reverse("pledges:frozen_pdf", kwargs={"pk": pledge.pk})).content
    assert frozen == services.pledge_frozen_pdf(pledge)  # the same bytes every time
    response = upload(client, pledge, sign_with(p12, frozen))
    signature = Signature.objects.get(pledge=pledge)
    assert response.status_code == 302 and signature.kind == "digital"
    assert "Member_Head" in signature.certificate_subject
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
    with pytest.raises(PledgeError, match="not valid today"):
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


# Issue 15, finding 10: an upload that changed page 1 inside the signed revision, and one signed by a
# self-signed certificate in another person's name, were both accepted. Each is refused now, over HTTP,
# with a readable message and the refusal in the audit trail; a correct upload by the head still counts.


def refusals(pledge):
    return list(PledgeEvent.objects.filter(pledge=pledge, kind="signature_refused"))


def test_an_upload_that_changes_page_one_inside_the_signed_revision_is_refused(
    cast, pledge, heads, tmp_path, settings, client
):
    p12, root = personal_certificate(tmp_path)  # the head's own certificate, from a trusted CA
    settings.SEAL_TRUST_ROOTS = [*settings.SEAL_TRUST_ROOTS, str(root)]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(heads["member"])
    frozen = client.get(reverse("pledges:frozen_pdf", kwargs={"pk": pledge.pk})).content
    forged = sign_with(p12, frozen, change_page_one=True)
    response = upload(client, pledge, forged)
    assert response.status_code == 302 and response["Location"] == reverse("pledges:sign", kwargs={"pk": pledge.pk})
    assert any("changes the pledge" in message for message in error_messages(response))
    assert not Signature.objects.exists()
    [event] = refusals(pledge)
    assert event.actor == heads["member"] and "changes the pledge" in event.details["reason"]


def test_a_self_signed_certificate_in_another_persons_name_is_refused(cast, pledge, heads, tmp_path, settings, client):
    p12 = self_signed_certificate(tmp_path, name="Nguyễn Văn Khác")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(heads["member"])
    frozen = client.get(reverse("pledges:frozen_pdf", kwargs={"pk": pledge.pk})).content
    response = upload(client, pledge, sign_with(p12, frozen))
    assert response.status_code == 302
    assert any("Nguyễn Văn Khác" in message and "own certificate" in message for message in error_messages(response))
    assert not Signature.objects.exists()
    [event] = refusals(pledge)
    assert "Nguyễn Văn Khác" in event.details["reason"]


def test_a_correct_self_made_upload_by_the_head_is_accepted(cast, pledge, heads, tmp_path, settings, client):
    """The head signs the PDF as downloaded, with a visible signature, with a certificate in their own name
    written in capitals, with the other tone-mark placement and decomposed (NFD), as some tools write it."""
    import unicodedata

    head = heads["member2"]  # Cao Xuân Hoà
    p12 = self_signed_certificate(tmp_path, name=unicodedata.normalize("NFD", "CAO XUÂN HÒA"))
    client.force_login(head)
    frozen = client.get(reverse("pledges:frozen_pdf", kwargs={"pk": pledge.pk})).content
    response = upload(client, pledge, sign_with(p12, frozen, visible=True))
    signature = Signature.objects.get(pledge=pledge)
    assert response.status_code == 302 and response["Location"] == reverse("pledges:signature", args=[signature.pk])
    assert (signature.kind, signature.signer, signature.unit) == ("digital", head, cast.member_unit_2)
    # Trust roots are configured and this certificate chains to none of them: recorded as untrusted, not "unchecked".
    assert signature.certificate_trusted is False
    assert not refusals(pledge)
