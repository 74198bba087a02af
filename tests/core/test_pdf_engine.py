"""The PDF engine's checks, on files made here: what a revision changed, where revisions end, inert scans."""

import io

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from django.core.exceptions import ValidationError
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from weasyprint import HTML

from core import images
from core import pdf as pdf_engine
from tests.pledges.conftest import self_signed_p12

pytestmark = pytest.mark.pdf


def pages(count: int) -> bytes:
    return HTML(string="".join(f"<p style='page-break-after: always'>Trang {n}</p>" for n in range(count))).write_pdf()


@pytest.fixture(scope="module")
def p12(tmp_path_factory):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Người Ký")])
    return self_signed_p12(tmp_path_factory.mktemp("cert") / "signer.p12", name)


def signed(p12, data: bytes, *, change=None, visible=False, field="Ky") -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    if change:
        change(writer)
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(p12), passphrase=None)
    spec = fields.SigFieldSpec(field, on_page=0, box=(50, 50, 250, 110)) if visible else None
    return signers.sign_pdf(
        writer,
        signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256"),
        signer=signer,
        new_field_spec=spec,
    ).getvalue()


def replace_page_one(writer):
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 20 Tf 72 700 Td (KHAC) Tj ET"))
    writer.update_container(page)


def add_annotation(writer):
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    note = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
            generic.NameObject("/Rect"): generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 500, 800)]),
            generic.NameObject("/Contents"): generic.TextStringObject("Cam kết khác"),
        }
    )
    page["/Annots"] = generic.ArrayObject([writer.add_object(note)])
    writer.update_container(page)


def test_a_signature_alone_changes_nothing_else(p12):
    base = pages(2)
    assert pdf_engine.changes_beyond_signatures(signed(p12, base), len(base)) == ""
    assert pdf_engine.changes_beyond_signatures(signed(p12, base, visible=True), len(base)) == ""
    # On a file that has a form already (signed once), a second signature is still only a signature.
    once = signed(p12, base)
    assert pdf_engine.changes_beyond_signatures(signed(p12, once, field="Ky2"), len(once)) == ""


@pytest.mark.parametrize("change", [replace_page_one, add_annotation])
def test_a_changed_page_or_an_annotation_in_the_signed_revision_is_named(p12, change):
    base = pages(2)
    assert pdf_engine.changes_beyond_signatures(signed(p12, base, change=change), len(base))


def test_revision_ends_find_the_original_inside_a_longer_file(p12):
    base = pages(1)
    longer = signed(p12, base)
    ends = pdf_engine.revision_ends(longer)
    assert ends[pdf_engine.sha256(base)] == len(base)
    assert ends[pdf_engine.sha256(longer)] == len(longer)


def test_a_scan_over_the_page_limit_or_unreadable_is_refused():
    with pytest.raises(ValidationError):
        images.inert_scan(pages(images.MAX_SCAN_PAGES + 1))
    with pytest.raises(ValidationError):
        images.inert_scan(b"%PDF-1.4\n%%EOF")
    data, extension = images.inert_scan(pages(images.MAX_SCAN_PAGES))
    assert extension == "pdf" and data.startswith(b"%PDF-")
