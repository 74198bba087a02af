"""Legal grounds as dated data: the seeded national ones, a province's own, suggestions and warnings."""

import datetime

from django.urls import reverse

from pledges import services
from pledges.models import LegalGround
from pledges.selectors import (
    grounds_with_suggestions,
    legal_ground_warnings,
    legal_grounds_in_force,
)
from pledges.services.drafting import legal_ground_create

OLD_DECREE = (
    "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết"
    " thi hành một số điều của Luật Thi đua, khen thưởng;"
)


def names(grounds) -> list[str]:
    return [ground.short_name for ground in grounds]


def test_the_national_grounds_in_force_change_on_1_july_2025(db):
    assert names(legal_grounds_in_force(datetime.date(2025, 3, 30))) == [
        "Luật Thi đua, khen thưởng 2022",
        "Nghị định 98/2023/NĐ-CP",
        "Thông tư 01/2024/TT-BNV",
    ]
    assert names(legal_grounds_in_force(datetime.date(2026, 3, 30))) == [
        "Luật Thi đua, khen thưởng 2022",
        "Nghị định 152/2025/NĐ-CP",
        "Thông tư 15/2025/TT-BNV",
    ]


def test_a_provinces_own_regulation_is_suggested_only_in_that_province(cast):
    legal_ground_create(
        actor=cast.board,
        province=cast.province,
        text="Căn cứ Quyết định số 12/2025/QĐ-UBND của UBND tỉnh ban hành Quy chế công tác thi đua, khen thưởng;",
        short_name="QĐ 12/2025/QĐ-UBND",
        number="12/2025/QĐ-UBND",
        valid_from=datetime.date(2025, 8, 1),
        order=40,
    )
    day = datetime.date(2026, 3, 30)
    assert names(legal_grounds_in_force(day, cast.province))[-1] == "QĐ 12/2025/QĐ-UBND"
    assert "QĐ 12/2025/QĐ-UBND" not in names(legal_grounds_in_force(day, cast.other_province))
    assert "QĐ 12/2025/QĐ-UBND" not in names(legal_grounds_in_force(datetime.date(2025, 7, 15), cast.province))


def test_a_line_citing_a_ground_no_longer_in_force_is_warned_about(db):
    grounds = OLD_DECREE + "\nCăn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\nCăn cứ Quy chế của Khối."
    assert legal_ground_warnings(grounds, datetime.date(2025, 3, 30)) == []
    warnings = legal_ground_warnings(grounds, datetime.date(2026, 3, 30))
    assert [(w.line, w.ground.short_name, w.expired) for w in warnings] == [
        (OLD_DECREE, "Nghị định 98/2023/NĐ-CP", True)
    ]
    # Cited loosely (no "số", other case, no diacritics) it is still recognised.
    assert legal_ground_warnings("Căn cứ nghi dinh 98/2023/ND-CP;", datetime.date(2026, 1, 5))


def test_suggested_grounds_replace_the_old_ones_and_keep_the_blocs_own(db):
    grounds = OLD_DECREE + "\nCăn cứ Quy chế hoạt động của Khối."
    filled = grounds_with_suggestions(grounds, datetime.date(2026, 3, 30)).splitlines()
    assert filled == [
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        next(g.text for g in LegalGround.objects.filter(number="152/2025/NĐ-CP")),
        next(g.text for g in LegalGround.objects.filter(number="15/2025/TT-BNV")),
        "Căn cứ Quy chế hoạt động của Khối.",
    ]


def _draft_2026(cast):
    from blocs import services as registry

    term = registry.term_rollover(
        actor=cast.board,
        term=cast.term,
        units=[cast.chair_unit, cast.vice_unit, cast.member_unit],
        chair=cast.chair_unit,
        vice_chair=cast.vice_unit,
        reference="",
    )
    for _year in range(2024, 2027):
        term = registry.term_rollover(
            actor=cast.board,
            term=term,
            units=[cast.chair_unit, cast.vice_unit, cast.member_unit],
            chair=cast.chair_unit,
            vice_chair=cast.vice_unit,
            reference="",
        )
    assert term.year == 2026
    return services.pledge_create(
        actor=cast.chair_officer,
        term=term,
        place="Nam Định",
        signing_date=datetime.date(2026, 3, 30),
        legal_grounds=OLD_DECREE,
        items=["Một"],
    )


def test_the_edit_page_suggests_and_warns_and_fills_without_saving(client, cast):
    draft = _draft_2026(cast)
    client.force_login(cast.chair_officer)
    page = client.get(reverse("pledges:edit", kwargs={"pk": draft.pk}))
    assert [w.ground.short_name for w in page.context["ground_warnings"]] == ["Nghị định 98/2023/NĐ-CP"]
    suggested = page.context["suggested_grounds"]
    assert [row["ground"].short_name for row in suggested][1] == "Nghị định 152/2025/NĐ-CP"
    assert 'name="suggest_grounds"' in page.content.decode()
    data = {"place": "Nam Định", "signing_date": "30/03/2026", "legal_grounds": OLD_DECREE, "title": draft.title}
    filled = client.post(reverse("pledges:edit", kwargs={"pk": draft.pk}), data | {"suggest_grounds": "1"})
    assert filled.status_code == 200
    assert "152/2025/NĐ-CP" in filled.context["form"].data["legal_grounds"]
    assert "98/2023" not in filled.context["form"].data["legal_grounds"]
    draft.refresh_from_db()
    assert draft.legal_grounds == OLD_DECREE  # nothing saved yet
    saved = client.post(
        reverse("pledges:edit", kwargs={"pk": draft.pk}),
        data | {"legal_grounds": filled.context["form"].data["legal_grounds"]},
    )
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert "152/2025/NĐ-CP" in draft.legal_grounds
    assert client.get(reverse("pledges:edit", kwargs={"pk": draft.pk})).context["ground_warnings"] == []


def test_board_adds_and_ends_its_provinces_regulation(client, cast):
    client.force_login(cast.board)
    response = client.post(
        reverse("pledges:legal_grounds"),
        {
            "text": "Căn cứ Quyết định số 86/2025/QĐ-UBND của UBND tỉnh Nam Định;",
            "short_name": "QĐ 86/2025",
            "number": "86/2025/QĐ-UBND",
            "valid_from": "01/08/2025",
            "valid_until": "",
            "order": "40",
        },
    )
    assert response.status_code == 302
    ground = LegalGround.objects.get(number="86/2025/QĐ-UBND")
    assert ground.province == cast.province and ground.valid_until is None
    edit = reverse("pledges:legal_ground_edit", kwargs={"pk": ground.pk})
    data = {"text": ground.text, "short_name": "QĐ 86/2025", "number": ground.number, "order": "40"}
    client.post(edit, data | {"valid_from": "01/08/2025", "valid_until": "31/12/2025"})
    ground.refresh_from_db()
    assert ground.valid_until == datetime.date(2025, 12, 31)
    refused = client.post(edit, data | {"valid_from": "01/08/2025", "valid_until": "01/01/2025"})
    assert refused.status_code == 200 and "valid_until" in refused.context["form"].errors


def test_another_board_cannot_edit_a_provinces_regulation_nor_a_national_one(client, cast):
    ground = legal_ground_create(
        actor=cast.board, province=cast.province, text="Căn cứ X;", short_name="X", valid_from=datetime.date(2025, 1, 1)
    )
    client.force_login(cast.other_board)
    assert client.get(reverse("pledges:legal_ground_edit", kwargs={"pk": ground.pk})).status_code == 404
    national = LegalGround.objects.filter(province__isnull=True).first()
    client.force_login(cast.board)
    assert client.get(reverse("pledges:legal_ground_edit", kwargs={"pk": national.pk})).status_code == 404


def test_chair_officer_may_not_enter_regulations(client, cast):
    client.force_login(cast.chair_officer)
    assert client.get(reverse("pledges:legal_grounds")).status_code == 403
    assert client.post(reverse("pledges:legal_grounds"), {}).status_code == 403
