"""The Word export, read back with python-docx; and text pasted from Word."""

import io
import unicodedata

import docx
from django.urls import reverse

from core.text import clean_pasted


def document_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def test_draft_as_docx_holds_the_text(client, cast, draft):
    client.force_login(cast.member_staff)
    response = client.get(reverse("pledges:docx", kwargs={"pk": draft.pk}))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="Giao-uoc-thi-dua-nam-2022-KHVHXH.docx"' in response["Content-Disposition"]
    text = document_text(response.content)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Nam Định, ngày 30 tháng 3 năm 2022",
        "GIAO ƯỚC THI ĐUA NĂM 2022",
        "1. Hoàn thành các chỉ tiêu kinh tế - xã hội.",
        "2. Thực hiện tốt công tác thi đua, khen thưởng.",
        "SỞ Y TẾ",
    ):
        assert expected in text, expected
    section = docx.Document(io.BytesIO(response.content)).sections[0]
    assert round(section.left_margin.mm) == 30 and round(section.page_width.mm) == 210


def test_frozen_pledge_docx_shows_who_signed(client, cast, pledge, heads):
    from tests.pledges.conftest import sign

    sign(pledge, heads["member"])
    client.force_login(cast.member_staff)
    text = document_text(client.get(reverse("pledges:docx", kwargs={"pk": pledge.pk})).content)
    assert "Member_Head" in text and "(đã ký)" in text


def test_another_provinces_board_cannot_download_the_docx(client, cast, draft):
    client.force_login(cast.other_board)
    assert client.get(reverse("pledges:docx", kwargs={"pk": draft.pk})).status_code == 404


def test_text_pasted_from_word_is_cleaned():
    pasted = "\ufeff“Toàn dân\u00a0đoàn kết”\u200b  xây dựng\r\nđời sống – văn hoá\u00ad\x07 "
    assert clean_pasted(unicodedata.normalize("NFD", pasted)) == "“Toàn dân đoàn kết” xây dựng\nđời sống – văn hoá"


def test_pasted_text_is_cleaned_in_the_forms(client, cast, draft):
    client.force_login(cast.chair_officer)
    client.post(reverse("pledges:item_add", kwargs={"pk": draft.pk}), {"text": "“Hoàn thành”\u00a0chỉ\u200b tiêu"})
    assert draft.items.order_by("-position").first().text == "“Hoàn thành” chỉ tiêu"
