"""The pledge pages: drafting, opening, signing, paper, private files."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pledges.models import Pledge, PledgeItem, Signature
from tests.pledges.conftest import data_url, drawn_png, sign


def sign_url(pledge):
    return reverse("pledges:sign", kwargs={"pk": pledge.pk})


def sign_form(client, pledge, **overrides):
    page = client.get(sign_url(pledge))
    form = page.context["form"]
    data = {
        "agree": "on",
        "typed_name": "Member_Head",
        "method": "drawn",
        "drawn": data_url(drawn_png()),
        "content_hash": form.initial["content_hash"],
        "form_token": form.initial["form_token"],
    }
    return data | overrides


def test_chair_officer_drafts_edits_and_opens(client, cast):
    client.force_login(cast.chair_officer)
    response = client.post(
        reverse("pledges:create", kwargs={"pk": cast.bloc.pk, "year": 2022}),
        {"place": "Nam Định", "signing_date": "30/03/2022", "title": ""},
    )
    pledge = Pledge.objects.get(term=cast.term)
    assert response.status_code == 302 and pledge.title == "Giao ước thi đua năm 2022"
    client.post(reverse("pledges:item_add", kwargs={"pk": pledge.pk}), {"text": "Nội dung một"})
    client.post(reverse("pledges:item_add", kwargs={"pk": pledge.pk}), {"text": "Nội dung hai"})
    second = pledge.items.get(position=2)
    client.post(reverse("pledges:item_move", kwargs={"pk": pledge.pk, "item_pk": second.pk}), {"direction": "up"})
    assert list(pledge.items.order_by("position").values_list("text", flat=True)) == ["Nội dung hai", "Nội dung một"]
    page = client.get(reverse("pledges:open", kwargs={"pk": pledge.pk}))
    digest = page.context["digest"]
    assert digest in page.content.decode()
    response = client.post(
        reverse("pledges:open", kwargs={"pk": pledge.pk}), {"deadline": "15/04/2099", "content_hash": digest}
    )
    pledge.refresh_from_db()
    assert response.status_code == 302 and pledge.status == "open" and pledge.content_hash == digest


def test_open_with_past_deadline_redisplays(client, cast, draft):
    client.force_login(cast.chair_officer)
    digest = client.get(reverse("pledges:open", kwargs={"pk": draft.pk})).context["digest"]
    response = client.post(
        reverse("pledges:open", kwargs={"pk": draft.pk}), {"deadline": "01/01/2020", "content_hash": digest}
    )
    assert response.status_code == 200 and response.context["form"].errors
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_crafted_post_to_a_frozen_pledge_changes_nothing(client, cast, pledge):
    client.force_login(cast.chair_officer)
    item = pledge.items.first()
    client.post(reverse("pledges:edit", kwargs={"pk": pledge.pk}), {"place": "X", "signing_date": "01/04/2022"})
    client.post(reverse("pledges:item_add", kwargs={"pk": pledge.pk}), {"text": "Chen thêm"})
    client.post(reverse("pledges:item_edit", kwargs={"pk": pledge.pk, "item_pk": item.pk}), {"text": "Sửa"})
    client.post(reverse("pledges:item_remove", kwargs={"pk": pledge.pk, "item_pk": item.pk}))
    pledge.refresh_from_db()
    assert pledge.place == "Nam Định" and pledge.items.count() == 2
    assert PledgeItem.objects.get(pk=item.pk).text == item.text


def test_member_head_signs_by_drawing_and_sees_confirmation(client, cast, pledge):
    client.force_login(cast.member_head)
    assert pledge.title in client.get(reverse("home")).content.decode()
    response = client.post(
        sign_url(pledge), sign_form(client, pledge), REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Zalo"
    )
    signature = Signature.objects.get(pledge=pledge)
    assert response.status_code == 302 and response["Location"] == reverse(
        "pledges:signature", kwargs={"pk": signature.pk}
    )
    assert (signature.kind, signature.ip, signature.user_agent) == ("drawn", "203.0.113.7", "Zalo")
    page = client.get(response["Location"]).content.decode()
    assert pledge.content_hash in page and "Asia/Ho_Chi_Minh" in page
    image = client.get(reverse("pledges:signature_image", kwargs={"pk": signature.pk}))
    assert image["Content-Type"] == "image/png" and b"".join(image.streaming_content).startswith(b"\x89PNG")


def test_typed_signature_is_rendered_on_the_server(client, cast, pledge):
    client.force_login(cast.member_head)
    client.post(sign_url(pledge), sign_form(client, pledge, method="typed", drawn=""))
    signature = Signature.objects.get(pledge=pledge)
    assert signature.kind == "typed" and signature.image.read().startswith(b"\x89PNG")


def test_saved_signature_from_the_profile(client, cast, pledge):
    client.force_login(cast.member_head)
    upload = SimpleUploadedFile("sig.png", drawn_png(), content_type="image/png")
    assert client.post(reverse("accounts:profile"), {"image": upload}).status_code == 302
    client.post(sign_url(pledge), sign_form(client, pledge, method="saved", drawn=""))
    assert Signature.objects.get(pledge=pledge).kind == "saved"


def test_double_tap_returns_the_stored_confirmation(client, cast, pledge):
    client.force_login(cast.member_head)
    data = sign_form(client, pledge)
    first = client.post(sign_url(pledge), data)
    second = client.post(sign_url(pledge), data)
    assert first["Location"] == second["Location"]
    assert Signature.objects.filter(pledge=pledge).count() == 1


def test_a_second_signing_form_is_refused_with_the_time(client, cast, pledge):
    sign(pledge, cast.member_head, token="earlier")
    client.force_login(cast.member_head)
    page = client.get(sign_url(pledge))
    assert page.context["existing"] is not None and not page.context["can_sign_now"]
    data = {
        "agree": "on",
        "typed_name": "Member_Head",
        "method": "drawn",
        "drawn": data_url(drawn_png()),
        "content_hash": pledge.content_hash,
        "form_token": "later",
    }
    response = client.post(sign_url(pledge), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Signature.objects.filter(pledge=pledge).count() == 1


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def png_bytes(size, color=(0, 0, 0, 0)):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", size, color).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "drawn",
    [
        "data:image/svg+xml;base64,PHN2Zz4=",
        data_url(SVG),
        data_url(b"GIF89a" + b"\x00" * 100),
        data_url(png_bytes((300, 100))),  # blank
        data_url(png_bytes((5000, 100), (0, 0, 0, 255))),  # too many pixels
        "data:image/png;base64," + "A" * 800_000,  # too many bytes
        "data:image/png;base64,!!!notbase64",
        data_url(drawn_png()[:40]),  # truncated
        "",
    ],
)
def test_bad_signature_images_are_refused(client, cast, pledge, drawn):
    client.force_login(cast.member_head)
    response = client.post(sign_url(pledge), sign_form(client, pledge, drawn=drawn))
    assert response.status_code == 200 and response.context["form"].errors
    assert not Signature.objects.exists()


def test_png_with_trailing_script_is_re_encoded(client, cast, pledge):
    client.force_login(cast.member_head)
    dirty = drawn_png() + b"<script>alert(1)</script>"
    client.post(sign_url(pledge), sign_form(client, pledge, drawn=data_url(dirty)))
    stored = Signature.objects.get(pledge=pledge).image.read()
    assert b"<script>" not in stored and stored.startswith(b"\x89PNG")


def test_wrong_name_or_unchecked_box_is_refused(client, cast, pledge):
    client.force_login(cast.member_head)
    assert client.post(sign_url(pledge), sign_form(client, pledge, typed_name="Người Khác")).status_code == 200
    data = sign_form(client, pledge)
    del data["agree"]
    assert client.post(sign_url(pledge), data).status_code == 200
    assert not Signature.objects.exists()


def test_post_by_staff_or_for_another_unit_is_refused(client, cast, pledge):
    client.force_login(cast.member_head)
    data = sign_form(client, pledge)
    client.force_login(cast.member_staff)
    assert client.post(sign_url(pledge), data).status_code == 403
    client.force_login(cast.outsider)
    assert client.post(sign_url(pledge), data).status_code == 404
    client.force_login(cast.other_board)
    assert client.post(sign_url(pledge), data).status_code == 404
    assert not Signature.objects.exists()


def test_signing_a_cancelled_pledge_redisplays_with_message(client, cast, pledge):
    from pledges import services

    client.force_login(cast.member_head)
    data = sign_form(client, pledge)
    services.pledge_cancel(actor=cast.board, pledge=pledge, reason="Soạn lại")
    response = client.post(sign_url(pledge), data)
    assert response.status_code == 200 and "hủy" in response.content.decode().lower()
    assert not Signature.objects.exists()


def test_paper_signature_with_scan_checked_by_content(client, cast, pledge, heads):
    client.force_login(cast.chair_officer)
    url = reverse("pledges:paper", kwargs={"pk": pledge.pk})
    fake = SimpleUploadedFile("scan.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    data = {"signer_user": heads["member2"].pk}
    response = client.post(url, data | {"scan": fake})
    assert response.status_code == 200 and "scan" in response.context["form"].errors
    scan = SimpleUploadedFile("scan.png", drawn_png(), content_type="image/png")
    assert client.post(url, data | {"scan": scan}).status_code == 302
    signature = Signature.objects.get(pledge=pledge, unit=cast.member_unit_2)
    assert signature.kind == "paper"
    response = client.get(reverse("pledges:signature_scan", kwargs={"pk": signature.pk}))
    assert response["Content-Type"] == "image/png"


def test_private_files_are_not_under_a_public_url(settings, cast, pledge):
    signature, _ = sign(pledge, cast.member_head)
    assert not str(settings.PRIVATE_ROOT).startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        signature.image.url  # noqa: B018


def test_cancel_and_excuse_pages(client, cast, pledge):
    client.force_login(cast.board)
    response = client.post(reverse("pledges:cancel", kwargs={"pk": pledge.pk}), {"reason": ""})
    assert response.status_code == 200
    response = client.post(reverse("pledges:cancel", kwargs={"pk": pledge.pk}), {"reason": "Soạn lại nội dung"})
    pledge.refresh_from_db()
    assert response.status_code == 302 and pledge.status == "cancelled"


def test_detail_page_shows_progress(client, cast, pledge):
    sign(pledge, cast.member_head)
    client.force_login(cast.member_staff)
    response = client.get(reverse("pledges:detail", kwargs={"pk": pledge.pk}))
    assert response.context["signed_count"] == 1
    assert "Member_Head" in response.content.decode()


def test_deadline_and_date_typed_month_first_are_refused(client, cast):
    client.force_login(cast.chair_officer)
    response = client.post(
        reverse("pledges:create", kwargs={"pk": cast.bloc.pk, "year": 2022}),
        {"place": "Nam Định", "signing_date": "03/30/2022"},
    )
    assert response.status_code == 200 and "signing_date" in response.context["form"].errors
    assert not Pledge.objects.exists()
