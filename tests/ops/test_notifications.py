"""Notifications (``core.notify``): each notice goes out once, through the task queue, addresses the
person as "đồng chí", links to the page to act on, and the optional kinds can be switched off."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core import clock
from core.models import Notice
from core.notify import opt_outs_set
from pledges import notices
from pledges import services as pledge_services
from reviews import services as review_services
from tests.conftest import make_user
from tests.pledges.conftest import sign
from tests.reviews.conftest import EXAMPLE, LATER


def addressed(kind_subject: str) -> list[str]:
    """Return the addresses of the e-mails read back whose subject starts with *kind_subject*."""
    return sorted(
        address for message in mail.outbox if message.subject.startswith(kind_subject) for address in message.to
    )


@pytest.fixture
def clerk(cast):
    return make_user("member_clerk", unit=cast.member_unit, is_clerk=True)


def test_opening_for_signing_tells_every_head_once_with_the_signing_link(
    cast, heads, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pledge = pledge_services.pledge_open(
            actor=cast.chair_officer, pledge=draft, deadline=datetime.date(2099, 1, 30)
        )
    with django_capture_on_commit_callbacks(execute=True):  # opening again changes nothing, sends nothing
        pledge_services.pledge_open(actor=cast.chair_officer, pledge=pledge, deadline=datetime.date(2099, 1, 30))
    assert addressed("Ký giao ước") == sorted(head.email for head in heads.values())
    message = next(m for m in mail.outbox if m.to == [cast.member_head.email])
    assert message.body.startswith(f"Kính gửi đồng chí {cast.member_head.full_name},")
    assert "http://testserver" not in message.body
    assert reverse("pledges:sign", args=[pledge.pk]) in message.body
    assert "ngày 30 tháng 1 năm 2099" in message.body  # the deadline, as pages write it
    assert "tắt loại thông báo" not in message.body  # it asks them to act: it cannot be switched off
    assert reverse("pledges:sign", args=[pledge.pk]) in message.alternatives[0][0]
    assert cast.member_staff.email not in addressed("")  # staff do not sign


def test_completion_tells_every_member_units_people_with_the_pdf_link_unless_switched_off(
    cast, heads, pledge, django_capture_on_commit_callbacks
):
    opt_outs_set(user=cast.member_staff, off={notices.COMPLETED})
    with django_capture_on_commit_callbacks(execute=True):
        for key, head in heads.items():
            sign(pledge, head, token=key)
    completed = addressed("Đã ký đủ")
    assert cast.chair_officer.email in completed and cast.member_head.email in completed
    assert cast.member_staff.email not in completed
    assert cast.outsider.email not in completed
    message = next(m for m in mail.outbox if m.subject.startswith("Đã ký đủ"))
    assert reverse("pledges:pdf", args=[pledge.pk]) in message.body
    assert "tắt loại thông báo" in message.body
    assert Notice.objects.filter(kind=notices.COMPLETED).count() == len(completed)


def test_the_chair_gets_one_daily_digest_of_yesterdays_signatures(
    cast, heads, pledge, django_capture_on_commit_callbacks
):
    yesterday = datetime.date(2022, 3, 29)
    noon = timezone.make_aware(datetime.datetime(2022, 3, 29, 12))
    with clock.fixed_at(noon):
        sign(pledge, heads["member"], token="m")
        sign(pledge, heads["vice"], token="v")
    with django_capture_on_commit_callbacks(execute=True):
        # The chair unit's two people, one e-mail each for both signatures.
        assert notices.digests_send(day=yesterday) == 2
        assert notices.digests_send(day=yesterday) == 0  # the cron ran twice: nothing more
    assert addressed("Chữ ký ngày 29/03/2022") == sorted([cast.chair_officer.email, heads["chair"].email])
    message = next(m for m in mail.outbox if m.subject.startswith("Chữ ký ngày"))
    assert "Sở Y tế" in message.body and "Sở Lao động - Thương binh và Xã hội" in message.body
    assert "Còn chưa ký (2)" in message.body


def test_in_image_mode_no_clerk_is_told(cast, heads, draft, clerk):
    """Seals are asked for in ký số mode only (tests/ops/test_todo_kyso.py); here the clerk has nothing to do."""
    pledge_services.pledge_open(actor=cast.chair_officer, pledge=draft, deadline=datetime.date(2099, 1, 1))
    assert not Notice.objects.filter(user=clerk).exists()


def test_self_assessment_opening_tells_the_members_people(cast, heads, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review_services.table_set(actor=cast.chair_officer, term=cast.term, data=EXAMPLE)
        review = review_services.review_open(actor=cast.chair_officer, term=cast.term, deadline=LATER)
    opened = addressed("Tự chấm điểm")
    assert cast.member_staff.email in opened and cast.member_head.email in opened
    assert cast.outsider.email not in opened
    assert reverse("reviews:home", args=[cast.bloc.pk, 2022]) in mail.outbox[0].body
    assert Notice.objects.filter(kind="review_opened", key=f"review:{review.pk}").count() == len(opened)


def test_notification_settings_switch_optional_kinds_off_and_keep_required_ones(client, cast):
    client.force_login(cast.member_head)
    url = reverse("ops:notification_settings")
    page = client.get(url).content.decode()
    assert 'value="pledge_opened"' in page and "disabled" in page
    # Everything unticked, even the required kinds (a forged form): only the optional ones go off.
    response = client.post(url, {"on": []})
    assert response.status_code == 302
    off = set(cast.member_head.notice_opt_outs.values_list("kind", flat=True))
    assert notices.COMPLETED in off and notices.SIGNING_OPENED not in off
    client.post(url, {"on": [notices.COMPLETED]})
    assert notices.COMPLETED not in set(cast.member_head.notice_opt_outs.values_list("kind", flat=True))


def test_notification_settings_need_a_login(client):
    response = client.get(reverse("ops:notification_settings"))
    assert response.status_code == 302 and "login" in response.url


def test_a_head_asks_the_chairs_officers_a_question_before_signing(
    client, cast, heads, pledge, django_capture_on_commit_callbacks
):
    client.force_login(cast.member_head)
    url = reverse("pledges:question", args=[pledge.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"text": "Mục 3 có áp dụng cho đơn vị sự nghiệp không?"})
        client.post(url, {"text": "Mục 3 có áp dụng cho đơn vị sự nghiệp không?"})  # sent twice: once
    assert response.status_code == 302 and response.url == reverse("pledges:sign", args=[pledge.pk])
    assert addressed("Câu hỏi trước khi ký") == sorted([cast.chair_officer.email, heads["chair"].email])
    message = next(m for m in mail.outbox if m.subject.startswith("Câu hỏi trước khi ký"))
    assert "Mục 3 có áp dụng" in message.body and cast.member_head.email in message.body


def test_an_empty_question_is_refused_with_a_message(client, cast, pledge):
    client.force_login(cast.member_head)
    response = client.post(reverse("pledges:question", args=[pledge.pk]), {"text": "  "}, follow=True)
    assert response.status_code == 200
    assert not Notice.objects.filter(kind=notices.QUESTION).exists()
    assert list(response.context["messages"])


def test_staff_and_outsiders_cannot_send_questions(client, cast, pledge):
    client.force_login(cast.member_staff)
    assert client.post(reverse("pledges:question", args=[pledge.pk]), {"text": "?"}).status_code == 403
    client.force_login(cast.outsider)
    assert client.post(reverse("pledges:question", args=[pledge.pk]), {"text": "?"}).status_code == 404
    client.force_login(cast.member_head)
    assert client.get(reverse("pledges:question", args=[pledge.pk])).status_code == 405


def test_members_are_told_of_the_comment_round_and_an_author_of_the_answer(
    cast, heads, draft, django_capture_on_commit_callbacks
):
    from pledges.models import Comment

    with django_capture_on_commit_callbacks(execute=True):
        pledge_services.comments_open(actor=cast.chair_officer, pledge=draft, until=datetime.date(2099, 1, 10))
    opened = addressed("Lấy ý kiến dự thảo")
    assert cast.member_staff.email in opened and cast.member_head.email in opened
    assert cast.outsider.email not in opened
    comment = pledge_services.comment_add(actor=cast.member_staff, pledge=draft, text="Đề nghị thêm mục 9.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pledge_services.comment_answer(
            actor=cast.chair_officer, comment=comment, decision=Comment.Decision.ACCEPTED, answer="Đã bổ sung."
        )
    [message] = mail.outbox
    assert message.to == [cast.member_staff.email]
    assert "Đề nghị thêm mục 9." in message.body and "Đã bổ sung." in message.body
    assert reverse("pledges:comments", args=[draft.pk]) in message.body


def test_a_returned_dossier_tells_the_chairs_people_in_the_boards_own_name(
    cast, season, django_capture_on_commit_callbacks
):
    from blocs import services as bloc_services

    bloc_services.province_board_name_set(
        actor=cast.board, province=cast.province, board_name="Sở Nội vụ tỉnh Nam Định (Phòng Thi đua - Khen thưởng)"
    )
    dossier = season.dossier
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_services.dossier_return(actor=cast.board, dossier=dossier, comment="Bổ sung biên bản bỏ phiếu.")
    returned = [m for m in mail.outbox if m.subject.startswith("Hồ sơ bị trả lại")]
    chair_people = {user.email for user in dossier.term.chair.users.filter(is_active=True)}
    assert {address for m in returned for address in m.to} == chair_people
    assert "Sở Nội vụ tỉnh Nam Định (Phòng Thi đua - Khen thưởng) đã trả lại hồ sơ" in returned[0].body
    assert "Bổ sung biên bản bỏ phiếu." in returned[0].body
