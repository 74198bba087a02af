"""Every size a user controls on a pledge is bounded (issue 15, finding 4), and titles and names are one line
(finding 5): refused over HTTP with the form shown again and nothing lost, and refused by the services too."""

import datetime

import pytest
from django.urls import reverse

from pledges import limits, services
from pledges.models import Comment, Pledge, PledgeItem
from pledges.services import PledgeError


def edit_data(pledge, **overrides):
    data = {
        "title": pledge.title,
        "place": pledge.place,
        "signing_date": "30/03/2022",
        "legal_grounds": pledge.legal_grounds,
        "introduction": pledge.introduction,
        "slogan": pledge.slogan,
        "implementation": pledge.implementation,
    }
    return data | overrides


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("introduction", "Mở đầu. " * 1001),  # 8,008 characters: the attack sent a megabyte
        ("implementation", "x" * (limits.TEXT_LIMITS["implementation"] + 1)),
        ("legal_grounds", "Căn cứ;\n" * 400),
        ("title", "x" * 256),
        ("place", "x" * 101),
        ("slogan", "x" * 256),
        ("title", "Giao ước thi đua\nBcc: ai@example.invalid"),
        ("place", "Nam Định\r\nX"),
        ("slogan", "Đoàn kết\u2028sáng tạo"),
    ],
)
def test_an_oversized_or_multi_line_field_is_refused_and_the_form_shown_again(client, cast, draft, field, value):
    client.force_login(cast.chair_officer)
    before = Pledge.objects.values().get(pk=draft.pk)
    response = client.post(reverse("pledges:edit", kwargs={"pk": draft.pk}), edit_data(draft, **{field: value}))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert response.context["form"].data[field] == value  # what was typed is shown again
    assert Pledge.objects.values().get(pk=draft.pk) == before


def test_the_largest_allowed_draft_is_accepted(client, cast, draft):
    client.force_login(cast.chair_officer)
    largest = {name: "x" * size for name, size in limits.TEXT_LIMITS.items()}
    response = client.post(reverse("pledges:edit", kwargs={"pk": draft.pk}), edit_data(draft, **largest))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert len(draft.introduction) == limits.TEXT_LIMITS["introduction"]


def test_a_new_pledge_with_a_title_on_two_lines_is_refused(client, cast):
    client.force_login(cast.chair_officer)
    response = client.post(
        reverse("pledges:create", kwargs={"pk": cast.bloc.pk, "year": 2022}),
        {"place": "Nam Định", "signing_date": "30/03/2022", "title": "Giao ước\nthi đua"},
    )
    assert response.status_code == 200 and "title" in response.context["form"].errors
    assert not Pledge.objects.exists()


def test_an_oversized_commitment_is_shown_again_with_its_text(client, cast, draft):
    client.force_login(cast.chair_officer)
    text = "Cam kết. " * 223  # 2,007 characters
    response = client.post(reverse("pledges:item_add", kwargs={"pk": draft.pk}), {"text": text})
    assert response.status_code == 200 and "text" in response.context["item_form"].errors
    assert text.strip() in response.content.decode()
    assert draft.items.count() == 2
    item = draft.items.first()
    response = client.post(reverse("pledges:item_edit", kwargs={"pk": draft.pk, "item_pk": item.pk}), {"text": text})
    assert response.status_code == 200 and "text" in response.context["form"].errors
    assert PledgeItem.objects.get(pk=item.pk).text == item.text


def test_the_commitment_after_the_last_allowed_is_refused(client, cast, draft, settings):
    for number in range(draft.items.count(), limits.MAX_ITEMS):
        services.item_add(actor=cast.chair_officer, pledge=draft, text=f"Cam kết {number}")
    client.force_login(cast.chair_officer)
    page = client.get(reverse("pledges:edit", kwargs={"pk": draft.pk}))
    assert page.context["items_full"] and 'id="add-item"' not in page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("pledges:item_add", kwargs={"pk": draft.pk}), {"text": "Một cam kết nữa"})
    assert response.status_code == 200
    assert f"at most {limits.MAX_ITEMS} commitments" in " ".join(response.context["item_form"].non_field_errors())
    assert "Một cam kết nữa" in response.content.decode()
    assert draft.items.count() == limits.MAX_ITEMS


def test_the_services_refuse_what_the_forms_refuse(cast, draft):
    with pytest.raises(PledgeError) as error:
        services.pledge_update(actor=cast.board, pledge=draft, signing_date=draft.signing_date, introduction="x" * 8001)
    assert error.value.field == "introduction"
    with pytest.raises(PledgeError) as error:
        services.pledge_update(actor=cast.board, pledge=draft, signing_date=draft.signing_date, title="a\nb")
    assert error.value.field == "title"
    with pytest.raises(PledgeError):
        services.item_add(actor=cast.board, pledge=draft, text="x" * (limits.MAX_ITEM_CHARS + 1))
    with pytest.raises(PledgeError):
        services.item_update(actor=cast.board, item=draft.items.first(), text="x" * (limits.MAX_ITEM_CHARS + 1))
    draft.refresh_from_db()
    assert draft.introduction == "Các đơn vị thống nhất giao ước:" and draft.items.count() == 2


def test_creating_or_copying_more_than_the_limit_is_refused(cast):
    with pytest.raises(PledgeError):
        services.pledge_create(
            actor=cast.board,
            term=cast.term,
            place="Nam Định",
            signing_date=datetime.date(2022, 3, 30),
            items=["Cam kết"] * (limits.MAX_ITEMS + 1),
        )
    assert not Pledge.objects.exists()


def test_comments_and_answers_are_bounded(client, cast, draft):
    services.comments_open(actor=cast.chair_officer, pledge=draft, until=datetime.date(2099, 1, 1))
    client.force_login(cast.member_staff)
    url = reverse("pledges:comments", kwargs={"pk": draft.pk})
    response = client.post(url, {"text": "x" * (limits.MAX_COMMENT_CHARS + 1)})
    assert response.status_code == 200 and "text" in response.context["form"].errors
    comment = services.comment_add(actor=cast.member_staff, pledge=draft, text="Góp ý")
    with pytest.raises(PledgeError):
        services.comment_answer(
            actor=cast.chair_officer, comment=comment, decision="answered", answer="x" * (limits.MAX_COMMENT_CHARS + 1)
        )
    assert Comment.objects.get(pk=comment.pk).answer == ""


def test_one_units_comments_are_bounded(cast, draft, monkeypatch):
    monkeypatch.setattr(limits, "MAX_COMMENTS_PER_UNIT", 2)
    services.comments_open(actor=cast.chair_officer, pledge=draft, until=datetime.date(2099, 1, 1))
    services.comment_add(actor=cast.member_staff, pledge=draft, text="Một")
    services.comment_add(actor=cast.member_head, pledge=draft, text="Hai")
    with pytest.raises(PledgeError):
        services.comment_add(actor=cast.member_staff, pledge=draft, text="Ba")
    services.comment_add(actor=cast.vice_head, pledge=draft, text="Của đơn vị khác")
    assert Comment.objects.filter(pledge=draft).count() == 3
