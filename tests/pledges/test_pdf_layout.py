"""The PDF's layout and texts: the signature grid breaks between rows, typed quotes survive, edits collapse."""

import datetime
import re
import subprocess
import unicodedata

import pytest

from core import clock
from pledges import pdf, services
from pledges.models import Pledge, PledgeEvent
from pledges.selectors import collapse_edits

ITEM = (
    "Thực hiện tốt các phong trào thi đua do Thủ tướng Chính phủ và Tỉnh phát động, trong đó có phong trào"
    " “Toàn dân đoàn kết xây dựng đời sống văn hoá ở khu dân cư” – gắn với chuyển đổi số."
)
PAGE_HEIGHT = 842  # A4 in points
BODY_TOP, BODY_BOTTOM = 60, PAGE_HEIGHT - 72  # inside the page number above and the verification footer below


def page_words(data: bytes) -> list[list[tuple[float, str]]]:
    """Return, page by page, the body's words with the bottom of each (pdftotext -bbox)."""
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=data, capture_output=True, check=True, timeout=120)
    pages = []
    for page in out.stdout.decode().split("<page ")[1:]:
        words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page)
        pages.append([(float(bottom), word) for top, bottom, word in words if BODY_TOP < float(top) < BODY_BOTTOM])
    return pages


def frozen_pdf(cast, items: list[str]) -> bytes:
    pledge = services.pledge_create(
        actor=cast.chair_officer, term=cast.term, place="Nam Định", signing_date=datetime.date(2022, 3, 30), items=items
    )
    pledge = services.pledge_open(actor=cast.chair_officer, pledge=pledge, deadline=datetime.date(2099, 1, 1))
    return pdf.render_frozen_pdf(Pledge.objects.for_document().get(pk=pledge.pk))


@pytest.mark.pdf
def test_the_signature_grid_breaks_between_rows_and_no_page_is_left_mostly_blank(cast):
    """Four signers make two rows; as the text grows the grid reaches the foot of page 2 and breaks."""
    first_unit = cast.chair_unit.name.upper().split()[-1]  # the last word of the first block's unit line
    split_seen = False
    for count in range(15, 20):
        pages = page_words(frozen_pdf(cast, [ITEM] * count))
        cast.term.pledges.update(status="cancelled")  # the next pledge of the same year
        texts = [" ".join(word for _, word in page) for page in pages]
        heading = next(n for n, text in enumerate(texts) if "ĐẠI DIỆN CÁC ĐƠN VỊ KÝ KẾT" in text)
        # The heading stays with the first row.
        assert first_unit in texts[heading].split("KÝ KẾT", 1)[1], count
        # Every page but the last is used to at least a fifth of its height.
        for number, page in enumerate(pages[:-1], start=1):
            bottom = max(y for y, _ in page)
            assert bottom > BODY_TOP + 0.2 * (BODY_BOTTOM - BODY_TOP), (count, number)
        split_seen |= heading < len(pages) - 1 and "GIÁM ĐỐC" in texts[heading + 1]
    assert split_seen  # in one of them the second row went to the next page, the first stayed


@pytest.mark.pdf
def test_typed_quotes_and_dashes_are_printed_as_typed(cast):
    data = frozen_pdf(cast, [ITEM])
    text = unicodedata.normalize(
        "NFC", subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True).stdout.decode()
    )
    assert "“Toàn dân đoàn kết" in text and "khu dân cư” – gắn" in " ".join(text.split())


def _edits(cast, draft, actor, count, start):
    item = draft.items.first()
    for minute in range(count):
        with clock.fixed_at(start + datetime.timedelta(minutes=minute)):
            services.item_update(actor=actor, item=item, text=f"Sửa lần {minute}")


@pytest.mark.pdf
def test_repeated_edits_print_as_one_line_in_the_audit_trail(cast, draft):
    start = datetime.datetime(2030, 3, 1, 1, 0, tzinfo=datetime.UTC)  # 08:00 in Hà Nội
    _edits(cast, draft, cast.chair_officer, 30, start)
    _edits(cast, draft, cast.board, 1, start + datetime.timedelta(hours=1))
    _edits(cast, draft, cast.chair_officer, 2, start + datetime.timedelta(hours=2))
    data = pdf.render_pdf(Pledge.objects.for_document().get(pk=draft.pk), preview=True)
    text = " ".join(
        subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True).stdout.decode().split()
    )
    text = unicodedata.normalize("NFC", text)
    assert "Chỉnh sửa dự thảo × 30" in text and "Chỉnh sửa dự thảo × 2" in text
    assert "từ 08:00:00 ngày 01/03/2030 đến 08:29:00 ngày 01/03/2030 (Asia/Ho_Chi_Minh)" in text
    # The attached audit trail keeps every event.
    assert pdf.audit_json(draft).count('"kind": "edited"') == 33


def test_collapse_edits_groups_consecutive_edits_by_one_actor(cast, draft):
    start = datetime.datetime(2030, 3, 1, 1, 0, tzinfo=datetime.UTC)
    _edits(cast, draft, cast.chair_officer, 3, start)
    _edits(cast, draft, cast.board, 2, start + datetime.timedelta(hours=1))
    events = list(draft.events.order_by("-created_at", "-id"))  # newest first, as the detail page lists them
    runs = collapse_edits(events)
    assert [(run.first.kind, run.count) for run in runs] == [("edited", 2), ("edited", 3), ("created", 1)]
    assert runs[0].first.actor_id == cast.board.pk and runs[1].first.created_at > runs[1].last.created_at
    assert [run.collapsed for run in runs] == [True, True, False]
    # An event of another kind between two edits ends the run.
    trail = [{"kind": k, "actor": "A"} for k in ("edited", "edited", "commented", "edited")]
    assert [run.count for run in collapse_edits(trail)] == [2, 1, 1]
    assert PledgeEvent.Kind.EDITED == "edited"
