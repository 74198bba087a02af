"""The board's name per province (since 2025 often a part of Sở Nội vụ), and where the cover request uses it.

The request's PDF is checked in ``tests/reviews/test_documents.py``; here, what ``reviews.documents``
gives its template: the addressee and the "Nơi nhận" lines.
"""

import datetime

from django.utils import translation

from blocs import services
from reviews import documents

HOME_AFFAIRS = "Sở Nội vụ tỉnh Nam Định (Phòng Thi đua - Khen thưởng)"
DAY = datetime.date(2022, 12, 28)


def test_default_board_title_is_translated_with_the_province_name(cast):
    with translation.override("en"):
        assert cast.province.board_title() == "Emulation and Commendation Board of Nam Định province"
    cast.province.board_name = HOME_AFFAIRS
    assert cast.province.board_title() == HOME_AFFAIRS


def test_cover_request_addresses_the_board_by_its_name_in_vietnamese(cast):
    with translation.override("en"):  # an official document: Vietnamese whatever the page's language
        assert documents.board_title(cast.term, DAY) == "Ban Thi đua - Khen thưởng tỉnh Nam Định"
    services.province_board_name_set(actor=cast.board, province=cast.province, board_name=HOME_AFFAIRS)
    cast.term.bloc.province.refresh_from_db()
    assert documents.board_title(cast.term, DAY) == HOME_AFFAIRS


def test_cover_request_names_the_board_in_the_generic_recipient_lines_only():
    lines = [
        "- Ban Thi đua - Khen thưởng tỉnh;",
        "Ban TĐKT tỉnh",
        "- Ban Thi đua - Khen thưởng tỉnh Nam Định;",
        "- Như trên;",
        "UBND tỉnh (để báo cáo);",
        "- Ban Thi đua - Khen thưởng tỉnh Cao Bằng (để biết);",
    ]
    assert [documents._recipient_line(line, HOME_AFFAIRS, "Nam Định") for line in lines] == [
        f"- {HOME_AFFAIRS};",
        f"- {HOME_AFFAIRS};",
        f"- {HOME_AFFAIRS};",
        "- Như trên;",
        "- UBND tỉnh (để báo cáo);",
        "- Ban Thi đua - Khen thưởng tỉnh Cao Bằng (để biết);",
    ]
