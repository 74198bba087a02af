"""After a merger: what belonged to a merged-away province is read-only for its old board (the board of the
province it merged into takes over), and a bloc that no longer exists is read-only for its chair's staff.

Every request is the one a user would send; the records are checked before and after.
"""

import datetime

import pytest
from django.urls import reverse

from blocs import services as registry
from blocs.models import Bloc, Membership, Term, Unit
from reviews import services as review_services
from reviews.models import AwardQuota
from tests.conftest import make_user

MERGED_ON = datetime.date(2025, 7, 1)


@pytest.fixture
def ninh_binh(cast):
    """Nam Định (the cast's province) merged into Ninh Bình on 01/07/2025; Ninh Bình has its own board officer."""
    province = registry.province_create(actor=None, code="NBH", name="Ninh Bình")
    registry.province_merge(actor=cast.superuser, sources=[cast.province], target=province, on=MERGED_ON)
    province.board = make_user("nb_board", province=province)
    return province


def unit_posts(cast):
    """The board's changes to a unit of the old province, as its forms post them."""
    unit = cast.member_unit
    return [
        (reverse("blocs:unit_edit", args=[unit.pk]), {"code": "YT2"}),
        (
            reverse("blocs:unit_rename", args=[unit.pk]),
            {"on": "01/08/2025", "name": "Sở Y tế mới", "short_name": "", "head_title": "Giám đốc"},
        ),
        (
            reverse("blocs:unit_merge", args=[unit.pk]),
            {
                "sources": [cast.member_unit_2.pk],
                "on": "01/08/2025",
                "decision_number": "1234/QĐ-UBND",
                "decision_date": "20/07/2025",
                "decision_issuer": "Ủy ban nhân dân tỉnh Ninh Bình",
            },
        ),
        (reverse("blocs:unit_close", args=[unit.pk]), {"on": "01/08/2025", "reason": "Giải thể"}),
        (reverse("blocs:unit_seal", args=[unit.pk]), {"remove": "1"}),
    ]


def term_posts(cast):
    """The changes to the cast's 2022 year, as its forms post them."""
    bloc, year = cast.bloc.pk, 2022
    membership = Membership.objects.get(term=cast.term, unit=cast.member_unit)
    return [
        (
            reverse("blocs:term_roles", args=[bloc, year]),
            {
                "chair": cast.member_unit.pk,
                "vice_chair": cast.vice_unit.pk,
                "reference": "",
                "effective_on": "01/06/2022",
            },
        ),
        (
            reverse("blocs:membership_add", args=[bloc, year]),
            {"unit": cast.outsider_unit.pk, "joined_on": "01/06/2022"},
        ),
        (
            reverse("blocs:membership_end", args=[bloc, year, membership.pk]),
            {"left_on": "01/06/2022", "reason": "Chuyển khối"},
        ),
        (reverse("blocs:term_acting", args=[bloc, year]), {"acting": "on", "reason": "Khối trưởng vắng"}),
        (
            reverse("blocs:term_rollover", args=[bloc, year]),
            {
                "units": [cast.chair_unit.pk, cast.vice_unit.pk],
                "chair": cast.vice_unit.pk,
                "vice_chair": cast.chair_unit.pk,
                "reference": "",
            },
        ),
    ]


def snapshot() -> tuple:
    """Everything the refused posts would have changed."""
    return (
        sorted(Unit.objects.values_list("pk", "code", "name", "successor_id", "closed_on", "seal_image")),
        sorted(Membership.objects.values_list("pk", "term_id", "unit_id", "left_on")),
        sorted(Term.objects.values_list("pk", "year", "chair_id", "vice_chair_id", "vice_chair_acting")),
        sorted(Bloc.objects.values_list("pk", "code", "name", "active")),
    )


def test_the_old_board_reads_but_no_longer_changes_its_units(client, cast, ninh_binh):
    client.force_login(cast.board)
    before = snapshot()
    for url, data in unit_posts(cast):
        assert client.get(url).status_code in (403, 405), url  # the seal takes posts only
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("blocs:unit_create")).status_code == 403
    assert (
        client.post(
            reverse("blocs:unit_create"), {"code": "MOI", "name": "Sở Mới", "head_title": "Giám đốc"}
        ).status_code
        == 403
    )
    assert snapshot() == before
    page = client.get(reverse("blocs:unit_detail", args=[cast.member_unit.pk]))
    assert page.status_code == 200 and 'id="read-only"' in page.content.decode()
    assert reverse("blocs:unit_edit", args=[cast.member_unit.pk]) not in page.content.decode()


def test_the_old_board_reads_but_no_longer_changes_its_blocs_and_years(client, cast, ninh_binh):
    client.force_login(cast.board)
    before = snapshot()
    bloc_posts = [
        (
            reverse("blocs:bloc_edit", args=[cast.bloc.pk]),
            {"kind": "khoi", "code": "KHAC", "description": "", "active": "on"},
        ),
        (reverse("blocs:bloc_rename", args=[cast.bloc.pk]), {"on": "01/08/2025", "name": "Khối mới"}),
        (
            reverse("blocs:term_create", args=[cast.bloc.pk]),
            {
                "year": 2023,
                "units": [cast.chair_unit.pk, cast.vice_unit.pk],
                "chair": cast.chair_unit.pk,
                "vice_chair": cast.vice_unit.pk,
            },
        ),
        (reverse("blocs:bloc_create"), {"kind": "khoi", "code": "MOI", "name": "Khối mới"}),
    ]
    for url, data in bloc_posts + term_posts(cast):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before
    page = client.get(reverse("blocs:term_detail", args=[cast.bloc.pk, 2022]))
    assert page.status_code == 200 and 'id="read-only"' in page.content.decode()
    assert reverse("blocs:term_roles", args=[cast.bloc.pk, 2022]) not in page.content.decode()
    assert client.get(reverse("blocs:bloc_detail", args=[cast.bloc.pk])).status_code == 200
    assert client.get(reverse("board:dashboard", args=[2022])).status_code == 200


def test_the_old_board_no_longer_sets_quotas_or_invites_users(client, cast, ninh_binh):
    form = review_services.award_form_set(
        actor=cast.board, province=cast.province, year=2022, code="co", name="Cờ thi đua", default_quota=1
    )
    client.force_login(cast.board)
    url = reverse("reviews:quota_set", args=[cast.bloc.pk, 2022])
    assert client.post(url, {"award_form": form.pk, "quota": 2}).status_code == 403
    assert not AwardQuota.objects.exists()
    assert client.get(reverse("reviews:award_forms", args=[2022])).status_code == 403
    invite = {"username": "moi", "email": "moi@example.invalid", "full_name": "Người Mới", "unit": "", "position": ""}
    assert client.post(reverse("accounts:user_invite"), invite).status_code == 403
    assert client.get(reverse("reviews:ballot_home", args=[cast.bloc.pk, 2022])).status_code == 200


def test_the_successor_board_changes_the_old_provinces_records(client, cast, ninh_binh):
    client.force_login(ninh_binh.board)
    url, data = unit_posts(cast)[0]
    assert client.post(url, data).status_code == 302
    assert Unit.objects.get(pk=cast.member_unit.pk).code == "YT2"
    url, data = term_posts(cast)[0]
    assert client.post(url, data).status_code == 302
    assert Term.objects.get(pk=cast.term.pk).chair_id == cast.member_unit.pk
    assert client.get(reverse("blocs:bloc_edit", args=[cast.bloc.pk])).status_code == 200
    assert client.get(reverse("accounts:user_invite")).status_code == 200


def test_the_old_board_keeps_changing_until_a_merger_recorded_ahead_takes_effect(client, cast):
    later = registry.province_create(actor=None, code="NBH", name="Ninh Bình")
    registry.province_merge(actor=cast.superuser, sources=[cast.province], target=later, on=datetime.date(2099, 1, 1))
    client.force_login(cast.board)
    url, data = term_posts(cast)[0]
    assert client.post(url, data).status_code == 302
    assert Term.objects.get(pk=cast.term.pk).chair_id == cast.member_unit.pk


@pytest.fixture
def next_year(cast):
    """The bloc's 2023 year, chaired by the same unit: the chair's staff runs it."""
    return registry.term_rollover(
        actor=cast.board,
        term=cast.term,
        units=[cast.chair_unit, cast.vice_unit, cast.member_unit, cast.member_unit_2],
        chair=cast.chair_unit,
        vice_chair=cast.vice_unit,
        reference="",
    )


def next_year_posts(cast):
    bloc, year = cast.bloc.pk, 2023
    return [
        (
            reverse("blocs:term_roles", args=[bloc, year]),
            {
                "chair": cast.member_unit.pk,
                "vice_chair": cast.vice_unit.pk,
                "reference": "",
                "effective_on": "01/06/2023",
            },
        ),
        (
            reverse("blocs:membership_add", args=[bloc, year]),
            {"unit": cast.outsider_unit.pk, "joined_on": "01/06/2023"},
        ),
        (
            reverse("blocs:term_rollover", args=[bloc, year]),
            {
                "units": [cast.chair_unit.pk, cast.vice_unit.pk],
                "chair": cast.vice_unit.pk,
                "vice_chair": cast.chair_unit.pk,
            },
        ),
        (reverse("pledges:create", args=[bloc, year]), {}),
        (reverse("reviews:table_import", args=[bloc, year]), {"text": "{}"}),
    ]


def test_the_chair_staff_edits_the_next_year_of_a_living_bloc(client, cast, next_year):
    client.force_login(cast.chair_officer)
    for url, _data in next_year_posts(cast):
        assert client.get(url).status_code == 200, url


def test_the_chair_staff_of_an_inactive_bloc_no_longer_edits_its_years(client, cast, next_year):
    client.force_login(cast.board)
    edit = {"kind": "khoi", "code": cast.bloc.code, "description": ""}  # "active" unticked
    assert client.post(reverse("blocs:bloc_edit", args=[cast.bloc.pk]), edit).status_code == 302
    assert not Bloc.objects.get(pk=cast.bloc.pk).active
    client.force_login(cast.chair_officer)
    before = snapshot()
    for url, data in next_year_posts(cast):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before
    page = client.get(reverse("blocs:term_detail", args=[cast.bloc.pk, 2023]))
    assert page.status_code == 200 and 'id="read-only"' in page.content.decode()
    assert client.get(reverse("reviews:home", args=[cast.bloc.pk, 2023])).status_code == 200


def test_the_chair_staff_of_a_bloc_whose_province_merged_no_longer_edits_its_years(client, cast, next_year, ninh_binh):
    # The merger made the old province's blocs inactive; even marked active again by the new board, the bloc of a
    # province that no longer exists is not its old chair's to run.
    client.force_login(ninh_binh.board)
    edit = {"kind": "khoi", "code": cast.bloc.code, "description": "", "active": "on"}
    assert client.post(reverse("blocs:bloc_edit", args=[cast.bloc.pk]), edit).status_code == 302
    assert Bloc.objects.get(pk=cast.bloc.pk).active
    client.force_login(cast.chair_officer)
    before = snapshot()
    for url, data in next_year_posts(cast):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before
    assert client.get(reverse("blocs:term_detail", args=[cast.bloc.pk, 2023])).status_code == 200


@pytest.fixture
def review_2022(cast):
    """The 2022 self-assessment, open, with an evidence file of the member unit."""
    from tests.pledges.conftest import drawn_png
    from tests.reviews.conftest import EXAMPLE, LATER

    review_services.table_set(actor=cast.chair_officer, term=cast.term, data=EXAMPLE)
    review = review_services.review_open(actor=cast.chair_officer, term=cast.term, deadline=LATER)
    assessment = review.assessments.get(unit=cast.member_unit)
    evidence = review_services.evidence_add(
        actor=cast.member_staff, assessment=assessment, data=drawn_png(), name="bao-cao.png"
    )
    return review, assessment, evidence


@pytest.mark.parametrize("who", ["old_board", "chair_staff"])
def test_read_only_is_still_reading_everything_the_role_saw(client, cast, review_2022, ninh_binh, who):
    """The old board and the dissolved bloc's chair staff still read every unit's self-assessment and evidence
    and the results so far, as they did; they no longer run the review."""
    review, assessment, evidence = review_2022
    client.force_login(cast.board if who == "old_board" else cast.chair_officer)
    assert client.get(reverse("reviews:assessment", args=[assessment.pk])).status_code == 200
    assert client.get(reverse("reviews:evidence", args=[evidence.pk])).status_code == 200
    assert client.get(reverse("reviews:ranking", args=[cast.bloc.pk, 2022])).status_code == 200
    home = client.get(reverse("reviews:home", args=[cast.bloc.pk, 2022])).content.decode()
    assert reverse("reviews:start", args=[cast.bloc.pk, 2022]) not in home
    assert client.post(reverse("reviews:start", args=[cast.bloc.pk, 2022])).status_code == 403
    assert client.post(reverse("reviews:remind", args=[cast.bloc.pk, 2022])).status_code == 403
    review.refresh_from_db()
    assert review.status == "self"
