"""Drafting: starting from last year's pledge, the edit page's warnings, opening, answering a comment."""

import datetime

import pytest
from django.urls import reverse

from blocs import services as registry
from core import clock
from pledges import services
from pledges.services.drafting import move_year, place_today


def rollover(cast, term=None):
    return registry.term_rollover(
        actor=cast.board,
        term=term or cast.term,
        units=[cast.chair_unit, cast.vice_unit, cast.member_unit],
        chair=cast.chair_unit,
        vice_chair=cast.vice_unit,
        reference="",
    )


@pytest.fixture
def source(cast):
    """Last year's pledge, opened, with its own title, a slogan naming the year and a deadline."""
    pledge = services.pledge_create(
        actor=cast.chair_officer,
        term=cast.term,
        title="Giao ước thi đua năm 2022 của Khối",
        place="Nam Hà",
        signing_date=datetime.date(2022, 3, 30),
        slogan="Thi đua lập thành tích chào mừng năm 2022; về đích 2022 (giai đoạn 2021-2025)",
        legal_grounds="Căn cứ Nghị định số 98/2023/NĐ-CP của Chính phủ;",
        items=["Hoàn thành các chỉ tiêu."],
    )
    return services.pledge_open(actor=cast.chair_officer, pledge=pledge, deadline=datetime.date(2099, 4, 15))


@pytest.mark.parametrize(
    ("text", "moved"),
    [
        ("Giao ước thi đua năm 2025", "Giao ước thi đua năm 2026"),
        ("Về đích 2025!", "Về đích 2026!"),
        ("Giai đoạn 2021-2025 và 2021 – 2025", "Giai đoạn 2021-2025 và 2021 – 2025"),
        ("Nghị quyết 12/2025/NQ-HĐND, năm 2025", "Nghị quyết 12/2025/NQ-HĐND, năm 2026"),
        ("20250 đồng", "20250 đồng"),
    ],
)
def test_the_year_moves_in_a_text_but_not_in_periods_or_references(text, moved):
    assert move_year(text, 2025, 2026) == moved


def test_copy_moves_years_dates_and_takes_todays_place(client, cast, source):
    term = rollover(cast)
    client.force_login(cast.chair_officer)
    response = client.post(reverse("pledges:copy", kwargs={"pk": cast.bloc.pk, "year": 2023}))
    copy = term.pledges.get()
    assert response["Location"] == reverse("pledges:edit", kwargs={"pk": copy.pk})
    assert copy.title == "Giao ước thi đua năm 2023 của Khối"
    assert copy.slogan == "Thi đua lập thành tích chào mừng năm 2023; về đích 2023 (giai đoạn 2021-2025)"
    assert copy.place == "Nam Định"  # the province as named today, not last year's text
    assert (copy.signing_date, copy.signing_deadline) == (datetime.date(2023, 3, 30), datetime.date(2100, 4, 15))
    assert copy.legal_grounds == source.legal_grounds  # kept as they were; the edit page warns


def test_the_copy_lands_on_the_edit_page_with_warnings_and_a_next_button(client, cast, source):
    term = rollover(cast)
    for _year in range(2024, 2027):
        term = rollover(cast, term)
    client.force_login(cast.chair_officer)
    with clock.fixed_at(datetime.datetime(2026, 5, 2, 9, tzinfo=datetime.UTC)):
        page = client.post(reverse("pledges:copy", kwargs={"pk": cast.bloc.pk, "year": 2026}), follow=True)
    copy = term.pledges.get()
    assert copy.signing_date == datetime.date(2026, 3, 30)
    html = page.content.decode()
    assert page.context["date_in_past"] is True and 'id="date-in-past"' in html
    assert [w.ground.short_name for w in page.context["ground_warnings"]] == ["Nghị định 98/2023/NĐ-CP"]
    assert f'id="next" href="{copy.get_absolute_url()}"' in html
    assert reverse("pledges:diff", kwargs={"pk": copy.pk}) in html


def test_a_signing_date_ahead_is_not_warned_about(client, cast, draft):
    client.force_login(cast.chair_officer)
    with clock.fixed_at(datetime.datetime(2022, 1, 10, 9, tzinfo=datetime.UTC)):
        page = client.get(reverse("pledges:edit", kwargs={"pk": draft.pk}))
    assert page.context["date_in_past"] is False and 'id="date-in-past"' not in page.content.decode()


def test_place_today_drops_the_province_prefix(cast):
    province = registry.province_create(actor=None, code="NBH", name="Tỉnh Ninh Bình")
    board = cast.board.__class__.objects.create(username="nb_board", province=province)
    unit = registry.unit_create(actor=board, province=province, code="NV", name="Sở Nội vụ", head_title="Giám đốc")
    other = registry.unit_create(actor=board, province=province, code="TC2", name="Sở Tài chính", head_title="GĐ")
    bloc = registry.bloc_create(actor=board, province=province, kind="khoi", code="NB", name="Khối Nội chính")
    term = registry.term_create(actor=board, bloc=bloc, year=2026, units=[unit, other], chair=unit, vice_chair=other)
    assert place_today(term) == "Ninh Bình"


def test_opening_warns_that_it_closes_the_comment_round(client, cast, draft):
    client.force_login(cast.chair_officer)
    assert (
        'id="comments-close-warning"'
        not in client.get(reverse("pledges:open", kwargs={"pk": draft.pk})).content.decode()
    )
    services.comments_open(actor=cast.chair_officer, pledge=draft, until=datetime.date(2099, 1, 1))
    services.comment_add(actor=cast.member_staff, pledge=draft, text="Nên thêm chỉ tiêu.")
    page = client.get(reverse("pledges:open", kwargs={"pk": draft.pk}))
    assert page.context["comments_open"] and page.context["pending_comments"] == 1
    assert 'id="comments-close-warning"' in page.content.decode()


def test_the_answer_form_shows_the_comment_being_answered(client, cast, draft):
    services.comments_open(actor=cast.chair_officer, pledge=draft, until=datetime.date(2099, 1, 1))
    comment = services.comment_add(actor=cast.member_staff, pledge=draft, text="Nên thêm chỉ tiêu chuyển đổi số.")
    services.comment_add(actor=cast.vice_head, pledge=draft, text="Một ý kiến khác.")
    client.force_login(cast.chair_officer)
    url = reverse("pledges:comment_answer", kwargs={"pk": draft.pk, "comment_pk": comment.pk})
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="answer-form"' in html and 'id="answering"' in html
    assert "Nên thêm chỉ tiêu chuyển đổi số." in html and "Một ý kiến khác." not in html
    response = client.post(url, {"decision": "accepted", "answer": "Tiếp thu."})
    assert response["Location"] == reverse("pledges:comments", kwargs={"pk": draft.pk})
    comment.refresh_from_db()
    assert (comment.decision, comment.answer) == ("accepted", "Tiếp thu.")


def test_the_open_page_proposes_the_copied_deadline(client, cast, source):
    term = rollover(cast)
    copy = services.pledge_create_from(actor=cast.chair_officer, term=term, source=source)
    client.force_login(cast.chair_officer)
    page = client.get(reverse("pledges:open", kwargs={"pk": copy.pk}))
    assert page.context["form"].initial["deadline"] == datetime.date(2100, 4, 15)


def test_the_open_page_repeats_the_warning_about_old_grounds(client, cast):
    term = rollover(cast)
    for _year in range(2024, 2027):
        term = rollover(cast, term)
    draft = services.pledge_create(
        actor=cast.chair_officer,
        term=term,
        place="Nam Định",
        signing_date=datetime.date(2026, 3, 30),
        legal_grounds="Căn cứ Thông tư số 01/2024/TT-BNV của Bộ trưởng Bộ Nội vụ;",
        items=["Một"],
    )
    client.force_login(cast.chair_officer)
    page = client.get(reverse("pledges:open", kwargs={"pk": draft.pk}))
    assert [w.ground.number for w in page.context["ground_warnings"]] == ["01/2024/TT-BNV"]
    assert 'id="ground-warnings"' in page.content.decode()


def test_the_detail_page_offers_the_edits_collapsed(client, cast, draft):
    for number in range(3):
        services.item_update(actor=cast.chair_officer, item=draft.items.first(), text=f"Sửa {number}")
    client.force_login(cast.chair_officer)
    runs = client.get(reverse("pledges:detail", kwargs={"pk": draft.pk})).context["event_runs"]
    assert [(run.first.kind, run.count) for run in runs] == [("edited", 3), ("created", 1)]
