"""The registry's pages: happy paths, refusals, re-displayed forms."""

import datetime
import unicodedata

import pytest
from django.urls import reverse

from blocs import services
from blocs.models import Bloc, Event, Membership, RoleAssignment, Term, Unit


def term_url(cast, name, **extra):
    return reverse(f"blocs:{name}", kwargs={"pk": cast.bloc.pk, "year": 2022, **extra})


# Term pages ------------------------------------------------------------------


def test_year_page_shows_members_roles_and_history(client, cast):
    client.force_login(cast.member_staff)
    response = client.get(term_url(cast, "term_detail"))
    page = response.content.decode()
    for name in (
        "Sở Khoa học và Công nghệ",
        "Sở Lao động - Thương binh và Xã hội",
        "Sở Y tế",
        "Sở Giáo dục và Đào tạo",
    ):
        assert name in page
    assert "Biên bản tổng kết 2021" in page
    assert "Khối trưởng" in page  # Vietnamese first
    assert reverse("blocs:term_roles", kwargs={"pk": cast.bloc.pk, "year": 2022}) not in page  # no edit links for staff


def test_year_page_of_unknown_year_is_404_with_a_message(client, cast):
    client.force_login(cast.member_staff)
    response = client.get(reverse("blocs:term_detail", kwargs={"pk": cast.bloc.pk, "year": 2031}))
    assert response.status_code == 404
    assert "2031" in response.content.decode()


def test_chair_officer_adds_member(client, cast):
    client.force_login(cast.chair_officer)
    response = client.post(term_url(cast, "membership_add"), {"unit": cast.outsider_unit.pk, "joined_on": "05/03/2022"})
    assert response.status_code == 302
    membership = Membership.objects.get(term=cast.term, unit=cast.outsider_unit)
    assert membership.joined_on.isoformat() == "2022-03-05"
    assert Event.objects.filter(kind=Event.Kind.MEMBER_ADDED, actor=cast.chair_officer).exists()


@pytest.mark.parametrize(
    "joined_on, message",
    [("03/30/2022", "30/03/2022"), ("01/01/2023", "2022"), ("", "")],
)
def test_add_member_with_bad_date_redisplays_and_saves_nothing(client, cast, joined_on, message):
    client.force_login(cast.chair_officer)
    response = client.post(term_url(cast, "membership_add"), {"unit": cast.outsider_unit.pk, "joined_on": joined_on})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors
    assert not Membership.objects.filter(unit=cast.outsider_unit).exists()


def test_member_head_cannot_add_member(client, cast):
    client.force_login(cast.member_head)
    response = client.post(term_url(cast, "membership_add"), {"unit": cast.outsider_unit.pk, "joined_on": "05/03/2022"})
    assert response.status_code == 403
    assert not Membership.objects.filter(unit=cast.outsider_unit).exists()


def test_other_province_board_guessing_ids_gets_404(client, cast):
    client.force_login(cast.other_board)
    response = client.post(term_url(cast, "membership_add"), {"unit": cast.outsider_unit.pk, "joined_on": "05/03/2022"})
    assert response.status_code == 404
    assert not Membership.objects.filter(unit=cast.outsider_unit).exists()


def test_board_ends_membership(client, cast):
    membership = cast.term.memberships.get(unit=cast.member_unit_2)
    client.force_login(cast.board)
    response = client.post(
        term_url(cast, "membership_end", membership_pk=membership.pk), {"left_on": "30/06/2022", "reason": "Giải thể"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on.isoformat() == "2022-06-30"


def test_chair_officer_assigns_roles(client, cast):
    client.force_login(cast.chair_officer)
    response = client.post(
        term_url(cast, "term_roles"),
        {
            "chair": cast.member_unit.pk,
            "vice_chair": cast.chair_unit.pk,
            "reference": "Biên bản 07/2022",
            "effective_on": "01/07/2022",
        },
    )
    assert response.status_code == 302
    cast.term.refresh_from_db()
    assert cast.term.chair == cast.member_unit
    assert RoleAssignment.objects.filter(term=cast.term).count() == 2


@pytest.mark.parametrize("chair, vice", [("chair_unit", "chair_unit"), ("outsider_unit", "vice_unit")])
def test_roles_form_refuses_bad_pairs(client, cast, chair, vice):
    client.force_login(cast.chair_officer)
    response = client.post(
        term_url(cast, "term_roles"),
        {
            "chair": getattr(cast, chair).pk,
            "vice_chair": getattr(cast, vice).pk,
            "reference": "",
            "effective_on": "01/07/2022",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    cast.term.refresh_from_db()
    assert (cast.term.chair, cast.term.vice_chair) == (cast.chair_unit, cast.vice_unit)


def test_vice_chair_acting_makes_vice_chair_staff_chair_officers(client, cast):
    client.force_login(cast.vice_head)
    assert client.get(term_url(cast, "term_roles")).status_code == 403
    client.force_login(cast.board)
    response = client.post(term_url(cast, "term_acting"), {"acting": "on", "reason": "Khối trưởng vắng"})
    assert response.status_code == 302
    client.force_login(cast.vice_head)
    assert client.get(term_url(cast, "term_roles")).status_code == 200


def test_rollover_form_proposes_and_creates_next_year(client, cast):
    client.force_login(cast.chair_officer)
    response = client.get(term_url(cast, "term_rollover"))
    form = response.context["form"]
    assert form.initial["chair"] == cast.vice_unit
    assert form.initial["vice_chair"] == cast.member_unit
    units = [cast.chair_unit.pk, cast.vice_unit.pk, cast.member_unit.pk, cast.member_unit_2.pk]
    response = client.post(
        term_url(cast, "term_rollover"),
        {
            "units": units,
            "chair": cast.vice_unit.pk,
            "vice_chair": cast.member_unit.pk,
            "reference": "BB tổng kết 2022",
        },
    )
    new = Term.objects.get(bloc=cast.bloc, year=2023)
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    assert list(new.memberships.order_by("order").values_list("unit_id", flat=True)) == units
    # A second rollover goes to the existing year instead of failing.
    assert client.get(term_url(cast, "term_rollover"))["Location"] == new.get_absolute_url()


def test_rollover_with_chair_not_among_members_redisplays(client, cast):
    client.force_login(cast.chair_officer)
    response = client.post(
        term_url(cast, "term_rollover"),
        {
            "units": [cast.chair_unit.pk, cast.vice_unit.pk],
            "chair": cast.member_unit.pk,
            "vice_chair": cast.vice_unit.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Term.objects.filter(bloc=cast.bloc, year=2023).exists()


def test_board_creates_a_term(client, cast):
    client.force_login(cast.board)
    response = client.post(
        reverse("blocs:term_create", kwargs={"pk": cast.bloc.pk}),
        {
            "year": 2030,
            "units": [cast.chair_unit.pk, cast.outsider_unit.pk],
            "chair": cast.chair_unit.pk,
            "vice_chair": cast.outsider_unit.pk,
        },
    )
    assert response.status_code == 302
    assert Term.objects.filter(bloc=cast.bloc, year=2030).exists()


# Blocs and units ---------------------------------------------------------------


def test_board_creates_bloc_in_own_province(client, cast):
    client.force_login(cast.board)
    response = client.post(
        reverse("blocs:bloc_create"), {"kind": "cum", "code": "cum1", "name": "Cụm thi đua số 1", "description": ""}
    )
    bloc = Bloc.objects.get(code="CUM1")
    assert response.status_code == 302
    assert (bloc.province, bloc.kind) == (cast.province, "cum")


def test_duplicate_bloc_code_redisplays_with_message(client, cast):
    client.force_login(cast.board)
    response = client.post(reverse("blocs:bloc_create"), {"kind": "khoi", "code": "KHVHXH", "name": "Khác"})
    assert response.status_code == 200
    assert "KHVHXH" in str(response.context["form"].errors)
    assert Bloc.objects.filter(code="KHVHXH").count() == 1


def test_board_edits_and_renames_bloc(client, cast):
    client.force_login(cast.board)
    response = client.post(
        reverse("blocs:bloc_edit", kwargs={"pk": cast.bloc.pk}),
        {"kind": "khoi", "code": "KHVHXH", "description": "Mô tả", "active": "on"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("blocs:bloc_rename", kwargs={"pk": cast.bloc.pk}), {"on": "01/01/2025", "name": "Khối Văn hoá - Xã hội"}
    )
    assert response.status_code == 302
    bloc = Bloc.objects.prefetch_related("versions").get(pk=cast.bloc.pk)
    assert bloc.name_on(datetime.date(2022, 6, 1)) == "Khối Khoa học - Văn hoá - Xã hội"
    assert bloc.name == "Khối Văn hoá - Xã hội"


def test_board_creates_unit_with_nfc_name(client, cast):
    client.force_login(cast.board)
    name = unicodedata.normalize("NFD", "Sở Nông nghiệp và Môi trường")
    response = client.post(
        reverse("blocs:unit_create"), {"code": "nnmt", "name": name, "short_name": "", "head_title": "Giám đốc"}
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="NNMT")
    assert unit.name == unicodedata.normalize("NFC", name)


def test_unit_search_works_without_diacritics(client, cast):
    client.force_login(cast.board)
    response = client.get(reverse("blocs:unit_list"), {"q": "so y te"})
    assert [u.name for u in response.context["units"]] == ["Sở Y tế"]


def test_board_renames_unit(client, cast):
    client.force_login(cast.board)
    response = client.post(
        reverse("blocs:unit_rename", kwargs={"pk": cast.member_unit.pk}),
        {"on": "01/03/2025", "name": "Sở Y tế mới", "short_name": "", "head_title": "Giám đốc"},
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=cast.member_unit.pk).name == "Sở Y tế mới"


def test_board_changes_unit_code_and_duplicate_is_refused(client, cast):
    client.force_login(cast.board)
    url = reverse("blocs:unit_edit", kwargs={"pk": cast.member_unit.pk})
    assert client.post(url, {"code": "KHCN"}).status_code == 200
    assert client.post(url, {"code": "SYT"}).status_code == 302
    assert Unit.objects.get(pk=cast.member_unit.pk).code == "SYT"


MERGER_DECISION = {
    "decision_number": "1234/QĐ-UBND",
    "decision_date": "25/02/2022",
    "decision_issuer": "Ủy ban nhân dân tỉnh Nam Định",
}


def test_board_merges_units_and_merge_into_itself_is_refused(client, cast):
    client.force_login(cast.board)
    url = reverse("blocs:unit_merge", kwargs={"pk": cast.outsider_unit.pk})
    response = client.post(url, {"sources": [cast.outsider_unit.pk], "on": "01/03/2022", **MERGER_DECISION})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(url, {"sources": [cast.member_unit_2.pk], "on": "01/03/2022", **MERGER_DECISION})
    assert response.status_code == 302
    merged = Unit.objects.get(pk=cast.member_unit_2.pk)
    assert merged.successor == cast.outsider_unit
    assert (merged.merger_decision_number, merged.merger_decision_date.isoformat(), merged.merger_decision_issuer) == (
        "1234/QĐ-UBND",
        "2022-02-25",
        "Ủy ban nhân dân tỉnh Nam Định",
    )
    event = Event.objects.filter(kind=Event.Kind.UNIT_MERGED).get()
    assert "1234/QĐ-UBND" in event.summary and event.details["decision_issuer"] == "Ủy ban nhân dân tỉnh Nam Định"
    # Both pages show the decision.
    for unit in (merged, cast.outsider_unit):
        page = client.get(unit.get_absolute_url()).content.decode()
        assert "1234/QĐ-UBND" in page and "Ủy ban nhân dân tỉnh Nam Định" in page


def test_merge_without_the_decision_is_refused_and_writes_nothing(client, cast):
    client.force_login(cast.board)
    url = reverse("blocs:unit_merge", kwargs={"pk": cast.outsider_unit.pk})
    response = client.post(url, {"sources": [cast.member_unit_2.pk], "on": "01/03/2022"})
    assert response.status_code == 200
    assert {"decision_number", "decision_date", "decision_issuer"} <= set(response.context["form"].errors)
    assert Unit.objects.get(pk=cast.member_unit_2.pk).successor is None


def test_merge_form_offers_only_living_other_units_by_code(client, cast):
    services.unit_close(actor=cast.board, unit=cast.member_unit, on=datetime.date(2022, 6, 1), reason="Giải thể")
    services.unit_merge(
        actor=cast.board, sources=[cast.vice_unit], target=cast.chair_unit, on=datetime.date(2022, 6, 1)
    )
    client.force_login(cast.board)
    response = client.get(reverse("blocs:unit_merge", kwargs={"pk": cast.outsider_unit.pk}))
    field = response.context["form"].fields["sources"]
    assert set(field.queryset) == {cast.chair_unit, cast.member_unit_2}
    assert [label for _value, label in field.choices] == [
        "GDDT — Sở Giáo dục và Đào tạo",
        "KHCN — Sở Khoa học và Công nghệ",
    ]


def test_board_closes_unit(client, cast):
    client.force_login(cast.board)
    response = client.post(
        reverse("blocs:unit_close", kwargs={"pk": cast.member_unit_2.pk}),
        {"on": "01/03/2022", "reason": "Chuyển khối Đảng"},
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=cast.member_unit_2.pk).closed_on.isoformat() == "2022-03-01"


def test_board_uploads_a_unit_seal_checked_by_content(client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.pledges.conftest import drawn_png

    client.force_login(cast.board)
    url = reverse("blocs:unit_seal", kwargs={"pk": cast.member_unit.pk})
    svg = SimpleUploadedFile("seal.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/png")
    client.post(url, {"image": svg})
    assert not Unit.objects.get(pk=cast.member_unit.pk).seal_image
    client.post(url, {"image": SimpleUploadedFile("seal.png", drawn_png(), content_type="image/png")})
    unit = Unit.objects.get(pk=cast.member_unit.pk)
    assert unit.seal_image
    image = client.get(reverse("blocs:unit_seal_image", kwargs={"pk": unit.pk}))
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    client.force_login(cast.member_head)
    assert client.get(reverse("blocs:unit_seal_image", kwargs={"pk": unit.pk})).status_code == 404


# Two units with one name ------------------------------------------------------------


def test_creating_a_unit_named_like_another_warns_but_creates(client, cast):
    client.force_login(cast.board)
    response = client.post(
        reverse("blocs:unit_create"),
        {"code": "SYT2", "name": "so y  te", "short_name": "", "head_title": "Giám đốc"},
        follow=True,
    )
    created = Unit.objects.get(code="SYT2")
    assert response.redirect_chain[-1][0] == created.get_absolute_url()
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and "YT — Sở Y tế" in warnings[0]
    assert 'id="namesakes"' in response.content.decode()


def test_renaming_a_unit_like_another_warns_but_renames(client, cast):
    client.force_login(cast.board)
    response = client.post(
        reverse("blocs:unit_rename", kwargs={"pk": cast.outsider_unit.pk}),
        {"on": "01/01/2023", "name": "Sở Giáo Dục và Đào Tạo", "short_name": "", "head_title": "Giám đốc"},
        follow=True,
    )
    assert Unit.objects.get(pk=cast.outsider_unit.pk).name == "Sở Giáo Dục và Đào Tạo"
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and "GDDT — Sở Giáo dục và Đào tạo" in warnings[0]


def test_a_distinct_name_gives_no_warning(client, cast):
    client.force_login(cast.board)
    response = client.post(
        reverse("blocs:unit_create"),
        {"code": "NV", "name": "Sở Nội vụ", "short_name": "", "head_title": "Giám đốc"},
        follow=True,
    )
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]
    assert 'id="namesakes"' not in response.content.decode()
