"""The signed PDF, checked with real readers: poppler, zbar, pyHanko, pikepdf."""

import datetime
import io
import json
import subprocess
import threading
import unicodedata

import pikepdf
import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts import services as account_services
from blocs import services as bloc_services
from core import pdf as pdf_engine
from pledges import pdf, services
from pledges.models import Pledge
from tests.conftest import make_user
from tests.pledges.conftest import sign

pytestmark = pytest.mark.pdf
LONG_NAME = "Nguyễn Thị Lấp Lánh Ánh"
MM = 72 / 25.4


def run(*command, data: bytes | None = None) -> str:
    return subprocess.run(command, input=data, capture_output=True, check=True, timeout=120).stdout.decode()


def text_of(data: bytes, *, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return unicodedata.normalize("NFC", run("pdftotext", *pages, "-", "-", data=data))


@pytest.fixture
def completed(cast, heads, django_capture_on_commit_callbacks):
    """The cast's pledge signed by all four heads, one of them invited with a decomposed name."""
    invited = account_services.user_invite(
        actor=cast.board,
        province=cast.province,
        username="lanh",
        email="lanh@example.invalid",
        full_name=unicodedata.normalize("NFD", LONG_NAME),
        unit=cast.member_unit_2,
        can_sign=True,
        site_url="http://testserver",
    )
    pledge = services.pledge_create(
        actor=cast.chair_officer,
        term=cast.term,
        place="Nam Định",
        signing_date=datetime.date(2022, 3, 30),
        items=["Hoàn thành các chỉ tiêu kinh tế - xã hội.", "Thực hiện tốt công tác thi đua, khen thưởng."],
    )
    pledge = services.pledge_open(actor=cast.chair_officer, pledge=pledge, deadline=datetime.date(2099, 1, 1))
    for key in ("chair", "vice", "member"):
        sign(pledge, heads[key], token=key)
    with django_capture_on_commit_callbacks(execute=True):
        sign(pledge, invited, token="lanh")
    pledge.refresh_from_db()
    assert pledge.status == "completed" and pledge.pdf_status == "ready"
    with pledge.pdf_file.open("rb") as stored:
        return pledge, stored.read()


def test_text_comes_back_exactly(completed, cast):
    pledge, data = completed
    text = " ".join(text_of(data).split())  # table cells wrap long names over lines
    for expected in (
        "GIAO ƯỚC THI ĐUA NĂM 2022",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Nam Định, ngày 30 tháng 3 năm 2022",
        "CHỨNG NHẬN HOÀN TẤT KÝ KẾT",
        LONG_NAME,
        "Trần Văn Hùng",
    ):
        assert expected in text, expected
    for unit in (cast.chair_unit, cast.vice_unit, cast.member_unit, cast.member_unit_2):
        assert unit.name in text


def test_only_embedded_liberation_serif(completed):
    _, data = completed
    rows = run("pdffonts", "-", data=data).splitlines()[2:]
    assert rows
    for row in rows:
        assert "Liberation-Serif" in row.split()[0], row
        assert " yes yes yes " in row, row


def test_a4_left_margin_and_page_numbers_from_page_two(completed):
    _, data = completed
    info = run("pdfinfo", "-", data=data)
    assert "(A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 2
    boxes = run("pdftotext", "-bbox", "-", "-", data=data)
    lefts = [float(part.split('"')[1]) for part in boxes.split("xMin=")[1:]]
    assert min(lefts) >= 30 * MM - 0.5
    assert text_of(data, page=1).split()[0] != "1"
    assert text_of(data, page=2).split()[0] == "2"


def test_qr_code_opens_the_verification_page(completed):
    pledge, data = completed
    image = subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", "200", "-png", "-"], input=data, capture_output=True, check=True
    ).stdout
    decoded = run("zbarimg", "--raw", "-q", "-", data=image).strip()
    assert decoded == pdf.verification_url(pledge)
    assert decoded.endswith(f"/verify/{pledge.verification_code}/")


def test_seal_is_intact_and_trusted_and_breaks_on_one_byte(completed):
    pledge, data = completed
    verdict = pdf_engine.validate_seal(data)
    assert verdict["sealed"] and verdict["intact"] and verdict["whole_file"] and verdict["trusted"]
    changed = bytearray(data)
    changed[len(changed) // 3] ^= 0x01
    assert not pdf_engine.validate_seal(bytes(changed))["intact"]
    assert pdf_engine.sha256(data) == pledge.pdf_sha256


def test_pdf_a3_identification_and_attachment_survive_the_seal(completed):
    pledge, data = completed
    with pikepdf.open(io.BytesIO(data)) as document:
        meta = document.open_metadata()
        assert meta.get("pdfaid:part") == "3"
        attachments = document.attachments
        assert "nhat-ky-ky-ket.json" in attachments
        spec = attachments["nhat-ky-ky-ket.json"]
        assert spec.obj.get("/AFRelationship") == "/Data"
        assert spec.get_file().mime_type == "application/json"
        trail = json.loads(spec.get_file().read_bytes())
        assert trail["content_hash"] == pledge.content_hash
        assert [e["kind"] for e in trail["audit_trail"]][-1] == "completed"
        assert all(e["network"] in ("", "127.0.x.x") for e in trail["audit_trail"])


def test_verify_command_and_upload_agree(completed, client, tmp_path):
    pledge, data = completed
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(data)
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    bad.write_bytes(bytes(changed))
    with pytest.raises(SystemExit) as exit_good:
        call_command("verify_pdf", str(good), stdout=io.StringIO())
    with pytest.raises(SystemExit) as exit_bad:
        call_command("verify_pdf", str(bad), stdout=io.StringIO())
    assert (exit_good.value.code, exit_bad.value.code) == (0, 1)
    url = reverse("verify:code", kwargs={"code": pledge.verification_code})
    page = client.get(url)
    assert page.status_code == 200 and pledge.pdf_sha256 in page.content.decode()
    assert "127.0" not in page.content.decode()  # no network addresses on the public page
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = client.post(url, {"document": SimpleUploadedFile("a.pdf", data)}).context["result"]
    broken = client.post(url, {"document": SimpleUploadedFile("b.pdf", bytes(changed))}).context["result"]
    assert (ok["matches_this"], ok["intact"]) == (True, True)
    assert (broken["matches_this"], broken["intact"]) == (False, False)


def test_download_serves_the_stored_file_with_a_meaningful_name(completed, client, cast):
    pledge, data = completed
    client.force_login(cast.member_staff)
    response = client.get(reverse("pledges:pdf", kwargs={"pk": pledge.pk}))
    assert b"".join(response.streaming_content) == data
    assert 'filename="Giao-uoc-thi-dua-nam-2022-KHVHXH.pdf"' in response["Content-Disposition"]


def test_preview_is_watermarked_and_never_sealed(client, cast, pledge):
    client.force_login(cast.member_head)
    response = client.get(reverse("pledges:pdf", kwargs={"pk": pledge.pk}))
    assert response["Content-Type"] == "application/pdf"
    rotated = run("pdftotext", "-raw", "-", "-", data=response.content)  # the watermark is set at an angle
    assert "BẢN DỰ THẢO" in " ".join(unicodedata.normalize("NFC", rotated).split())
    assert not pdf_engine.validate_seal(response.content)["sealed"]


def test_pledge_pdf_command_writes_the_stored_file(completed, tmp_path):
    pledge, data = completed
    target = tmp_path / "out.pdf"
    call_command("pledge_pdf", str(pledge.pk), "-o", str(target), stdout=io.StringIO())
    assert target.read_bytes() == data


def test_a_hanging_render_leaves_the_pledge_completed_and_the_pdf_pending(
    cast, heads, pledge, settings, monkeypatch, django_capture_on_commit_callbacks
):
    release = threading.Event()
    real = pdf.html_to_pdf

    def hang(html, attachment):
        release.wait(30)
        raise RuntimeError("rendering hung")

    monkeypatch.setattr(pdf, "html_to_pdf", hang)
    settings.PDF_TIME_LIMIT = 0.3
    for key in ("chair", "vice", "member"):
        sign(pledge, heads[key], token=key)
    with django_capture_on_commit_callbacks(execute=True):
        signature, created = sign(pledge, heads["member2"], token="last")
    release.set()
    pledge.refresh_from_db()
    assert created and pledge.status == "completed" and pledge.signatures.count() == 4
    assert pledge.pdf_status == "pending" and "gave up" in pledge.pdf_error
    monkeypatch.setattr(pdf, "html_to_pdf", real)
    settings.PDF_TIME_LIMIT = 60
    call_command("pledge_pdf", "--retry-pending", stdout=io.StringIO())
    pledge.refresh_from_db()
    assert pledge.pdf_status == "ready" and pledge.signatures.count() == 4


def test_thirty_members_do_not_split_a_signature_block(db):
    province = bloc_services.province_create(actor=None, code="NDH", name="Nam Định")
    board = make_user("board", province=province)
    units = [
        bloc_services.unit_create(
            actor=board, province=province, code=f"U{i}", name=f"Sở thành viên số {i:02d}", head_title="Giám đốc"
        )
        for i in range(30)
    ]
    bloc = bloc_services.bloc_create(actor=board, province=province, kind="khoi", code="LON", name="Khối lớn")
    term = bloc_services.term_create(
        actor=board, bloc=bloc, year=2022, units=units, chair=units[0], vice_chair=units[1]
    )
    pledge = services.pledge_create(
        actor=board, term=term, place="Nam Định", signing_date=datetime.date(2022, 3, 30), items=["Một", "Hai", "Ba"]
    )
    pledge = services.pledge_open(actor=board, pledge=pledge, deadline=datetime.date(2099, 1, 1))
    for i, unit in enumerate(units):
        sign(pledge, make_user(f"h{i}", unit=unit, can_sign=True, full_name=f"Người Ký Số {i:02d}"), token=str(i))
    pledge = services.pledge_pdf_produce(pledge.pk)
    assert pledge.pdf_status == Pledge.PdfStatus.READY
    with pledge.pdf_file.open("rb") as stored:
        data = stored.read()
    info = run("pdfinfo", "-", data=data).splitlines()
    pages = int(next(line.split()[-1] for line in info if line.startswith("Pages:")))
    texts = [" ".join(text_of(data, page=n).split()) for n in range(1, pages + 1)]
    for i in range(30):
        unit_pages = {n for n, t in enumerate(texts) if f"SỞ THÀNH VIÊN SỐ {i:02d}" in t}
        signer_pages = {n for n, t in enumerate(texts) if f"Người Ký Số {i:02d}" in t}
        # The block's unit line and its signer's name sit on the same page (the certificate repeats them later).
        assert min(unit_pages) in signer_pages, i


def test_the_unit_seal_is_copied_into_the_signature_and_printed(cast, heads, pledge):
    from blocs import services as registry
    from tests.pledges.conftest import drawn_png

    registry.unit_set_seal(actor=cast.board, unit=cast.member_unit, png=drawn_png(200, 200))
    signature, _ = sign(pledge, heads["member"])
    assert signature.seal_image and signature.seal_image.read().startswith(b"\x89PNG")
    registry.unit_set_seal(actor=cast.board, unit=cast.member_unit, png=None)  # later changes do not touch it
    signature.refresh_from_db()
    assert signature.seal_image
    html = pdf.render_html(Pledge.objects.for_document().get(pk=pledge.pk), preview=True)
    assert 'class="doc-seal-image" src="data:image/png;base64,' in html


def test_the_frozen_pages_are_shown_as_images_on_the_pledge_page(
    cast, heads, draft, client, django_capture_on_commit_callbacks
):
    client.force_login(cast.chair_officer)
    page = client.get(reverse("pledges:detail", kwargs={"pk": draft.pk}))
    draft_images = page.context["page_images"]
    assert draft_images and draft_images[0].startswith("draft-")
    with django_capture_on_commit_callbacks(execute=True):
        pledge = services.pledge_open(actor=cast.chair_officer, pledge=draft, deadline=datetime.date(2099, 1, 1))
    # Signers read the text on the signing page (tests/pledges/test_sign_page.py); the pledge page
    # keeps the pages as they print, for whoever wants to see them.
    client.force_login(heads["member"])
    names = client.get(reverse("pledges:detail", kwargs={"pk": pledge.pk})).context["page_images"]
    assert names and all(name.startswith("frozen-") for name in names)
    image = client.get(reverse("pledges:page_image", kwargs={"pk": pledge.pk, "name": names[0][:-4]}))
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    # The page image is the frozen PDF's first page: the same text a signer will sign.
    assert "GIAO ƯỚC THI ĐUA NĂM 2022" in text_of(services.pledge_frozen_pdf(pledge), page=1)


def test_seed_demo_pledge_has_a_stored_registered_intact_pdf(db, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    pledge = Pledge.objects.get(term__year=2022, term__bloc__province__code="NDH")
    assert pledge.pdf_status == "ready"
    target = tmp_path / "seed.pdf"
    call_command("pledge_pdf", str(pledge.pk), "-o", str(target), stdout=io.StringIO())
    data = target.read_bytes()
    text = " ".join(text_of(data).split())
    assert "GIAO ƯỚC THI ĐUA NĂM 2022" in text
    assert "BAN DÂN TỘC" in text and "Nguyễn Ngọc Thành" in text
    with pytest.raises(SystemExit) as verdict:
        call_command("verify_pdf", str(target), stdout=io.StringIO())
    assert verdict.value.code == 0
