"""The test PKI and its CSC server, against the running servers: pyHanko signs, fetches OCSP, stamps and validates."""

import asyncio
import base64
import datetime
import json
import subprocess
import unicodedata
import urllib.request
from io import BytesIO

import aiohttp
import pytest
from asn1crypto import crl, pem, x509
from pyhanko.pdf_utils import generic, writer
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers, timestamps
from pyhanko.sign.signers import csc_signer
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from ops import testpki

HEAD = testpki.HOLDERS["nd-khcn-head"]


def small_pdf() -> bytes:
    w = writer.PdfFileWriter()
    font = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
        }
    )
    resources = generic.DictionaryObject(
        {generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/F1"): font})}
    )
    content = w.add_object(generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 770 Td (Giao uoc thi dua 2022) Tj ET"))
    w.insert_page(writer.PageObject(contents=content, media_box=(0, 0, 595, 842), resources=resources))
    out = BytesIO()
    w.write(out)
    return out.getvalue()


class HashPinnedAuthorization(csc_signer.CSCAuthorizationManager):
    """Ask credentials/authorize for a SAD bound to the hashes about to be signed (the server requires SCAL 2)."""

    def __init__(self, session_info, credential_info, session):
        super().__init__(session_info, credential_info)
        self.session = session

    async def authorize_signature(self, hash_b64s):
        url = self.csc_session_info.endpoint_url("credentials/authorize")
        body = self.format_csc_auth_request(hash_b64s=hash_b64s)
        async with self.session.post(url, json=body, headers=self.auth_headers, raise_for_status=True) as response:
            return self.parse_csc_auth_response(await response.json())


async def csc_sign(pdf: bytes, csc_url: str, credential: str, timestamper=None) -> bytes:
    async with aiohttp.ClientSession() as session:
        session_info = csc_signer.CSCServiceSessionInfo(service_url=csc_url, credential_id=credential)
        credential_info = await csc_signer.fetch_certs_in_csc_credential(session, session_info)
        signer = csc_signer.CSCSigner(session, HashPinnedAuthorization(session_info, credential_info, session))
        pdf_signer = signers.PdfSigner(signers.PdfSignatureMetadata(field_name="Sig1"), signer, timestamper=timestamper)
        out = await pdf_signer.async_sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)))
        return out.getvalue()


def validate(signed: bytes, test_pki):
    """Return (status, context) of the PDF's one signature, revocation fetched online and required (hard-fail)."""
    root = x509.Certificate.load(pem.unarmor(test_pki.root_pem)[2])
    context = ValidationContext(trust_roots=[root], allow_fetching=True, revocation_mode="hard-fail")
    embedded = PdfFileReader(BytesIO(signed)).embedded_signatures[0]
    return validate_pdf_signature(embedded, context), context


def credential_certificate(test_pki, label: str) -> x509.Certificate:
    """Return *label*'s certificate as the CSC server's credentials/info gives it."""
    body = json.dumps({"credentialID": test_pki.credential_id(label), "certificates": "single"}).encode()
    request = urllib.request.Request(
        test_pki.csc_url + "/csc/v1/credentials/info", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        info = json.load(response)
    return x509.Certificate.load(base64.b64decode(info["cert"]["certificates"][0]))


@pytest.fixture(scope="module")
def csc_signed_pdf(test_pki):
    return asyncio.run(csc_sign(small_pdf(), test_pki.csc_url, test_pki.credential_id(HEAD.label)))


def test_head_signs_through_csc_and_signature_validates_with_ocsp(csc_signed_pdf, test_pki):
    status, context = validate(csc_signed_pdf, test_pki)

    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == HEAD.common_name
    # The leaf's and the intermediate's status came from the Animator's OCSP responders.
    arch = testpki.load(test_pki.directory)
    ca_keys = {arch.get_cert(testpki.CertLabel(ca)).public_key.sha1 for ca in (testpki.ROOT, testpki.INTERMEDIATE)}
    assert {response.response_data["responder_id"].native for response in context.ocsps} == ca_keys


def test_revoked_certificate_signature_is_revoked(test_pki):
    signer = signers.SimpleSigner.load_pkcs12_data(
        test_pki.pkcs12("nd-khcn-head-revoked", b"mat-khau"), other_certs=[], passphrase=b"mat-khau"
    )
    signed = signers.sign_pdf(
        IncrementalPdfFileWriter(BytesIO(small_pdf())), signers.PdfSignatureMetadata(field_name="Sig1"), signer
    )

    status, _ = validate(signed.getvalue(), test_pki)

    assert status.intact
    assert status.revoked
    assert not status.bottom_line


def test_revoked_certificate_is_on_the_crl(test_pki):
    revoked = credential_certificate(test_pki, "nd-khcn-head-revoked")

    with urllib.request.urlopen(test_pki.pki_url + testpki.CRL_PATH, timeout=10) as response:
        crl_list = crl.CertificateList.load(response.read())

    entries = {entry["user_certificate"].native: entry for entry in crl_list["tbs_cert_list"]["revoked_certificates"]}
    assert set(entries) == {revoked.serial_number}
    assert entries[revoked.serial_number]["revocation_date"].native == datetime.datetime(
        2025, 6, 1, tzinfo=datetime.UTC
    )


def test_tsa_token_is_accepted(test_pki):
    timestamper = timestamps.HTTPTimeStamper(test_pki.pki_url + testpki.TSA_PATH)

    signed = asyncio.run(
        csc_sign(small_pdf(), test_pki.csc_url, test_pki.credential_id(HEAD.label), timestamper=timestamper)
    )

    status, _ = validate(signed, test_pki)
    assert status.bottom_line
    assert status.timestamp_validity.intact and status.timestamp_validity.valid and status.timestamp_validity.trusted
    assert status.timestamp_validity.timestamp.tzinfo is not None


@pytest.mark.pdf
def test_pdfsig_lists_csc_signature(csc_signed_pdf, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(csc_signed_pdf)

    output = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=30).stdout

    assert "Signature #1" in output
    assert f"Signer Certificate Common Name: {HEAD.common_name}" in output


def test_expired_and_future_certificates_have_their_dates(test_pki):
    expired = credential_certificate(test_pki, "nd-khcn-head-expired")
    future = credential_certificate(test_pki, "nd-khcn-head-future")

    utc = datetime.UTC
    assert expired.not_valid_before == datetime.datetime(2020, 1, 1, tzinfo=utc)
    assert expired.not_valid_after == datetime.datetime(2021, 12, 31, 23, 59, 59, tzinfo=utc)
    assert future.not_valid_before == datetime.datetime(2030, 1, 1, tzinfo=utc)


def test_names_with_diacritics_survive_as_nfc_utf8(test_pki):
    cert = credential_certificate(test_pki, HEAD.label)

    values = {attribute["type"].native: attribute["value"] for rdn in cert.subject.chosen for attribute in rdn}
    assert values["common_name"].native == "Trần Văn Hùng" == unicodedata.normalize("NFC", "Trần Văn Hùng")
    assert unicodedata.is_normalized("NFC", values["common_name"].native)
    assert values["organization_name"].native == "Sở Khoa học và Công nghệ tỉnh Nam Định"
    assert values["common_name"].name == values["organization_name"].name == "utf8_string"
    assert values["country_name"].native == "VN"
