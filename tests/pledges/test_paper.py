"""Paper signatures (issue 15, finding 2), over HTTP as the chair's staff, the unit's people and the board do it.

The attack: the chair unit's staff recorded a "paper signature" for another unit with a made-up signer
name and a tiny "scan" (a PDF carrying JavaScript with HTML inside); the name appeared in the sealed PDF
and on the public verification page; the unit's own head got 404 on the scan and was told nothing.
"""

import datetime
import io
import subprocess

import pikepdf
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from blocs import services as bloc_services
from pledges import pdf, services
from pledges.models import Pledge, PledgeEvent, Signature
from tests.conftest import make_user
from tests.pledges.conftest import drawn_png, sign


def paper_url(pledge):
    return reverse("pledges:paper", kwargs={"pk": pledge.pk})


def png_scan():
    return SimpleUploadedFile("scan.png", drawn_png(), content_type="image/png")


def hostile_pdf() -> bytes:
    """A one-page "scan" that runs JavaScript when opened and carries an HTML page with a script."""
    document = pikepdf.new()
    document.add_blank_page(page_size=(595, 842))
    document.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    document.attachments["trang.html"] = pikepdf.AttachedFileSpec(
        document, b"<html><script>alert(document.cookie)</script></html>", mime_type="text/html"
    )
    out = io.BytesIO()
    document.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


def record(client, pledge, user, *, scan=None):
    return client.post(paper_url(pledge), {"signer_user": user.pk, "scan": scan or png_scan()})


def test_the_form_offers_only_registered_heads_of_units_still_to_sign(client, cast, pledge, heads):
    sign(pledge, heads["vice"])
    client.force_login(cast.chair_officer)
    people = set(client.get(paper_url(pledge)).context["form"].fields["signer_user"].queryset)
    assert people == {heads["chair"], heads["member"], heads["member2"]}  # no staff, no one whose unit signed


@pytest.mark.parametrize("who", ["member_staff", "outsider", "other_board", "vice_head_signed"])
def test_chair_staff_cannot_name_someone_outside_the_unit_or_without_signing_right(client, cast, pledge, heads, who):
    sign(pledge, heads["vice"])
    # A made-up person's id, the staff without signing right, a unit outside the bloc, a unit that signed.
    person = {
        "member_staff": cast.member_staff,
        "outsider": make_user("tc_head", unit=cast.outsider_unit, can_sign=True),
        "other_board": cast.other_board,
        "vice_head_signed": heads["vice"],
    }[who]
    client.force_login(cast.chair_officer)
    response = client.post(
        paper_url(pledge),
        {"signer_user": person.pk, "signer_name": "Nguyễn Văn Bịa", "capacity": "GIÁM ĐỐC", "scan": png_scan()},
    )
    assert response.status_code == 200 and "signer_user" in response.context["form"].errors
    assert Signature.objects.filter(pledge=pledge).count() == 1  # the vice-chair's own
    assert not PledgeEvent.objects.filter(pledge=pledge, kind="paper_recorded").exists()


def test_the_service_refuses_a_person_without_signing_right_too(cast, pledge, heads):
    heads["member"].can_sign = False
    heads["member"].save(update_fields=["can_sign"])
    with translation.override("en"), pytest.raises(services.PledgeError, match="signing right"):
        services.paper_signature_add(actor=cast.chair_officer, pledge=pledge, signer_user=heads["member"], scan=b"")
    assert not Signature.objects.exists()


@pytest.mark.pdf
def test_a_pdf_scan_with_javascript_is_stored_as_page_images_only(client, cast, pledge, heads):
    hostile = hostile_pdf()
    assert b"/JavaScript" in hostile and b"/JS" in hostile and b"<script" in hostile
    client.force_login(cast.chair_officer)
    response = record(client, pledge, heads["member"], scan=SimpleUploadedFile("scan.pdf", hostile))
    assert response.status_code == 302
    signature = Signature.objects.get(pledge=pledge)
    stored = signature.scan.read()
    assert stored.startswith(b"%PDF-") and signature.scan.name.endswith(".pdf")
    for marker in (b"/JavaScript", b"/JS", b"<script", b"/OpenAction", b"/EmbeddedFile"):
        assert marker not in stored, marker
    info = subprocess.run(["pdfinfo", "-"], input=stored, capture_output=True, check=True).stdout.decode()
    assert [line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")] == [
        "1"
    ]  # the page, as an image


def test_an_image_scan_is_re_encoded(client, cast, pledge, heads):
    client.force_login(cast.chair_officer)
    dirty = drawn_png() + b"<script>alert(1)</script>"
    assert record(client, pledge, heads["member"], scan=SimpleUploadedFile("scan.png", dirty)).status_code == 302
    stored = Signature.objects.get(pledge=pledge).scan.read()
    assert stored.startswith(b"\x89PNG") and b"<script" not in stored


def test_the_signature_names_the_registered_head_and_the_recorder_everywhere(client, cast, pledge, heads):
    client.force_login(cast.chair_officer)
    assert record(client, pledge, heads["member"]).status_code == 302
    signature = Signature.objects.get(pledge=pledge)
    assert (signature.signer, signature.signer_name, signature.recorded_by) == (
        heads["member"],
        heads["member"].full_name,
        cast.chair_officer,
    )
    recorder = cast.chair_officer.full_name
    # The progress page, as the board.
    client.force_login(cast.board)
    progress = client.get(reverse("pledges:detail", kwargs={"pk": pledge.pk})).content.decode()
    assert recorder in progress
    # The unit head's signing page.
    client.force_login(heads["member"])
    page = client.get(reverse("pledges:sign", kwargs={"pk": pledge.pk}))
    assert page.context["existing"] == signature and recorder in page.content.decode()
    # The public verification page.
    client.logout()
    public = client.get(reverse("verify:code", kwargs={"code": pledge.verification_code})).content.decode()
    assert recorder in public and heads["member"].full_name in public
    # The certificate page of the PDF (rendered in Vietnamese).
    html = pdf.render_html(Pledge.objects.for_document().get(pk=pledge.pk), preview=False)
    assert f"Ghi nhận từ bản giấy, người nhập: {recorder}" in html


def test_the_units_people_are_told_and_can_download_the_scan(
    client, cast, pledge, heads, django_capture_on_commit_callbacks
):
    client.force_login(cast.chair_officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert record(client, pledge, heads["member"]).status_code == 302
    signature = Signature.objects.get(pledge=pledge)
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == ["member_head@example.invalid", "member_staff@example.invalid"]
    assert reverse("pledges:signature_dispute", args=[signature.pk]) in mail.outbox[0].body
    assert signature.notices.count() == 2
    for person in (heads["member"], cast.member_staff):
        client.force_login(person)
        response = client.get(reverse("pledges:signature_scan", kwargs={"pk": signature.pk}))
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Security-Policy"] == "sandbox"
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(heads["member2"])  # another member unit's head: not theirs
    assert client.get(reverse("pledges:signature_scan", kwargs={"pk": signature.pk})).status_code == 404


def test_the_head_disputes_and_the_unit_may_sign_again(client, cast, pledge, heads):
    client.force_login(cast.chair_officer)
    record(client, pledge, heads["member"])
    signature = Signature.objects.get(pledge=pledge)
    dispute = reverse("pledges:signature_dispute", kwargs={"pk": signature.pk})
    client.force_login(heads["member2"])  # sees the pledge, not of the unit
    assert client.post(dispute, {"reason": "Không phải"}).status_code == 403
    client.force_login(heads["member"])
    assert (
        reverse("pledges:signature_dispute", args=[signature.pk])
        in client.get(reverse("pledges:signature", kwargs={"pk": signature.pk})).content.decode()
    )
    response = client.post(dispute, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(dispute, {"reason": "Giám đốc không ký bản giấy nào."})
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.disputed_by == heads["member"] and signature.dispute_reason == "Giám đốc không ký bản giấy nào."
    event = PledgeEvent.objects.get(pledge=pledge, kind="disputed")
    assert (event.actor, event.details["reason"], event.details["signature"]) == (
        heads["member"],
        "Giám đốc không ký bản giấy nào.",
        signature.pk,
    )
    # The chair's officers and the board see it on the pledge page, with its reason.
    for viewer in (cast.chair_officer, cast.board):
        client.force_login(viewer)
        page = client.get(reverse("pledges:detail", kwargs={"pk": pledge.pk}))
        assert page.context["disputed_count"] == 1 and "Giám đốc không ký bản giấy nào." in page.content.decode()
    # The disputed signature no longer counts: the head signs on the page, and it counts.
    signature_now, created = sign(pledge, heads["member"], token="own")
    assert created and signature_now.kind == "drawn"
    assert Signature.objects.filter(pledge=pledge, unit=cast.member_unit).count() == 2


def test_a_dispute_is_only_for_paper_signatures(client, cast, pledge, heads):
    signature, _ = sign(pledge, heads["member"])
    client.force_login(heads["member"])
    response = client.post(reverse("pledges:signature_dispute", kwargs={"pk": signature.pk}), {"reason": "Thử"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    signature.refresh_from_db()
    assert signature.disputed_at is None


def test_the_chair_records_again_after_a_dispute(cast, pledge, heads):
    first = services.paper_signature_add(
        actor=cast.chair_officer, pledge=pledge, signer_user=heads["member"], scan=drawn_png()
    )
    services.signature_dispute(actor=cast.member_staff, signature=first, reason="Chưa ký")
    again = services.paper_signature_add(
        actor=cast.chair_officer, pledge=pledge, signer_user=heads["member"], scan=drawn_png()
    )
    assert again.pk != first.pk and again.counts and not Signature.objects.get(pk=first.pk).counts


def excuse(client, pledge, unit, reason="Đơn vị giải thể"):
    signer = pledge.required_signers.get(unit=unit)
    return client.post(reverse("pledges:excuse", kwargs={"pk": pledge.pk, "signer_pk": signer.pk}), {"reason": reason})


def test_the_board_is_told_when_one_person_recorded_or_excused_more_than_half(client, cast, pledge, heads):
    client.force_login(cast.chair_officer)
    record(client, pledge, heads["chair"])
    record(client, pledge, heads["member"])  # two of four: half, not more
    client.force_login(cast.board)
    page = client.get(reverse("pledges:detail", kwargs={"pk": pledge.pk}))
    assert page.context["one_hand"] == [] and not PledgeEvent.objects.filter(kind="recorded_by_one").exists()
    membership = cast.term.memberships.get(unit=cast.member_unit_2)
    bloc_services.membership_end(
        actor=cast.chair_officer, membership=membership, left_on=datetime.date(2022, 4, 2), reason="Sáp nhập"
    )
    client.force_login(cast.chair_officer)
    assert excuse(client, pledge, cast.member_unit_2, reason="").status_code == 200  # a reason is needed
    assert excuse(client, pledge, cast.member_unit_2).status_code == 302
    client.force_login(cast.board)
    page = client.get(reverse("pledges:detail", kwargs={"pk": pledge.pk}))
    [warning] = page.context["one_hand"]
    assert (warning["user"], warning["count"], warning["total"]) == (cast.chair_officer, 3, 4)
    assert 'id="one-hand-warning"' in page.content.decode()
    event = PledgeEvent.objects.get(pledge=pledge, kind="recorded_by_one")
    assert (event.actor, event.details["count"], event.details["total"]) == (cast.chair_officer, 3, 4)
    assert event in page.context["events"]  # in the audit trail the board reads


def test_excusing_shows_the_reason_and_who_on_the_certificate_page(client, cast, pledge):
    membership = cast.term.memberships.get(unit=cast.member_unit_2)
    bloc_services.membership_end(
        actor=cast.board, membership=membership, left_on=datetime.date(2022, 4, 2), reason="Sáp nhập"
    )
    client.force_login(cast.chair_officer)
    assert excuse(client, pledge, cast.member_unit_2, reason="Sáp nhập vào Sở Nội vụ").status_code == 302
    html = pdf.render_html(Pledge.objects.for_document().get(pk=pledge.pk), preview=True)
    assert "Được miễn ký: Sáp nhập vào Sở Nội vụ" in html
    assert f"Người cho miễn ký: {cast.chair_officer.full_name}" in html
