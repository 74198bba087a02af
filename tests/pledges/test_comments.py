"""The comment round on a draft (lấy ý kiến)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from core import clock
from pledges import services
from pledges.models import Comment
from pledges.services import PledgeError


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def round_open(cast, draft):
    with clock.fixed_at(datetime.datetime(2022, 2, 1, 9, tzinfo=datetime.UTC)):
        services.comments_open(actor=cast.chair_officer, pledge=draft, until=datetime.date(2022, 2, 15))
    return draft


def at(day):
    return clock.fixed_at(datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC))


def test_members_comment_and_the_chair_answers(cast, round_open):
    item = round_open.items.first()
    with at(datetime.date(2022, 2, 10)):
        on_item = services.comment_add(actor=cast.member_staff, pledge=round_open, text="Nên thêm chỉ tiêu.", item=item)
        whole = services.comment_add(actor=cast.vice_head, pledge=round_open, text="Đồng ý toàn văn.")
    assert (on_item.item_number, on_item.unit_name, whole.item) == (1, "Sở Y tế", None)
    services.comment_answer(actor=cast.chair_officer, comment=on_item, decision="accepted", answer="Đã bổ sung.")
    on_item.refresh_from_db()
    assert (on_item.decision, on_item.answer, on_item.answered_by) == ("accepted", "Đã bổ sung.", cast.chair_officer)


def test_comments_after_the_closing_date_or_opening_are_refused(cast, round_open):
    with at(datetime.date(2022, 2, 16)), pytest.raises(PledgeError, match="not open for comments"):
        services.comment_add(actor=cast.member_staff, pledge=round_open, text="Muộn")
    with at(datetime.date(2022, 2, 10)):
        services.pledge_open(actor=cast.chair_officer, pledge=round_open, deadline=datetime.date(2099, 1, 1))
        with pytest.raises(PledgeError, match="not open for comments"):
            services.comment_add(actor=cast.member_staff, pledge=round_open, text="Sau khi mở ký")
    assert not Comment.objects.exists()


def test_a_huge_comment_is_refused(cast, round_open):
    with at(datetime.date(2022, 2, 10)), pytest.raises(PledgeError, match="at most"):
        services.comment_add(actor=cast.member_staff, pledge=round_open, text="x" * 5000)


def test_comment_page_shows_markup_as_text_and_refuses_outsiders(client, cast, round_open):
    with at(datetime.date(2022, 2, 10)):
        services.comment_add(actor=cast.member_staff, pledge=round_open, text="<script>alert(1)</script>")
    client.force_login(cast.member_head)
    page = client.get(reverse("pledges:comments", kwargs={"pk": round_open.pk})).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    client.force_login(cast.outsider)
    assert client.post(reverse("pledges:comments", kwargs={"pk": round_open.pk}), {"text": "x"}).status_code == 404
    client.force_login(cast.other_board)
    assert client.post(reverse("pledges:comments", kwargs={"pk": round_open.pk}), {"text": "x"}).status_code == 404
    client.force_login(cast.board)  # the board reads but is not a member unit
    assert client.post(reverse("pledges:comments", kwargs={"pk": round_open.pk}), {"text": "x"}).status_code == 403


def test_member_comments_through_the_page(client, cast, draft):
    services.comments_open(actor=cast.chair_officer, pledge=draft, until=datetime.date(2099, 1, 1))
    client.force_login(cast.member_staff)
    response = client.post(reverse("pledges:comments", kwargs={"pk": draft.pk}), {"text": "Góp ý toàn văn", "item": ""})
    assert response.status_code == 302
    assert Comment.objects.get().text == "Góp ý toàn văn"
