"""Each role's to-do list on the home page: complete, and never "nothing to do" beside work waiting."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core import clock
from pledges import services as pledge_services
from reviews import services as review_services
from tests.reviews.conftest import EXAMPLE, LATER

MARCH = timezone.make_aware(datetime.datetime(2022, 3, 31, 9))


def sections(client, user) -> dict[str, list[str]]:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    found = {section.key: [item.text for item in section.items] for section in response.context["sections"]}
    # Never contradicts itself: the "nothing to do" line only when no section has work.
    assert ('id="todo-empty"' in page) == (not found)
    return found


def test_a_head_sees_the_pledge_to_sign_and_not_nothing_to_do(client, cast, heads, pledge):
    found = sections(client, cast.member_head)
    assert any(pledge.title in text for text in found["sign"])


def test_staff_fill_in_heads_submit_the_self_assessment_and_heads_vote(client, cast, heads):
    review_services.table_set(actor=cast.chair_officer, term=cast.term, data=EXAMPLE)
    review_services.review_open(actor=cast.chair_officer, term=cast.term, deadline=LATER)
    staff = sections(client, cast.member_staff)["member"]
    head = sections(client, cast.member_head)["member"]
    assert any(text.startswith("Nhập bảng tự chấm điểm") for text in staff)
    assert any(text.startswith("Nộp bảng tự chấm điểm") for text in head)


def test_the_chairs_officer_sees_who_has_not_signed_and_comments_to_answer(client, cast, heads, draft):
    with clock.fixed_at(MARCH):
        pledge_services.comments_open(actor=cast.chair_officer, pledge=draft, until=datetime.date(2022, 4, 10))
        pledge_services.comment_add(actor=cast.member_head, pledge=draft, text="Đề nghị bổ sung mục 9.")
        found = sections(client, cast.chair_officer)
        assert any("1 ý kiến chờ trả lời" in text for text in found["chair"]), found
        # Members are asked to comment.
        assert any("Góp ý dự thảo" in text for text in sections(client, cast.member_staff)["member"])
        pledge = pledge_services.pledge_open(
            actor=cast.chair_officer, pledge=draft, deadline=datetime.date(2022, 4, 15)
        )
        found = sections(client, cast.chair_officer)
    waiting = next(text for text in found["chair"] if pledge.title in text and "chưa ký" in text)
    assert "4/4" in waiting and "Sở Y tế" in waiting


def test_the_board_sees_the_dossier_to_review_and_the_overdue_pledge(client, cast, season):
    with clock.fixed_at(timezone.make_aware(datetime.datetime(2023, 1, 20, 9))):
        found = sections(client, cast.board)
    board = found["board"]
    assert any("Xem xét hồ sơ" in text and season.cluster.name in text for text in board), board
    assert any(text.startswith("Quá hạn") for text in board), board
    other = sections(client, cast.other_board).get("board", [])
    assert not any(season.cluster.name in text or "Xem xét hồ sơ" in text for text in other)


def test_someone_with_nothing_waiting_is_told_so(client, cast):
    assert sections(client, cast.outsider) == {}


# The queries of the home page, per role, with the cast's 2022 pledge open (so the 2022 term counts):
# member_head: session, user, the unit's terms, the unit's pledges (to sign, open for comments,
#   signed and ready, in one), self-assessments to submit, open ballots not voted = 6;
# chair_officer (no signing right): session, user, terms, the unit's pledges, self-assessments, then
#   for the chair: the chair terms' memberships, open pledges, their signers, their signatures,
#   comments waiting, reviews, open ballots, dossiers, the blocs' terms = 14 (comments waiting add
#   their pledges; a term whose review is open adds the dossier's checklist);
# board: session, user, the board's provinces, dossiers submitted, overdue pledges, visible blocs,
#   their terms of this year and next = 7.
HOME_QUERIES = {"member_head": 6, "chair_officer": 14, "board": 7}


@pytest.mark.parametrize("role", sorted(HOME_QUERIES))
def test_the_home_page_reads_a_fixed_number_of_queries(client, cast, heads, pledge, role, django_assert_num_queries):
    client.force_login(getattr(cast, role))
    with django_assert_num_queries(HOME_QUERIES[role]):
        client.get(reverse("home"))
