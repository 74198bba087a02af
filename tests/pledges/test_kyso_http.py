"""Ký số over HTTP with Django's test client, against the real test PKI and CSC server (tests/kyso.py):
the signing page for each role and the place in line, a whole upload, the signing plugin's one-time
addresses, remote signing with a provider that fails, and every attack refused on the page with its
rule, storing nothing and leaving a row in the audit trail.

The pages speak Vietnamese (the default language): expected messages are the services' own texts
translated with ``gettext`` under Vietnamese, compared by their longest fixed part.
"""

import datetime
import io
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from accounts.models import User
from blocs import services as registry
from core import clock, signing
from pledges import pdf
from pledges.models import PledgeEvent, Revision, Signature, SigningTurn
from pledges.services import digital
from pledges.views.digital import REFRESH_SECONDS
from tests.kyso import PROVIDER
from tests.pledges.conftest import drawn_png, self_signed_p12

# The services' messages (msgids), as the pages show them translated.
NOT_YOUR_TURN = "It is not your turn to sign: take your place in line; the page tells you when your turn comes."
NOT_CURRENT = (
    "This file is not the current revision of the pledge signed: download the current revision,"
    " sign it without changing anything, and upload it."
)
STALE = "Another signature was added meanwhile: download the current revision and sign it again."
SEVERAL = "The file adds more than one signature or revision: sign the current revision once."
CHANGED = (
    "The signed file changes the pledge, not only adding your signature: sign the file as you"
    " downloaded it, without editing it."
)
WRONG_FIELD = "The signature is not in your field: sign in the field named %(field)s."
NO_TIMESTAMP = "Your signing tool added no timestamp to the signature: set its time-stamping server (TSA) to %(url)s and sign again."
UNTRUSTED = "The certificate does not chain to a root of the province's trust list (issued by %(issuer)s)."
EXPIRED = "The certificate expired on %(until)s."
NOT_YET_VALID = "The certificate is valid only from %(since)s."
REVOKED = "The certificate has been revoked by its issuer."
KEY_USAGE = "The certificate does not allow digital signatures (its key usage)."
NOT_YOU = "The certificate is issued to “%(name)s”, not to you (%(full_name)s): sign with your own certificate."
SIGNED_ALREADY = "Your unit has signed this pledge already."
HEAD_FIRST = "Your unit's head signs first; the agency's seal follows the head's signature."
PROVIDER_FAILED = (
    "The signing provider did not sign (it refused, answered something unexpected, or did not answer in time)."
)
ADDRESS_USED = "This signing address has been used or has expired."


def vi(msgid: str) -> str:
    """Return the longest fixed part of *msgid* in Vietnamese, escaped as a page shows it."""
    with translation.override("vi"):
        text = gettext(msgid)
    return escape(max(re.split(r"%\(\w+\)[sd]", text), key=len).strip())


def url(name: str, kyso, **kwargs) -> str:
    return reverse(f"pledges:{name}", kwargs={"pk": kyso.pledge.pk, **kwargs})


def label(user, kind: str = "head") -> str:
    """The test PKI's label of *user*'s unit's certificate (ops/testpki.py): nd-<code>-head or -agency."""
    return f"nd-{user.unit.code.lower()}-{kind}"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def stored(kyso) -> tuple[int, int]:
    """How many revisions and signatures the pledge has."""
    return (
        Revision.objects.filter(pledge=kyso.pledge).count(),
        Signature.objects.filter(pledge=kyso.pledge).count(),
    )


def events(kyso, kind) -> list[PledgeEvent]:
    return list(PledgeEvent.objects.filter(pledge=kyso.pledge, kind=kind).order_by("pk"))


def live_turn(kyso, user) -> SigningTurn | None:
    return SigningTurn.objects.filter(pledge=kyso.pledge, user=user, finished_at__isnull=True).first()


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    """Run a request and then what it queued after commit (a remote signature), as a consumer would."""

    def run(request, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return request(*args, **kwargs)

    return run


def take_turn(act, client, kyso, method: str) -> None:
    response = act(client.post, url("digital_turn", kyso), {"method": method})
    assert response.status_code == 302 and response["Location"] == url("digital", kyso)


def upload(act, client, kyso, data: bytes, name: str = "giao-uoc-da-ky.pdf"):
    return act(
        client.post, url("digital_upload", kyso), {"signed_pdf": SimpleUploadedFile(name, data, "application/pdf")}
    )


# The signing page ---------------------------------------------------------------------


def test_head_sees_the_page_with_the_ways_to_sign(kyso):
    response = client_for(kyso.heads[0]).get(url("digital", kyso))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi"' in html
    assert 'id="turn-form"' in html
    assert all(f'value="{method}"' in html for method in ("csc", "upload", "plugin"))
    assert f"<code>{pdf.field_name(1)}</code>" in html
    assert "Refresh" not in response  # nothing to wait for
    assert response["Cache-Control"] == "private, no-store"


def test_clerk_sees_the_page_and_is_told_the_head_signs_first(kyso, act):
    clerk = kyso.clerks[0]
    client = client_for(clerk)

    response = client.get(url("digital", kyso))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="no-slot"' in html and vi(HEAD_FIRST) in html
    assert 'id="turn-form"' not in html
    # Asking for a place anyway is refused with the same rule, and no place is given.
    response = act(client.post, url("digital_turn", kyso), {"method": "upload"}, follow=True)
    assert vi(HEAD_FIRST) in response.content.decode()
    assert live_turn(kyso, clerk) is None


def test_member_staff_gets_403(kyso):
    assert client_for(kyso.staff[1]).get(url("digital", kyso)).status_code == 403


def test_head_of_another_province_gets_404(kyso):
    province = registry.province_create(actor=None, code="CBG", name="Cao Bằng")
    board = User.objects.create_user("cbg_board", password="pw", full_name="Nông Văn Dũng", province=province)
    unit = registry.unit_create(actor=board, province=province, code="YT", name="Sở Y tế", head_title="Giám đốc")
    head = User.objects.create_user("cbg.head", password="pw", full_name="Lục Văn Sơn", unit=unit, can_sign=True)

    assert client_for(head).get(url("digital", kyso)).status_code == 404
    assert client_for(head).get(url("original_pdf", kyso)).status_code == 404


def test_anonymous_is_sent_to_log_in(kyso, client):
    page = url("digital", kyso)

    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={page}"


def test_waiting_head_sees_the_units_before_them_and_the_page_asks_again(kyso, act):
    first, second, third = (client_for(head) for head in kyso.heads[:3])
    for client in (first, second, third):
        take_turn(act, client, kyso, "upload")

    holder = first.get(url("digital", kyso))
    waiting = third.get(url("digital", kyso))

    # The holder of the turn gets the current revision and the upload form, and no refreshing.
    html = holder.content.decode()
    assert 'id="your-turn"' in html and 'id="upload-card"' in html
    assert f'href="{url("original_pdf", kyso)}"' in html
    assert 'name="signed_pdf"' in html and 'enctype="multipart/form-data"' in html
    assert "Refresh" not in holder
    # The third in line is told two units come first, who signs now, and the page asks again by itself.
    html = waiting.content.decode()
    with translation.override("vi"):
        before = ngettext("1 unit before you.", "%(counter)s units before you.", 2) % {"counter": 2}
    assert 'id="your-place"' in html and escape(before) in html
    assert escape(kyso.units[0].name) in html
    assert 'name="signed_pdf"' not in html
    assert waiting["Refresh"] == str(REFRESH_SECONDS)


# A whole upload ------------------------------------------------------------------------


def test_head_downloads_signs_and_uploads_the_current_revision(kyso, act):
    head = kyso.heads[0]
    client = client_for(head)
    take_turn(act, client, kyso, "upload")

    download = client.get(url("original_pdf", kyso))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    current = body(download)
    assert current == kyso.current()
    signed = kyso.sign_with_p12(label(head), pdf.field_name(1), data=current)
    response = upload(act, client, kyso, signed)

    assert response.status_code == 302 and response["Location"] == url("digital", kyso)
    revision = digital.latest_revision(kyso.pledge)
    assert (revision.number, revision.kind, revision.method) == (1, Revision.Kind.HEAD, Revision.Method.UPLOAD)
    assert (revision.signer, revision.field_name) == (head, pdf.field_name(1))
    assert revision.revocation_source in ("ocsp", "crl") and revision.certificate_root
    assert digital.revision_bytes(revision) == signed
    assert stored(kyso) == (2, 1)
    assert live_turn(kyso, head) is None
    [event] = events(kyso, PledgeEvent.Kind.SIGNED)
    assert event.actor == head
    assert body(client.get(url("revision_pdf", kyso, number=1))) == signed
    # The page lists the new revision and has nothing more for the head to sign.
    html = client.get(url("digital", kyso)).content.decode()
    assert vi(SIGNED_ALREADY) in html and escape(head.full_name) in html


# Attacks on an upload --------------------------------------------------------------------


def _p12_signer(kyso, label_: str):
    from pyhanko.sign import signers

    return signers.SimpleSigner.load_pkcs12_data(kyso.pki.pkcs12(label_, b"pw"), other_certs=[], passphrase=b"pw")


def _sign_writer(writer, signer, field_name: str) -> bytes:
    """Sign *writer*'s pending update (whatever else it changes) in *field_name*, in the same revision."""
    from pyhanko.sign import fields, signers

    metadata = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    return signers.PdfSigner(metadata, signer=signer).sign_pdf(writer).getvalue()


def _draw_on_page_one(writer) -> None:
    """Add to page 1 a content stream that paints a box over the text (a changed page)."""
    from pyhanko.pdf_utils import generic

    stream = generic.StreamObject(stream_data=b"q 1 1 1 rg 60 400 480 200 re f Q")
    writer.add_stream_to_page(0, writer.add_object(stream))


def _annotate_page_one(writer) -> None:
    """Add a free-text annotation on page 1: "Bãi bỏ" (repealed) written over the commitments."""
    from pyhanko.pdf_utils import generic

    page_ref = writer.find_page_for_modification(0)[0]
    page = page_ref.get_object()
    note = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
                generic.NameObject("/Rect"): generic.ArrayObject(map(generic.NumberObject, (60, 400, 540, 440))),
                generic.NameObject("/Contents"): generic.TextStringObject("Bãi bỏ"),
                generic.NameObject("/DA"): generic.pdf_string("/Helv 12 Tf 0 g"),
                generic.NameObject("/P"): page_ref,
            }
        )
    )
    annots = page.raw_get("/Annots") if "/Annots" in page else None
    if isinstance(annots, generic.IndirectObject):  # an array of its own: that object changes
        annots.get_object().append(note)
        writer.update_container(annots.get_object())
    else:  # no annotations yet, or an array inside the page: the page changes
        if annots is None:
            page[generic.NameObject("/Annots")] = annots = generic.ArrayObject()
        annots.append(note)
        writer.update_container(page)


def _page_changed_then_signed(kyso, head, tmp_path) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(kyso.current()))
    _draw_on_page_one(writer)
    out = io.BytesIO()
    writer.write(out)
    return kyso.sign_with_p12(label(head), pdf.field_name(1), data=out.getvalue())


def _page_changed_in_the_signed_revision(kyso, head, tmp_path) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(kyso.current()))
    _draw_on_page_one(writer)
    return _sign_writer(writer, _p12_signer(kyso, label(head)), pdf.field_name(1))


def _annotation_in_the_signed_revision(kyso, head, tmp_path) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(kyso.current()))
    _annotate_page_one(writer)
    return _sign_writer(writer, _p12_signer(kyso, label(head)), pdf.field_name(1))


def _document_rewritten_then_signed(kyso, head, tmp_path) -> bytes:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(kyso.current())))
    out = io.BytesIO()
    writer.write(out)
    return kyso.sign_with_p12(label(head), pdf.field_name(1), data=out.getvalue())


def _in_another_members_field(kyso, head, tmp_path) -> bytes:
    return kyso.sign_with_p12(label(head), pdf.field_name(2))


def _without_a_timestamp(kyso, head, tmp_path) -> bytes:
    signer = _p12_signer(kyso, label(head))
    return signing.sign_field(kyso.current(), field_name=pdf.field_name(1), signer=signer, appearance=None, reason="Ký")


FILE_ATTACKS = {
    "a page changed in one revision, then signed in the next": (_page_changed_then_signed, SEVERAL),
    "a page changed in the signature's own revision": (_page_changed_in_the_signed_revision, CHANGED),
    "an annotation added in the signature's own revision": (_annotation_in_the_signed_revision, CHANGED),
    "the document rewritten (not appended to), then signed": (_document_rewritten_then_signed, NOT_CURRENT),
    "a signature in another member's field": (_in_another_members_field, WRONG_FIELD),
    "a signature without a timestamp": (_without_a_timestamp, NO_TIMESTAMP),
}


def _self_signed_in_the_heads_name(kyso, head, tmp_path) -> bytes:
    from pyhanko.sign import signers

    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, head.full_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"{head.unit.name} tỉnh Nam Định"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        ]
    )
    p12 = self_signed_p12(tmp_path / "forged.p12", subject).read_bytes()
    signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=[], passphrase=None)
    return signing.sign_field(kyso.current(), field_name=pdf.field_name(1), signer=signer, appearance=None, reason="Ký")


def _signed_with(certificate_label: str):
    def make(kyso, head, tmp_path) -> bytes:
        return kyso.sign_with_p12(certificate_label, pdf.field_name(1))

    return make


CERTIFICATE_ATTACKS = {
    "a self-signed certificate in the head's name": (_self_signed_in_the_heads_name, UNTRUSTED),
    "the head's expired certificate": (_signed_with("nd-khcn-head-expired"), EXPIRED),
    "the head's certificate not valid yet": (_signed_with("nd-khcn-head-future"), NOT_YET_VALID),
    "the head's revoked certificate": (_signed_with("nd-khcn-head-revoked"), REVOKED),
    "a certificate that does not allow signing": (_signed_with("nd-khcn-head-nokeyusage"), KEY_USAGE),
    "another unit's head's certificate": (_signed_with("nd-ldtbxh-head"), NOT_YOU),
    "another unit's agency certificate": (_signed_with("nd-ldtbxh-agency"), NOT_YOU),
    "a staff member's certificate": (_signed_with("nd-khcn-staff"), NOT_YOU),
}


@pytest.mark.parametrize("attacks", [FILE_ATTACKS, CERTIFICATE_ATTACKS], ids=["file", "certificate"])
def test_attacks_are_refused_on_the_page_with_their_rule_and_store_nothing(kyso, act, tmp_path, attacks):
    head = kyso.heads[0]
    client = client_for(head)
    take_turn(act, client, kyso, "upload")
    before = stored(kyso)
    wrong = []
    for name, (make, msgid) in attacks.items():
        refused = len(events(kyso, PledgeEvent.Kind.SIGNATURE_REFUSED))
        response = upload(act, client, kyso, make(kyso, head, tmp_path))
        html = response.content.decode()
        logged = events(kyso, PledgeEvent.Kind.SIGNATURE_REFUSED)
        if response.status_code != 400 or vi(msgid) not in html:
            shown = re.findall(r'class="invalid-feedback"[^>]*>(.*?)</', html, flags=re.S)
            wrong.append(f"{name}: {response.status_code}, shows {shown}")
        elif len(logged) != refused + 1 or vi(msgid) not in escape(logged[-1].details.get("reason", "")):
            wrong.append(f"{name}: no audit row with the reason")
        if stored(kyso) != before:
            wrong.append(f"{name}: stored something")
            break
    assert not wrong, "\n".join(wrong)
    # A refusal costs nobody the turn: the head may still upload the right file.
    assert live_turn(kyso, head).granted_at is not None


# Stale, replayed and out-of-turn uploads -------------------------------------------------


def test_a_file_signed_on_a_revision_that_is_no_longer_the_latest_is_refused(kyso, act):
    first, second = kyso.heads[:2]
    a, b = client_for(first), client_for(second)
    take_turn(act, a, kyso, "upload")
    take_turn(act, b, kyso, "upload")
    stale = kyso.sign_with_p12(label(first), pdf.field_name(1), data=body(a.get(url("original_pdf", kyso))))
    # The first head gives up the turn while signing; the second head's turn comes and they sign first.
    assert act(a.post, url("digital_cancel", kyso)).status_code == 302
    assert upload(act, b, kyso, kyso.sign_with_p12(label(second), pdf.field_name(2))).status_code == 302
    assert stored(kyso) == (2, 1)

    late = upload(act, a, kyso, stale)
    take_turn(act, a, kyso, "upload")  # on revision 1 now
    again = upload(act, a, kyso, stale)

    assert late.status_code == 400 and vi(NOT_YOUR_TURN) in late.content.decode()
    assert again.status_code == 400 and vi(STALE) in again.content.decode()
    assert stored(kyso) == (2, 1)
    assert [e.actor for e in events(kyso, PledgeEvent.Kind.SIGNATURE_REFUSED)] == [first, first]


def test_a_turn_that_runs_out_passes_on_and_the_late_upload_is_refused(kyso, act, settings):
    first, second = kyso.heads[:2]
    a, b = client_for(first), client_for(second)
    take_turn(act, a, kyso, "upload")
    take_turn(act, b, kyso, "upload")
    late = kyso.sign_with_p12(label(first), pdf.field_name(1), data=body(a.get(url("original_pdf", kyso))))

    with clock.fixed_at(clock.now() + datetime.timedelta(seconds=settings.SIGNING_TURN_SECONDS + 1)):
        page = b.get(url("digital", kyso)).content.decode()
        assert 'id="your-turn"' in page
        response = upload(act, a, kyso, late)
        waiting = a.get(url("digital", kyso))

    assert response.status_code == 400 and vi(NOT_YOUR_TURN) in response.content.decode()
    assert stored(kyso) == (1, 0)
    # The first head keeps their place, just after the one who now signs.
    assert 'id="your-place"' in waiting.content.decode() and waiting["Refresh"] == str(REFRESH_SECONDS)
    [expired] = events(kyso, PledgeEvent.Kind.TURN_EXPIRED)
    assert expired.actor == first
    assert len(events(kyso, PledgeEvent.Kind.SIGNATURE_REFUSED)) == 1


def test_a_file_signed_on_an_older_revision_is_named_stale(kyso, act):
    first, second = kyso.heads[:2]
    a, b = client_for(first), client_for(second)
    take_turn(act, a, kyso, "upload")
    take_turn(act, b, kyso, "upload")
    stale = kyso.sign_with_p12(label(first), pdf.field_name(1), data=body(a.get(url("original_pdf", kyso))))
    act(a.post, url("digital_cancel", kyso))
    upload(act, b, kyso, kyso.sign_with_p12(label(second), pdf.field_name(2)))
    take_turn(act, a, kyso, "upload")

    response = upload(act, a, kyso, stale)

    assert vi(STALE) in response.content.decode()


def test_the_same_signed_file_uploaded_twice_is_stored_once(kyso, act):
    first, second = kyso.heads[:2]
    a, b = client_for(first), client_for(second)
    take_turn(act, a, kyso, "upload")
    take_turn(act, b, kyso, "upload")
    signed = kyso.sign_with_p12(label(first), pdf.field_name(1))

    accepted = upload(act, a, kyso, signed)
    replayed = upload(act, a, kyso, signed)
    by_the_next = upload(act, b, kyso, signed)  # the next holder sends it as theirs

    assert accepted.status_code == 302
    assert replayed.status_code == 400 and vi(SIGNED_ALREADY) in replayed.content.decode()
    assert by_the_next.status_code == 400 and vi(STALE) in by_the_next.content.decode()
    assert stored(kyso) == (2, 1)
    assert [e.actor for e in events(kyso, PledgeEvent.Kind.SIGNATURE_REFUSED)] == [first, second]


def test_an_upload_without_holding_the_turn_is_refused(kyso, act):
    holder, waiting, outside = (client_for(head) for head in kyso.heads[:3])
    take_turn(act, holder, kyso, "upload")
    take_turn(act, waiting, kyso, "upload")

    responses = [
        upload(act, waiting, kyso, kyso.sign_with_p12(label(kyso.heads[1]), pdf.field_name(2))),
        upload(act, outside, kyso, kyso.sign_with_p12(label(kyso.heads[2]), pdf.field_name(3))),
    ]

    for response in responses:  # the reason stands on its own: the page has no upload form for them
        html = response.content.decode()
        assert response.status_code == 400 and 'id="refused"' in html and vi(NOT_YOUR_TURN) in html
        assert 'name="signed_pdf"' not in html
    assert stored(kyso) == (1, 0)
    assert [e.actor for e in events(kyso, PledgeEvent.Kind.SIGNATURE_REFUSED)] == kyso.heads[1:3]


def test_a_file_that_is_not_a_pdf_or_too_large_is_a_form_error(kyso, act):
    client = client_for(kyso.heads[0])
    take_turn(act, client, kyso, "upload")
    too_large = b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024) + b"\n%%EOF\n"
    cases = {
        "a PNG named .pdf": (drawn_png(), "This is not a PDF file."),
        "a PDF without its end": (kyso.current()[:-4096], "The PDF file is damaged."),
        "more than 20 MB": (too_large, "The file is too large (at most %(mb)s MB)."),
    }

    for name, (data, msgid) in cases.items():
        response = upload(act, client, kyso, data)
        assert response.status_code == 400, name
        assert vi(msgid) in response.content.decode(), name
    assert act(client.post, url("digital_upload", kyso), {}).status_code == 400
    assert stored(kyso) == (1, 0)


# The signing plugin ------------------------------------------------------------------------


def test_the_signing_plugin_fetches_once_and_uploads_by_its_one_time_address(kyso, act):
    head = kyso.heads[0]
    client = client_for(head)
    take_turn(act, client, kyso, "plugin")
    ticket = live_turn(kyso, head).ticket
    document_url = reverse("pledges:plugin_document", args=[ticket])
    upload_url = reverse("pledges:plugin_upload", args=[ticket])
    page = client.get(url("digital", kyso)).content.decode()
    assert 'id="plugin-addresses"' in page
    assert f"http://testserver{document_url}" in page and f"http://testserver{upload_url}" in page
    plugin = Client(enforce_csrf_checks=True)  # no session: the one-time address is the credential

    document = plugin.get(document_url)
    second = plugin.get(document_url)
    signed = kyso.sign_with_p12(label(head), pdf.field_name(1), data=body(document))
    response = act(plugin.post, upload_url, {"signed_pdf": SimpleUploadedFile("signed.pdf", signed)})
    replay = act(plugin.post, upload_url, {"signed_pdf": SimpleUploadedFile("signed.pdf", signed)})

    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    assert body(document) == digital.revision_bytes(kyso.pledge.revisions.get(number=0))
    assert second.status_code == 404
    assert (response.status_code, json.loads(response.content)) == (200, {"ok": True, "revision": 1})
    revision = digital.latest_revision(kyso.pledge)
    assert (revision.method, revision.signer) == (Revision.Method.PLUGIN, head)
    assert replay.status_code == 404 and json.loads(replay.content)["ok"] is False
    assert stored(kyso) == (2, 1)


def test_the_signing_plugin_is_told_why_a_file_is_refused(kyso, act):
    head = kyso.heads[0]
    client = client_for(head)
    take_turn(act, client, kyso, "plugin")
    upload_url = reverse("pledges:plugin_upload", args=[live_turn(kyso, head).ticket])
    plugin = Client(enforce_csrf_checks=True)

    expired = act(
        plugin.post,
        upload_url,
        {"signed_pdf": SimpleUploadedFile("x.pdf", kyso.sign_with_p12("nd-khcn-head-expired", pdf.field_name(1)))},
    )
    not_pdf = act(plugin.post, upload_url, {"signed_pdf": SimpleUploadedFile("x.pdf", drawn_png())})
    unknown = act(plugin.post, reverse("pledges:plugin_upload", args=["x" * 43]), {})
    act(client.post, url("digital_cancel", kyso))
    given_up = act(plugin.post, upload_url, {"signed_pdf": SimpleUploadedFile("x.pdf", kyso.current())})

    assert expired.status_code == 400 and vi(EXPIRED) in escape(json.loads(expired.content)["message"])
    assert not_pdf.status_code == 400 and json.loads(not_pdf.content)["ok"] is False
    assert unknown.status_code == 404 and given_up.status_code == 404
    assert vi(ADDRESS_USED) in escape(json.loads(given_up.content)["message"])
    assert stored(kyso) == (1, 0)
    assert len(events(kyso, PledgeEvent.Kind.SIGNATURE_REFUSED)) == 1


# Remote signing with a provider that fails ---------------------------------------------


class _Provider(BaseHTTPRequestHandler):
    """A CSC provider that misbehaves: *mode* is "slow" (answers nothing for *delay* seconds, then
    hangs up: the signature fails whether the timeout or the hang-up ends it), "garbage" (200 with a body that is not JSON), "http500", or "no_certificate" (well-formed
    JSON naming no certificate)."""

    mode, delay = "garbage", 0.0

    def do_POST(self):  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.mode == "slow":
            time.sleep(self.delay)
            self.close_connection = True
            return
        if self.mode == "http500":
            self._answer(500, b"Internal Server Error", "text/plain")
        elif self.mode == "no_certificate":
            answer = {"cert": {"certificates": []}, "key": {"algo": ["1.2.840.113549.1.1.11"]}, "multisign": 1}
            self._answer(200, json.dumps(answer).encode(), "application/json")
        else:
            self._answer(200, b'{"cert": {"certificates": [', "application/json")

    def _answer(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        pass


@pytest.fixture
def bad_provider(settings):
    """Start a misbehaving provider on loopback and make it the test provider's address."""
    servers = []

    def start(mode: str, *, delay: float = 0.0, **options) -> None:
        handler = type("Provider", (_Provider,), {"mode": mode, "delay": delay})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        address = f"http://127.0.0.1:{server.server_address[1]}"
        settings.CSC_PROVIDERS = {PROVIDER: {"name": "Nhà cung cấp hỏng", "url": address, **options}}

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _remote_turn_comes_while_others_wait(kyso, act) -> tuple[Client, Client]:
    """The second head holds the turn (upload); the first waits to sign remotely, the third to upload.
    The second gives up: the first's remote signature starts. Return the first's and the third's clients."""
    remote, holder, after = kyso.heads[:3]
    kyso.link(remote, label(remote))
    clients = [client_for(user) for user in (holder, remote, after)]
    take_turn(act, clients[0], kyso, "upload")
    take_turn(act, clients[1], kyso, "csc")
    take_turn(act, clients[2], kyso, "upload")
    assert live_turn(kyso, remote).granted_at is None
    act(clients[0].post, url("digital_cancel", kyso))
    return clients[1], clients[2]


@pytest.mark.parametrize("mode", ["slow", "garbage", "http500"])
def test_a_failing_provider_ends_the_turn_with_its_reason_and_the_next_signs(kyso, act, bad_provider, settings, mode):
    settings.REMOTE_SIGNING_TIMEOUT = 0.5
    bad_provider(mode, delay=2)

    remote, after = _remote_turn_comes_while_others_wait(kyso, act)

    first = kyso.heads[0]
    turn = SigningTurn.objects.filter(pledge=kyso.pledge, user=first).latest("pk")
    assert turn.outcome == SigningTurn.Outcome.FAILED and vi(PROVIDER_FAILED) in escape(turn.error)
    [failed] = events(kyso, PledgeEvent.Kind.SIGNING_FAILED)
    assert failed.actor == first and failed.details["reason"] == turn.error
    page = remote.get(url("digital", kyso))
    html = page.content.decode()
    assert 'id="signing-failure"' in html and vi(PROVIDER_FAILED) in html
    assert 'id="turn-form"' in html and "Refresh" not in page  # free to take a place again
    assert 'id="your-turn"' in after.get(url("digital", kyso)).content.decode()
    assert stored(kyso) == (1, 0)


def test_a_provider_asking_for_a_one_time_password_fails_after_it_is_typed(kyso, act, bad_provider):
    bad_provider("http500", authorization="otp")
    first, second = kyso.heads[:2]
    kyso.link(first, label(first))
    remote, after = client_for(first), client_for(second)
    take_turn(act, remote, kyso, "csc")
    take_turn(act, after, kyso, "upload")
    page = remote.get(url("digital", kyso)).content.decode()
    assert f'action="{url("digital_otp", kyso)}"' in page and 'name="otp"' in page

    empty = act(remote.post, url("digital_otp", kyso), {"otp": ""})
    assert empty.status_code == 400 and live_turn(kyso, first).granted_at is not None
    typed = act(remote.post, url("digital_otp", kyso), {"otp": "123456"})

    assert typed.status_code == 302
    assert SigningTurn.objects.filter(user=first).latest("pk").outcome == SigningTurn.Outcome.FAILED
    assert vi(PROVIDER_FAILED) in remote.get(url("digital", kyso)).content.decode()
    assert 'id="your-turn"' in after.get(url("digital", kyso)).content.decode()
    assert len(events(kyso, PledgeEvent.Kind.SIGNING_FAILED)) == 1
    assert stored(kyso) == (1, 0)


def test_the_page_asks_again_by_itself_while_a_remote_signature_waits(kyso, act, settings):
    head = kyso.heads[0]
    kyso.link(head, label(head))
    settings.TSA_URL = "http://127.0.0.1:9/tsa"  # the time-stamping authority is silent: the signature waits
    client = client_for(head)

    take_turn(act, client, kyso, "csc")
    response = client.get(url("digital", kyso))

    html = response.content.decode()
    assert 'id="your-turn"' in html and 'id="remote-running"' in html
    assert 'name="signed_pdf"' not in html
    assert response["Refresh"] == str(REFRESH_SECONDS)
    assert live_turn(kyso, head).granted_at is not None
    assert stored(kyso) == (1, 0)


def test_a_remote_credential_in_another_persons_name_signs_nothing(kyso, act):
    head = kyso.heads[0]
    kyso.link(head, "nd-ldtbxh-head")
    client = client_for(head)

    take_turn(act, client, kyso, "csc")

    turn = SigningTurn.objects.filter(user=head).latest("pk")
    assert turn.outcome == SigningTurn.Outcome.FAILED and vi(NOT_YOU) in escape(turn.error)
    assert vi(NOT_YOU) in client.get(url("digital", kyso)).content.decode()
    [failed] = events(kyso, PledgeEvent.Kind.SIGNING_FAILED)
    assert failed.actor == head
    assert stored(kyso) == (1, 0)


def test_a_provider_that_hangs_is_given_up_after_the_remote_signing_timeout(kyso, act, bad_provider, settings):
    settings.REMOTE_SIGNING_TIMEOUT = 0.5
    bad_provider("slow", delay=4)
    started = time.monotonic()

    _remote_turn_comes_while_others_wait(kyso, act)

    assert time.monotonic() - started < 3


def test_a_provider_naming_no_certificate_ends_the_turn(kyso, act, bad_provider):
    bad_provider("no_certificate")

    _remote_turn_comes_while_others_wait(kyso, act)

    assert SigningTurn.objects.filter(user=kyso.heads[0]).latest("pk").outcome == SigningTurn.Outcome.FAILED
    assert len(events(kyso, PledgeEvent.Kind.SIGNING_FAILED)) == 1
