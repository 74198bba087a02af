"""The board's dashboard of a year: rows and their states, search, filters, and who may see it."""

import datetime
import re

import pytest
from django.urls import reverse

from blocs import services as bloc_services
from tests.board.conftest import cluster_of_districts
from tests.conftest import make_user


def url(year=2022, **params):
    path = reverse("board:dashboard", kwargs={"year": year})
    if params:
        from urllib.parse import urlencode

        path += "?" + urlencode(params)
    return path


def rows_of(client, user, **params):
    client.force_login(user)
    response = client.get(url(**params))
    assert response.status_code == 200
    return {row.term.bloc.code: row for row in response.context["rows"]}


# The rows ---------------------------------------------------------------------------------------


def test_board_sees_one_row_per_bloc_of_its_province(client, season):
    rows = rows_of(client, season.cast.board)
    assert sorted(rows) == ["CUMNAM", "KHVHXH", "KTTH"]


def test_open_pledge_row_shows_signatures_deadline_and_self_assessment(client, season):
    row = rows_of(client, season.cast.board)["KHVHXH"]
    assert (row.name, row.kind, row.member_count) == ("Khối Khoa học - Văn hoá - Xã hội", "khoi", 4)
    assert (row.pledge_state, row.signed, row.required, row.completed_on, row.overdue) == ("open", 2, 4, None, True)
    assert (row.review_state, row.assessments_submitted, row.assessments_total) == ("self", 1, 4)
    assert row.dossier is None and row.proposals == 0


def test_completed_cluster_row_shows_completion_review_and_dossier(client, season):
    row = rows_of(client, season.cast.board)["CUMNAM"]
    assert (row.kind, row.member_count) == ("cum", 3)
    assert (row.pledge_state, row.signed, row.required) == ("completed", 3, 3)
    assert row.completed_on == datetime.date(2022, 4, 5) and not row.overdue
    assert (row.review_state, row.assessments_submitted, row.assessments_total) == ("closed", 3, 3)
    assert row.dossier.status == "submitted"
    assert (row.proposals, row.passed, row.cut) == (3, 1, 1)


def test_bloc_without_pledge_or_review_shows_none(client, season):
    row = rows_of(client, season.cast.board)["KTTH"]
    assert (row.pledge, row.pledge_state, row.review, row.review_state, row.dossier) == (
        None,
        "none",
        None,
        "none",
        None,
    )


def test_page_shows_states_and_links_in_english(client, season):
    cast = season.cast
    client.cookies["django_language"] = "en"
    client.force_login(cast.board)
    page = client.get(url()).content.decode()
    assert "signed 2/4" in page and "signed 3/3" in page
    assert "completed on 05/04/2022" in page and "overdue since 15/04/2022" in page
    assert "self-assessment 1/4 submitted" in page and "self-assessment 3/3 submitted" in page
    assert "3 proposals (1 passed, 1 cut)" in page
    for bloc in (cast.bloc, season.cluster, season.economy):
        assert reverse("blocs:term_detail", kwargs={"pk": bloc.pk, "year": 2022}) in page
    assert reverse("reviews:home", kwargs={"pk": cast.bloc.pk, "year": 2022}) in page
    assert reverse("reviews:dossier", kwargs={"pk": season.dossier.pk}) in page


def test_states_and_cell_labels_are_in_the_page_language(client, season):
    client.force_login(season.cast.board)
    page = client.get(url()).content.decode()
    # Each row's states and kind from the page's label tables, not the stored values.
    assert 'pledge-status-open">Đang ký kết</span>' in page
    assert 'pledge-status-completed">Đã hoàn thành ký kết</span>' in page
    assert 'review-status-self">Tự chấm điểm</span>' in page and 'review-status-closed">Đã kết thúc</span>' in page
    assert 'data-label="Loại">Cụm thi đua</td>' in page
    assert re.search(r'data-label="Hồ sơ và đề nghị khen thưởng">\s*Đã gửi Ban Thi đua - Khen thưởng tỉnh\s*<br>', page)
    # The column names head the table and label every row's cells on a narrow screen (3 rows).
    assert page.count('data-label="Hồ sơ và đề nghị khen thưởng"') == 3
    assert '<th scope="col">Tổng kết, bình xét cuối năm</th>' in page
    client.cookies["django_language"] = "en"
    page = client.get(url()).content.decode()
    assert 'pledge-status-open">Being signed</span>' in page and 'review-status-closed">Closed</span>' in page
    assert re.search(r'data-label="Dossier and proposals">\s*Submitted to the board\s*<br>', page)
    assert page.count('data-label="Dossier and proposals"') == 3


def test_page_is_vietnamese_by_default(client, season):
    client.force_login(season.cast.board)
    response = client.get(url())
    assert 'lang="vi"' in response.content.decode()


def test_bloc_name_is_the_one_of_that_year(client, season):
    cast = season.cast
    bloc_services.bloc_rename(
        actor=cast.board, bloc=cast.bloc, on=datetime.date(2024, 1, 1), name="Khối Văn hoá - Xã hội"
    )
    assert rows_of(client, cast.board)["KHVHXH"].name == "Khối Khoa học - Văn hoá - Xã hội"


# Search and filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, found",
    [
        ("so y te", ["KHVHXH"]),  # a member unit, typed without diacritics
        ("Sở Y tế", ["KHVHXH"]),  # the same, with them
        ("SỞ Y TẾ", ["KHVHXH"]),
        ("khoa hoc", ["KHVHXH"]),  # words of the bloc's name
        ("Khoa học", ["KHVHXH"]),
        ("giao thuy", ["CUMNAM"]),  # "Giao Thủy" written either way
        ("Giao Thuỷ", ["CUMNAM"]),
        ("dao tao", ["KHVHXH"]),  # "Đào tạo": đ folds to d
        ("  cong   thuong ", ["KTTH"]),
        ("khoi", ["KHVHXH", "KTTH"]),
        ("nowhere at all", []),
    ],
)
def test_search_ignores_diacritics_on_both_sides(client, season, query, found):
    assert sorted(rows_of(client, season.cast.board, q=query)) == found


def test_search_shows_the_members_it_found(client, season):
    client.cookies["django_language"] = "en"
    client.force_login(season.cast.board)
    response = client.get(url(q="so y te"))
    assert response.context["rows"][0].matched_members == ["Sở Y tế"]
    assert "Members found: Sở Y tế" in response.content.decode()
    # Found by the bloc's own name: no member to point at.
    assert client.get(url(q="van hoa")).context["rows"][0].matched_members == []


def test_search_does_not_match_across_two_names(client, season):
    # "...Nghĩa Hưng" followed by "UBND huyện Hải Hậu" must not read as "hung ubnd".
    assert rows_of(client, season.cast.board, q="hung ubnd") == {}


def test_search_does_not_find_units_of_another_province(client, season):
    # "Sở Công Thương" is a member in Cao Bằng too; only our bloc comes back.
    assert sorted(rows_of(client, season.cast.board, q="Sở Xây dựng")) == ["KTTH"]


@pytest.mark.parametrize(
    "params, found",
    [
        ({"kind": "cum"}, ["CUMNAM"]),
        ({"kind": "khoi"}, ["KHVHXH", "KTTH"]),
        ({"pledge": "open"}, ["KHVHXH"]),
        ({"pledge": "completed"}, ["CUMNAM"]),
        ({"pledge": "none"}, ["KTTH"]),
        ({"pledge": "draft"}, []),
        ({"review": "self"}, ["KHVHXH"]),
        ({"review": "closed"}, ["CUMNAM"]),
        ({"review": "none"}, ["KTTH"]),
        ({"kind": "khoi", "pledge": "none", "q": "xay dung"}, ["KTTH"]),
        ({"kind": "khoi", "review": "closed"}, []),
        # An unknown value is ignored rather than shown as an error.
        ({"kind": "tỉnh", "pledge": "signed"}, ["CUMNAM", "KHVHXH", "KTTH"]),
    ],
)
def test_filters_narrow_the_rows(client, season, params, found):
    assert sorted(rows_of(client, season.cast.board, **params)) == found


def test_filters_leave_the_charts_whole(client, season):
    client.force_login(season.cast.board)
    response = client.get(url(kind="khoi"))
    assert response.context["signing"]["total"] == 5 and response.context["total_rows"] == 3


def test_year_links_lead_to_the_years_that_have_blocs(client, season):
    cast = season.cast
    bloc_services.term_create(
        actor=cast.board,
        bloc=cast.bloc,
        year=2023,
        units=[cast.chair_unit, cast.vice_unit],
        chair=cast.chair_unit,
        vice_chair=cast.vice_unit,
    )
    client.force_login(cast.board)
    response = client.get(url(kind="khoi"))
    assert response.context["years"] == [2022, 2023]
    assert f'href="{url(2023)}?kind=khoi"' in response.content.decode()
    response = client.get(url(2023))
    assert [row.term.bloc.code for row in response.context["rows"]] == ["KHVHXH"]
    assert response.context["rows"][0].member_count == 2


def test_a_year_without_blocs_shows_an_empty_table(client, season):
    client.force_login(season.cast.board)
    response = client.get(url(2030))
    assert response.status_code == 200 and response.context["rows"] == []
    assert response.context["years"] == [2022, 2030]


# Who may see it ---------------------------------------------------------------------------------


def test_another_provinces_board_sees_none_of_our_blocs(client, season):
    cast = season.cast
    client.force_login(cast.other_board)
    response = client.get(url())
    assert response.status_code == 200
    assert [row.term.bloc.code for row in response.context["rows"]] == ["KT"]
    page = response.content.decode()
    assert "Khoa học" not in page and "Cụm thi đua các huyện" not in page
    assert response.context["signing"]["total"] == 0 and response.context["scores"]["units"] == 0
    assert response.context["awards"]["labels"] == []


def test_another_provinces_board_gets_404_for_our_province(client, season):
    cast = season.cast
    client.force_login(cast.other_board)
    assert client.get(url(province=cast.province.pk)).status_code == 404


@pytest.mark.parametrize("role", ["chair_officer", "vice_head", "member_head", "member_staff", "outsider"])
def test_non_board_user_gets_403(client, season, role):
    client.force_login(getattr(season.cast, role))
    assert client.get(url()).status_code == 403
    assert client.get(reverse("board:index")).status_code == 403


def test_anonymous_is_sent_to_login(client, season):
    response = client.get(url())
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_inactive_board_officer_is_refused(client, season):
    board = season.cast.board
    board.is_active = False
    board.save()
    client.force_login(board)
    assert client.get(url()).status_code == 302  # an inactive user is not logged in at all


def test_index_sends_the_board_to_this_year(client, season):
    from django.utils import timezone

    client.force_login(season.cast.board)
    response = client.get(reverse("board:index"))
    assert response.status_code == 302 and response["Location"] == url(timezone.localdate().year)


def test_superuser_sees_every_province_and_may_choose_one(client, season):
    cast = season.cast
    client.force_login(cast.superuser)
    response = client.get(url())
    assert sorted(row.term.bloc.code for row in response.context["rows"]) == ["CUMNAM", "KHVHXH", "KT", "KTTH"]
    assert [p.code for p in response.context["provinces"]] == ["CBG", "NDH"]
    response = client.get(url(province=cast.other_province.pk))
    assert [row.term.bloc.code for row in response.context["rows"]] == ["KT"]
    assert response.context["signing"]["total"] == 0


def test_board_of_the_merged_province_sees_the_old_provinces_blocs(client, cast):
    ninh_binh = bloc_services.province_create(actor=None, code="NBH", name="Ninh Bình")
    bloc_services.province_merge(actor=None, sources=[cast.province], target=ninh_binh, on=datetime.date(2025, 7, 1))
    cluster_of_districts(cast.board, ninh_binh)
    new_board = make_user("nb_board", province=ninh_binh)
    rows = rows_of(client, new_board)
    assert sorted(rows) == ["CUMNAM", "KHVHXH"]
    assert [p.code for p in client.get(url()).context["provinces"]] == ["NDH", "NBH"]
    # The old province's own board (merged away) still sees only its own records.
    assert sorted(rows_of(client, cast.board)) == ["KHVHXH"]


# The Content Security Policy --------------------------------------------------------------------


def test_page_has_no_inline_script_or_style(client, season):
    client.force_login(season.cast.board)
    response = client.get(url(q="so y te"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page = response.content.decode()
    assert "<script>" not in page and " style=" not in page and "<style" not in page
    assert " on" + "click=" not in page and " on" + "change=" not in page
    # Every script is either a file or the JSON data block (which the browser never runs).
    for tag in re.findall(r"<script[^>]*>", page):
        assert ' src="' in tag or tag == '<script id="board-data" type="application/json">', tag
