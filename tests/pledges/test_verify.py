"""The public verification page (issue 15, findings 5 and 6), with attack files built here.

Found: ``GET /verify/?code=a/b`` answered 500; with trust roots configured a look-alike certificate was
reported "not checked against a configured trust root" (it was checked, and failed); only the last
signature of an upload was inspected, so the registered PDF re-sealed on top with a changed page 1 read
"seal intact". The page and ``manage.py verify_pdf`` must give the same verdict.
"""

import io

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from core.pdf import DEVELOPMENT_SEAL
from pledges import pdf
from pledges.models import Pledge
from tests.pledges.conftest import self_signed_p12, sign

pytestmark = pytest.mark.pdf


# The code ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["a/b", "../../etc", "<script>", "x" * 300, "ABC DEF"])
def test_a_malformed_code_is_a_form_error_not_a_500(client, db, code):
    response = client.get(reverse("verify:index"), {"code": code})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert b"<script>" not in response.content


def test_an_unknown_code_says_so_and_a_known_one_opens_its_page(client, pledge, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("verify:index"), {"code": "ABCDEFGHJK"})
    assert response.status_code == 200
    assert "No document has this verification code." in response.context["form"].errors["code"]
    response = client.get(reverse("verify:index"), {"code": f" {pledge.verification_code.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("verify:code", kwargs={"code": pledge.verification_code})


# The files -----------------------------------------------------------------------------------


def look_alike_p12(tmp_path):
    """A self-signed certificate with the very names of the seal's certificate: what anyone can make."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEVELOPMENT_SEAL),
            x509.NameAttribute(NameOID.COMMON_NAME, "He thong giao uoc thi dua - con dau dien tu"),
        ]
    )
    return self_signed_p12(tmp_path / "look-alike.p12", name, days=365)


def changed_on_top(data: bytes, *, seal_with=None) -> bytes:
    """*data* with page 1 replaced in an incremental update, sealed on top with *seal_with* if given."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 30 Tf 72 700 Td (DA SUA) Tj ET"))
    writer.update_container(page)
    if seal_with is None:
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(seal_with), passphrase=None)
    meta = signers.PdfSignatureMetadata(field_name="ConDau2", md_algorithm="sha256")
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


@pytest.fixture
def registered(cast, pledge, heads, django_capture_on_commit_callbacks):
    """The cast's pledge, completed, with its sealed PDF registered."""
    for key in ("chair", "vice", "member"):
        sign(pledge, heads[key], token=key)
    with django_capture_on_commit_callbacks(execute=True):
        sign(pledge, heads["member2"], token="last")
    pledge.refresh_from_db()
    assert pledge.pdf_status == "ready"
    with pledge.pdf_file.open("rb") as stored:
        return pledge, stored.read()


def check(client, pledge, data: bytes, tmp_path) -> tuple[dict, str, str, int]:
    """Return the page's verdict, the page, the command's output and its exit code, for one file."""
    url = reverse("verify:code", kwargs={"code": pledge.verification_code})
    response = client.post(url, {"document": SimpleUploadedFile("kiem-tra.pdf", data)})
    assert response.status_code == 200
    target = tmp_path / "kiem-tra.pdf"
    target.write_bytes(data)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("verify_pdf", str(target), stdout=out)
    return response.context["result"], response.content.decode(), out.getvalue(), exit_code.value.code


def test_the_registered_pdf_is_intact_on_the_page_and_in_the_command(client, registered, tmp_path, settings):
    pledge, data = registered
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    result, page, out, code = check(client, pledge, data, tmp_path)
    assert result["ok"] and result["exact"] and result["matches_this"] and code == 0
    [seal] = result["signatures"]
    assert (seal["intact"], seal["coverage"], seal["trust"]) == (True, "entire_file", "trusted")
    assert "This file is the registered signed PDF of this pledge." in page
    assert "trusted (chains to a configured trust root)" in out and "RESULT: registered and intact" in out


def test_a_look_alike_certificate_is_untrusted_not_unchecked(client, registered, tmp_path, settings):
    pledge, _data = registered
    unsealed = pdf.render_pdf(Pledge.objects.for_document().get(pk=pledge.pk), preview=False)
    forged = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(unsealed)),
        signers.PdfSignatureMetadata(field_name="ConDau", md_algorithm="sha256"),
        signer=signers.SimpleSigner.load_pkcs12(pfx_file=str(look_alike_p12(tmp_path)), passphrase=None),
    ).getvalue()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    result, page, out, code = check(client, pledge, forged, tmp_path)
    [seal] = result["signatures"]
    assert (seal["intact"], seal["whole_file"], seal["trust"]) == (True, True, "untrusted")
    assert not result["ok"] and result["registered"] is None and code == 1
    assert "untrusted: does not chain to any configured trust root" in page
    assert "not checked" not in page
    assert "UNTRUSTED" in out and "NOT a registered, intact document" in out
    # Without roots configured, the same file says so, in other words.
    settings.SEAL_TRUST_ROOTS = []
    result, page, out, _code = check(client, pledge, forged, tmp_path)
    assert result["signatures"][0]["trust"] == "no_roots"
    assert "not checked: no trust roots are configured" in page and "untrusted" not in page
    assert "not checked (no trust roots configured)" in out


def test_the_registered_pdf_resealed_on_top_with_a_changed_page_is_reported(client, registered, tmp_path, settings):
    pledge, data = registered
    forged = changed_on_top(data, seal_with=look_alike_p12(tmp_path))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    result, page, out, code = check(client, pledge, forged, tmp_path)
    assert result["matches_this"] and not result["exact"] and result["changed_after"]
    assert result["appended"] == len(forged) - len(data) and result["later_signatures"] == 1
    assert result["later_revisions"] == 1  # the change and the seal on top, in one incremental update
    assert not result["ok"] and code == 1
    ours, theirs = result["signatures"]
    # Every signature with its own verdict: ours intact over its revision, with the document changed after it.
    assert (ours["intact"], ours["coverage"], ours["trust"]) == (True, "entire_revision", "trusted")
    assert ours["changes_after"] not in ("none", "lta_updates", "form_filling")
    assert (theirs["whole_file"], theirs["trust"]) == (True, "untrusted")
    assert "but was changed after it" in page and "the document was changed" in page
    assert "CHANGED AFTER the registered PDF" in out and "Signatures: 2" in out


def test_bytes_appended_without_a_signature_are_reported(client, registered, tmp_path, settings):
    pledge, data = registered
    changed = changed_on_top(data)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    result, page, out, code = check(client, pledge, changed, tmp_path)
    assert result["matches_this"] and result["changed_after"] and result["later_revisions"] == 1
    assert result["later_signatures"] == 0 and code == 1
    [seal] = result["signatures"]
    assert seal["intact"] and not seal["whole_file"]
    assert "CHANGED AFTER" in out and "but was changed after it" in page


def test_an_intact_last_signature_does_not_hide_a_broken_first_one(client, registered, tmp_path, settings):
    pledge, data = registered
    # One letter of the producer's name, inside the sealed revision: the file still reads, the seal breaks.
    position = data.index(b"WeasyPrint")
    broken = data[:position] + b"V" + data[position + 1 :]
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(look_alike_p12(tmp_path)), passphrase=None)
    resealed = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(broken)),
        signers.PdfSignatureMetadata(field_name="ConDau2", md_algorithm="sha256"),
        signer=signer,
    ).getvalue()
    result, _page, out, code = check(client, pledge, resealed, tmp_path)
    first, last = result["signatures"]
    assert not first["intact"] and last["intact"] and last["whole_file"]
    assert not result["ok"] and code == 1 and "BROKEN" in out
