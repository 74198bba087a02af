"""Starting from last year's pledge, and the difference view."""

import datetime

from django.urls import reverse

from blocs import services as registry
from pledges import services
from pledges.diff import items_diff, words_diff


def test_words_diff_marks_and_escapes():
    old, new = words_diff("Hoàn thành chỉ tiêu <b>năm</b>", "Hoàn thành vượt chỉ tiêu <b>năm</b>")
    assert "<ins>vượt</ins>" in new and "&lt;b&gt;" in new and "<b>" not in old


def test_items_diff_finds_reordered_reworded_added_removed():
    old = ["Một hai ba bốn", "Năm sáu bảy tám", "Chín mười mười một", "Bỏ đi hoàn toàn khác"]
    new = ["Năm sáu bảy tám", "Một hai ba bốn năm", "Chín mười mười một", "Hoàn toàn mới ở đây"]
    rows = {(r.state, r.old_number, r.new_number) for r in items_diff(old, new)}
    assert rows == {("moved", 2, 1), ("changed", 1, 2), ("same", 3, 3), ("added", None, 4), ("removed", 4, None)}


def test_copy_from_last_year_and_show_the_differences(client, cast, pledge):
    term_2023 = registry.term_rollover(
        actor=cast.board,
        term=cast.term,
        units=[cast.chair_unit, cast.vice_unit, cast.member_unit],
        chair=cast.vice_unit,
        vice_chair=cast.member_unit,
        reference="",
    )
    client.force_login(cast.board)
    response = client.post(reverse("pledges:copy", kwargs={"pk": cast.bloc.pk, "year": 2023}))
    copy = term_2023.pledges.get()
    assert response["Location"] == reverse("pledges:edit", kwargs={"pk": copy.pk})
    assert (copy.copied_from, copy.title, copy.signing_date) == (
        pledge,
        "Giao ước thi đua năm 2023",
        datetime.date(2023, 3, 30),
    )
    assert list(copy.items.values_list("text", flat=True)) == list(pledge.items.values_list("text", flat=True))
    first, second = copy.items.order_by("position")
    services.item_update(actor=cast.board, item=first, text=first.text.replace("Hoàn thành", "Hoàn thành vượt mức"))
    services.item_move(actor=cast.board, item=second, offset=-1)
    services.item_add(actor=cast.board, pledge=copy, text="Đẩy mạnh chuyển đổi số.")
    page = client.get(reverse("pledges:diff", kwargs={"pk": copy.pk}))
    states = [row.state for row in page.context["items"]]
    assert states == ["moved", "changed", "added"]
    assert "<ins>vượt mức</ins>" in page.content.decode()


def test_a_new_bloc_starts_from_the_bloc_it_was_formed_from(cast, pledge):
    new_bloc = registry.bloc_create(
        actor=cast.board, province=cast.province, kind="khoi", code="MOI", name="Khối mới", formed_from=[cast.bloc]
    )
    term = registry.term_create(actor=cast.board, bloc=new_bloc, year=2023, units=[cast.outsider_unit])
    assert services.pledge_copy_source(term) == pledge


def test_copy_without_an_earlier_pledge_says_so(client, cast):
    client.force_login(cast.board)
    response = client.post(reverse("pledges:copy", kwargs={"pk": cast.bloc.pk, "year": 2022}), follow=True)
    assert response.status_code == 200 and not cast.term.pledges.exists()
