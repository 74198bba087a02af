import datetime
import unicodedata

import pytest
from django.utils import translation

from blocs import services
from blocs.models import Bloc, Event, Membership, RoleAssignment, Term, Unit
from blocs.services import RegistryError

D = datetime.date


@pytest.fixture(autouse=True)
def english_messages():
    # The refusals are matched on their English text; the UI shows them in Vietnamese.
    with translation.override("en"):
        yield


def member_units(term):
    return [m.unit for m in term.memberships.order_by("order")]


# Creating terms ----------------------------------------------------------------


def test_term_create_records_members_roles_and_event(cast):
    term = cast.term
    assert member_units(term) == [cast.chair_unit, cast.vice_unit, cast.member_unit, cast.member_unit_2]
    assert (term.chair, term.vice_chair) == (cast.chair_unit, cast.vice_unit)
    assert RoleAssignment.objects.get(term=term).reference == "Biên bản tổng kết 2021"
    event = Event.objects.get(term=term, kind=Event.Kind.TERM_CREATED)
    assert event.actor == cast.board


@pytest.mark.parametrize(
    "change, message",
    [
        ({"year": 2022}, "already has the year 2022"),
        ({"year": 1999}, "between 2000 and 2100"),
        ({"chair": "vice"}, "must be different"),
        ({"chair": "outsider"}, "chair must be a member"),
        ({"units": "twice"}, "listed twice"),
    ],
)
def test_term_create_refuses_bad_input_and_saves_nothing(cast, change, message):
    units = [cast.chair_unit, cast.vice_unit]
    kwargs = {"year": 2023, "units": units, "chair": cast.chair_unit, "vice_chair": cast.vice_unit}
    if "year" in change:
        kwargs["year"] = change["year"]
    if change.get("chair") == "vice":
        kwargs["chair"] = cast.vice_unit
    if change.get("chair") == "outsider":
        kwargs["chair"] = cast.outsider_unit
    if change.get("units") == "twice":
        kwargs["units"] = [cast.chair_unit, cast.chair_unit, cast.vice_unit]
    terms, memberships = Term.objects.count(), Membership.objects.count()
    with pytest.raises(RegistryError, match=message):
        services.term_create(actor=cast.board, bloc=cast.bloc, **kwargs)
    assert (Term.objects.count(), Membership.objects.count()) == (terms, memberships)


def test_unit_cannot_be_in_two_blocs_the_same_year(cast):
    bloc = services.bloc_create(actor=cast.board, province=cast.province, kind="khoi", code="B2", name="Khối 2")
    with pytest.raises(RegistryError, match="already a member of Khối Khoa học"):
        services.term_create(actor=cast.board, bloc=bloc, year=2022, units=[cast.member_unit])
    assert not Term.objects.filter(bloc=bloc).exists()


def test_unit_of_another_province_cannot_join(cast):
    foreign = cast.other_term.memberships.first().unit
    with pytest.raises(RegistryError, match="another province"):
        services.membership_add(actor=cast.board, term=cast.term, unit=foreign, joined_on=D(2022, 5, 1))


# Memberships -------------------------------------------------------------------


def test_membership_add_goes_last_in_rotation_and_writes_event(cast):
    membership = services.membership_add(
        actor=cast.board, term=cast.term, unit=cast.outsider_unit, joined_on=D(2022, 6, 1)
    )
    assert membership.order == 5
    assert Event.objects.filter(term=cast.term, kind=Event.Kind.MEMBER_ADDED, unit=cast.outsider_unit).exists()


@pytest.mark.parametrize("joined_on", [D(2021, 12, 31), D(2023, 1, 1)])
def test_membership_add_refuses_date_outside_year(cast, joined_on):
    with pytest.raises(RegistryError, match="inside the year 2022"):
        services.membership_add(actor=cast.board, term=cast.term, unit=cast.outsider_unit, joined_on=joined_on)
    assert not cast.term.memberships.filter(unit=cast.outsider_unit).exists()


def test_membership_add_refuses_second_membership(cast):
    with pytest.raises(RegistryError, match="already a member of this year"):
        services.membership_add(actor=cast.board, term=cast.term, unit=cast.member_unit, joined_on=D(2022, 6, 1))


def test_membership_end_keeps_the_row_and_reason(cast):
    membership = cast.term.memberships.get(unit=cast.member_unit_2)
    services.membership_end(actor=cast.board, membership=membership, left_on=D(2022, 9, 1), reason="Giải thể")
    membership.refresh_from_db()
    assert (membership.left_on, membership.left_reason) == (D(2022, 9, 1), "Giải thể")
    assert Event.objects.filter(kind=Event.Kind.MEMBER_ENDED, unit=cast.member_unit_2).count() == 1


def test_membership_end_refuses_dates_outside_year_or_before_joining(cast):
    membership = services.membership_add(
        actor=cast.board, term=cast.term, unit=cast.outsider_unit, joined_on=D(2022, 6, 1)
    )
    with pytest.raises(RegistryError, match="inside the year"):
        services.membership_end(actor=cast.board, membership=membership, left_on=D(2023, 1, 2), reason="x")
    with pytest.raises(RegistryError, match="before it joined"):
        services.membership_end(actor=cast.board, membership=membership, left_on=D(2022, 5, 1), reason="x")
    membership.refresh_from_db()
    assert membership.left_on is None


# Roles -------------------------------------------------------------------------


def test_assign_roles_keeps_history(cast):
    services.term_assign_roles(
        actor=cast.chair_officer,
        term=cast.term,
        chair=cast.member_unit,
        vice_chair=cast.chair_unit,
        reference="QĐ 12/QĐ-BTĐKT",
        effective_on=D(2022, 7, 1),
    )
    cast.term.refresh_from_db()
    assert (cast.term.chair, cast.term.vice_chair) == (cast.member_unit, cast.chair_unit)
    history = list(RoleAssignment.objects.filter(term=cast.term).order_by("effective_on"))
    assert [(r.chair, r.reference) for r in history] == [
        (cast.chair_unit, "Biên bản tổng kết 2021"),
        (cast.member_unit, "QĐ 12/QĐ-BTĐKT"),
    ]
    assert Event.objects.filter(term=cast.term, kind=Event.Kind.ROLES_ASSIGNED, actor=cast.chair_officer).exists()


def test_assign_roles_again_changes_nothing(cast):
    before = RoleAssignment.objects.count()
    services.term_assign_roles(
        actor=cast.board,
        term=cast.term,
        chair=cast.chair_unit,
        vice_chair=cast.vice_unit,
        reference="Biên bản tổng kết 2021",
        effective_on=D(2022, 2, 1),
    )
    assert RoleAssignment.objects.count() == before


@pytest.mark.parametrize(
    "chair, vice, message",
    [
        ("chair_unit", "chair_unit", "must be different"),
        ("outsider_unit", "vice_unit", "chair must be a member"),
        ("chair_unit", "outsider_unit", "vice-chair must be a member"),
    ],
)
def test_assign_roles_refusals(cast, chair, vice, message):
    with pytest.raises(RegistryError, match=message):
        services.term_assign_roles(
            actor=cast.board,
            term=cast.term,
            chair=getattr(cast, chair),
            vice_chair=getattr(cast, vice),
            reference="",
            effective_on=D(2022, 3, 1),
        )
    cast.term.refresh_from_db()
    assert (cast.term.chair, cast.term.vice_chair) == (cast.chair_unit, cast.vice_unit)


def test_assign_roles_refuses_a_member_who_left(cast):
    membership = cast.term.memberships.get(unit=cast.member_unit)
    services.membership_end(actor=cast.board, membership=membership, left_on=D(2022, 3, 1), reason="x")
    with pytest.raises(RegistryError, match="chair must be a member"):
        services.term_assign_roles(
            actor=cast.board,
            term=cast.term,
            chair=cast.member_unit,
            vice_chair=cast.vice_unit,
            reference="",
            effective_on=D(2022, 4, 1),
        )


def test_assign_roles_refuses_date_outside_year(cast):
    with pytest.raises(RegistryError, match="inside the year"):
        services.term_assign_roles(
            actor=cast.board,
            term=cast.term,
            chair=cast.vice_unit,
            vice_chair=cast.chair_unit,
            reference="",
            effective_on=D(2021, 4, 1),
        )


def test_database_refuses_chair_equal_to_vice_chair(cast):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Term.objects.filter(pk=cast.term.pk).update(vice_chair=cast.chair_unit)


def test_vice_chair_acting_needs_a_reason_and_is_recorded(cast):
    with pytest.raises(RegistryError, match="reason"):
        services.term_set_vice_chair_acting(actor=cast.board, term=cast.term, acting=True, reason="")
    services.term_set_vice_chair_acting(actor=cast.board, term=cast.term, acting=True, reason="Khối trưởng đi công tác")
    cast.term.refresh_from_db()
    assert cast.term.vice_chair_acting
    assert Event.objects.filter(term=cast.term, kind=Event.Kind.VICE_CHAIR_ACTING).count() == 1


# Rollover ----------------------------------------------------------------------


def test_rollover_proposes_vice_chair_as_chair_and_next_in_rotation(cast):
    proposal = services.term_rollover_proposal(cast.term)
    assert proposal.year == 2023
    assert proposal.units == [cast.chair_unit, cast.vice_unit, cast.member_unit, cast.member_unit_2]
    assert (proposal.chair, proposal.vice_chair) == (cast.vice_unit, cast.member_unit)


def test_rollover_replaces_merged_units_and_drops_those_who_left(cast):
    services.unit_merge(actor=cast.board, sources=[cast.member_unit_2], target=cast.outsider_unit, on=D(2022, 10, 1))
    membership = cast.term.memberships.get(unit=cast.member_unit)
    services.membership_end(actor=cast.board, membership=membership, left_on=D(2022, 11, 1), reason="Chuyển khối")
    proposal = services.term_rollover_proposal(cast.term)
    assert proposal.units == [cast.chair_unit, cast.vice_unit, cast.outsider_unit]


def test_rollover_creates_next_term_with_confirmed_choices(cast):
    new = services.term_rollover(
        actor=cast.chair_officer,
        term=cast.term,
        units=[cast.chair_unit, cast.vice_unit, cast.member_unit],
        chair=cast.member_unit,
        vice_chair=cast.chair_unit,
        reference="Biên bản tổng kết 2022",
    )
    assert new.year == 2023
    assert member_units(new) == [cast.chair_unit, cast.vice_unit, cast.member_unit]
    assert new.memberships.first().joined_on == D(2023, 1, 1)
    assert Event.objects.filter(term=new, kind=Event.Kind.TERM_ROLLED_OVER, actor=cast.chair_officer).exists()
    with pytest.raises(RegistryError, match="already has the year 2023"):
        services.term_rollover(
            actor=cast.chair_officer,
            term=cast.term,
            units=[cast.chair_unit, cast.vice_unit],
            chair=cast.chair_unit,
            vice_chair=cast.vice_unit,
            reference="",
        )


# Units: rename, merge, close ---------------------------------------------------


def test_rename_keeps_the_old_name_for_old_dates(cast):
    services.unit_rename(
        actor=cast.board,
        unit=cast.member_unit,
        on=D(2025, 3, 1),
        name="Sở Y tế và Dân số",
        short_name="Sở YT&DS",
        head_title="Giám đốc",
    )
    unit = Unit.objects.prefetch_related("versions").get(pk=cast.member_unit.pk)
    assert unit.name_on(D(2022, 12, 31)) == "Sở Y tế"
    assert unit.name_on(D(2025, 3, 1)) == "Sở Y tế và Dân số"
    assert unit.name == "Sở Y tế và Dân số"
    with pytest.raises(RegistryError, match="later date"):
        services.unit_rename(actor=cast.board, unit=unit, on=D(2024, 1, 1), name="X", short_name="", head_title="Y")


def test_rename_changes_head_title_with_the_unit(cast):
    services.unit_rename(
        actor=cast.board,
        unit=cast.outsider_unit,
        on=D(2025, 3, 1),
        name="Sở Dân tộc và Tôn giáo",
        short_name="",
        head_title="Giám đốc",
    )
    services.unit_rename(
        actor=cast.board,
        unit=cast.outsider_unit,
        on=D(2025, 6, 1),
        name="Sở Dân tộc và Tôn giáo",
        short_name="",
        head_title="Quyền Giám đốc",
    )
    unit = Unit.objects.prefetch_related("versions").get(pk=cast.outsider_unit.pk)
    assert unit.head_title_on(D(2025, 4, 1)) == "Giám đốc"
    assert unit.head_title_on(D(2025, 7, 1)) == "Quyền Giám đốc"


# Renaming: units and blocs refuse the same inputs in the same order ---------------

RENAMED = {"unit": Event.Kind.UNIT_RENAMED, "bloc": Event.Kind.BLOC_RENAMED}


def rename(cast, owner: str, *, on: datetime.date, name: str):
    """Rename the member unit or the bloc through its own service, keeping the unit's other names."""
    if owner == "unit":
        return services.unit_rename(
            actor=cast.board, unit=cast.member_unit, on=on, name=name, short_name="", head_title="Giám đốc"
        )
    return services.bloc_rename(actor=cast.board, bloc=cast.bloc, on=on, name=name)


def reread(cast, owner: str):
    """Return the owner fresh from the database, with its dated names."""
    model, pk = (Unit, cast.member_unit.pk) if owner == "unit" else (Bloc, cast.bloc.pk)
    return model.objects.prefetch_related("versions").get(pk=pk)


def state(cast, owner: str):
    """Return what a refused or empty rename must leave alone: the names, their dates, the events."""
    current = reread(cast, owner)
    versions = sorted((str(v.valid_from), v.name) for v in current.versions.all())
    return current.name, versions, Event.objects.filter(kind=RENAMED[owner]).count()


@pytest.mark.parametrize("owner", ["unit", "bloc"])
def test_rename_refuses_a_date_before_the_latest_name(cast, owner):
    rename(cast, owner, on=D(2025, 3, 1), name="Tên mới")
    before = state(cast, owner)
    with pytest.raises(RegistryError, match="already has a name from a later date; rename from a later date") as error:
        rename(cast, owner, on=D(2024, 1, 1), name="Tên khác")
    assert error.value.field == "on"
    assert state(cast, owner) == before


@pytest.mark.parametrize("owner", ["unit", "bloc"])
def test_rename_checks_the_date_before_the_name(cast, owner):
    """The current name with an earlier date is refused for its date, not taken as nothing to do."""
    rename(cast, owner, on=D(2025, 3, 1), name="Tên mới")
    before = state(cast, owner)
    with pytest.raises(RegistryError, match="already has a name from a later date"):
        rename(cast, owner, on=D(2024, 1, 1), name="Tên mới")
    assert state(cast, owner) == before


@pytest.mark.parametrize("owner", ["unit", "bloc"])
def test_rename_to_the_name_in_force_changes_nothing(cast, owner):
    before = state(cast, owner)
    typed = f"  {unicodedata.normalize('NFD', before[0])} "  # as pasted: decomposed, with spaces
    rename(cast, owner, on=D(2025, 3, 1), name=typed)
    assert state(cast, owner) == before


@pytest.mark.parametrize("owner", ["unit", "bloc"])
def test_rename_records_the_dated_name_and_the_event_alike(cast, owner):
    old = reread(cast, owner).name
    rename(cast, owner, on=D(2025, 3, 1), name=unicodedata.normalize("NFD", "Tên mới"))
    current = reread(cast, owner)
    assert current.name == unicodedata.normalize("NFC", "Tên mới")
    assert (current.name_on(D(2025, 2, 28)), current.name_on(D(2025, 3, 1))) == (old, current.name)
    event = Event.objects.get(kind=RENAMED[owner])
    assert (event.actor, event.details) == (cast.board, {"old": old, "new": current.name, "date": "2025-03-01"})
    assert event.summary == f"{old} renamed {current.name} from 01/03/2025"


@pytest.mark.parametrize("owner", ["unit", "bloc"])
def test_rename_on_the_latest_date_again_corrects_that_name(cast, owner):
    rename(cast, owner, on=D(2025, 3, 1), name="Tên gõ sai")
    rename(cast, owner, on=D(2025, 3, 1), name="Tên đúng")
    current = reread(cast, owner)
    assert [v.name for v in current.versions.all() if v.valid_from == D(2025, 3, 1)] == ["Tên đúng"]
    assert current.name == "Tên đúng"


def test_renamed_unit_is_found_by_its_new_name(cast):
    rename(cast, "unit", on=D(2025, 3, 1), name="Sở Y tế và Dân số")
    assert Unit.objects.filter(search_text__contains="y te va dan so").get() == cast.member_unit


def test_merge_ends_memberships_and_adds_successor_where_free(cast):
    services.unit_merge(actor=cast.board, sources=[cast.member_unit_2], target=cast.outsider_unit, on=D(2022, 3, 15))
    ended = cast.term.memberships.get(unit=cast.member_unit_2)
    assert ended.left_on == D(2022, 3, 15)
    assert "Sở Tài chính" in ended.left_reason
    added = cast.term.memberships.get(unit=cast.outsider_unit)
    assert added.joined_on == D(2022, 3, 15)
    cast.member_unit_2.refresh_from_db()
    assert (cast.member_unit_2.successor, cast.member_unit_2.merged_on) == (cast.outsider_unit, D(2022, 3, 15))


def test_merge_into_a_member_of_another_bloc_does_not_add_it_and_shows_task(cast):
    bloc = services.bloc_create(actor=cast.board, province=cast.province, kind="khoi", code="THNC", name="Tổng hợp")
    services.term_create(actor=cast.board, bloc=bloc, year=2022, units=[cast.outsider_unit])
    services.unit_merge(actor=cast.board, sources=[cast.vice_unit], target=cast.outsider_unit, on=D(2022, 3, 1))
    term = Term.objects.prefetch_related("memberships").get(pk=cast.term.pk)
    assert not term.memberships.filter(unit=cast.outsider_unit).exists()
    assert term.role_tasks() == ["Assign a vice-chair: the vice-chair is missing or no longer a member."]


def test_merge_into_itself_is_refused(cast):
    with pytest.raises(RegistryError, match="itself"):
        services.unit_merge(actor=cast.board, sources=[cast.member_unit], target=cast.member_unit, on=D(2022, 3, 1))
    cast.member_unit.refresh_from_db()
    assert cast.member_unit.successor is None


def test_merge_into_a_cycle_is_refused(cast):
    services.unit_merge(actor=cast.board, sources=[cast.member_unit], target=cast.outsider_unit, on=D(2022, 3, 1))
    with pytest.raises(RegistryError, match="cycle"):
        services.unit_merge(actor=cast.board, sources=[cast.outsider_unit], target=cast.member_unit, on=D(2022, 4, 1))
    cast.outsider_unit.refresh_from_db()
    assert cast.outsider_unit.successor is None


def test_merge_twice_into_the_same_unit_changes_nothing(cast):
    services.unit_merge(actor=cast.board, sources=[cast.member_unit], target=cast.outsider_unit, on=D(2022, 3, 1))
    events = Event.objects.count()
    services.unit_merge(actor=cast.board, sources=[cast.member_unit], target=cast.outsider_unit, on=D(2022, 3, 1))
    assert Event.objects.count() == events


def test_close_ends_memberships(cast):
    services.unit_close(actor=cast.board, unit=cast.member_unit_2, on=D(2022, 8, 1), reason="Chuyển sang khối Đảng")
    assert cast.term.memberships.get(unit=cast.member_unit_2).left_on == D(2022, 8, 1)
    assert services.term_rollover_proposal(cast.term).units == [cast.chair_unit, cast.vice_unit, cast.member_unit]


# Provinces ---------------------------------------------------------------------


def test_province_merge_keeps_old_records_and_creates_successors(cast):
    target = services.province_create(actor=None, code="NBH", name="Ninh Bình")
    existing = services.unit_create(actor=None, province=target, code="YT", name="Sở Y tế", head_title="Giám đốc")
    services.province_merge(actor=cast.board, sources=[cast.province], target=target, on=D(2025, 7, 1))
    cast.province.refresh_from_db()
    assert (cast.province.successor, cast.province.name) == (target, "Nam Định")
    cast.member_unit.refresh_from_db()
    assert cast.member_unit.successor == existing  # same code: merged into the existing department
    cast.chair_unit.refresh_from_db()
    copy = cast.chair_unit.successor
    assert (copy.province, copy.name) == (target, "Sở Khoa học và Công nghệ")
    assert cast.bloc.province == cast.province  # the old bloc stays on record


def test_province_merge_into_itself_is_refused(cast):
    with pytest.raises(RegistryError, match="itself"):
        services.province_merge(actor=None, sources=[cast.province], target=cast.province, on=D(2025, 7, 1))


# Codes and text ------------------------------------------------------------------


def test_duplicate_codes_are_refused(cast):
    with pytest.raises(RegistryError, match="code YT exists"):
        services.unit_create(actor=cast.board, province=cast.province, code="yt", name="Khác", head_title="Giám đốc")
    with pytest.raises(RegistryError, match="code KHVHXH exists"):
        services.bloc_create(actor=cast.board, province=cast.province, kind="khoi", code="KHVHXH", name="Khác")
    # The same code in another province is fine.
    services.unit_create(
        actor=cast.board, province=cast.other_province, code="YT", name="Sở Y tế", head_title="Giám đốc"
    )


def test_decomposed_names_are_stored_in_nfc(cast):
    decomposed = unicodedata.normalize("NFD", "Sở Văn hóa và Thể thao")
    unit = services.unit_create(
        actor=cast.board, province=cast.province, code="VHTT", name=decomposed, head_title="Giám đốc"
    )
    assert unit.name == unicodedata.normalize("NFC", decomposed)
    assert unit.search_text == "vhtt so van hoa va the thao "


def test_events_refuse_to_be_rewritten(cast):
    event = Event.objects.first()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_units_named_alike_fold_diacritics_case_spacing_and_tone_marks(cast):
    hoa = services.unit_create(
        actor=cast.board, province=cast.province, code="VHTT", name="Sở Văn hoá, Thể thao", head_title="Giám đốc"
    )
    alike = services.units_named_alike(province_id=cast.province.pk, name="SỞ  VĂN HÒA, THỂ THAO")
    assert alike == [hoa]
    assert services.units_named_alike(province_id=cast.province.pk, name="Sở Văn hoá", exclude_pk=None) == []
    assert services.units_named_alike(province_id=cast.province.pk, name=hoa.name, exclude_pk=hoa.pk) == []
    # Another province's, or a unit no longer in the registry, is no namesake.
    assert services.units_named_alike(province_id=cast.other_province.pk, name=hoa.name) == []
    services.unit_close(actor=cast.board, unit=hoa, on=D(2022, 6, 1), reason="Giải thể")
    assert services.units_named_alike(province_id=cast.province.pk, name=hoa.name) == []


def test_unit_merge_records_the_decision_on_each_source(cast):
    services.unit_merge(
        actor=cast.board,
        sources=[cast.member_unit_2],
        target=cast.outsider_unit,
        on=D(2022, 10, 1),
        decision_number=" 1234/QĐ-UBND ",
        decision_date=D(2022, 9, 20),
        decision_issuer="Ủy ban nhân dân tỉnh Nam Định",
    )
    merged = Unit.objects.get(pk=cast.member_unit_2.pk)
    assert (merged.merger_decision_number, merged.merger_decision_date, merged.merger_decision_issuer) == (
        "1234/QĐ-UBND",
        D(2022, 9, 20),
        "Ủy ban nhân dân tỉnh Nam Định",
    )
    event = Event.objects.get(kind=Event.Kind.UNIT_MERGED)
    assert event.details["decision_number"] == "1234/QĐ-UBND" and event.details["decision_date"] == "2022-09-20"


def test_unit_merge_refuses_a_unit_that_left_the_registry(cast):
    services.unit_close(actor=cast.board, unit=cast.outsider_unit, on=D(2022, 6, 1), reason="Giải thể")
    with pytest.raises(services.RegistryError):
        services.unit_merge(actor=cast.board, sources=[cast.outsider_unit], target=cast.member_unit, on=D(2022, 7, 1))
    assert Unit.objects.get(pk=cast.outsider_unit.pk).successor is None


def test_province_board_name_set_records_an_event_once(cast):
    assert cast.province.board_title() == "Emulation and Commendation Board of Nam Định province"
    name = "Sở Nội vụ tỉnh Nam Định (Phòng Thi đua - Khen thưởng)"
    province = services.province_board_name_set(actor=cast.board, province=cast.province, board_name=name)
    assert province.board_title() == name
    services.province_board_name_set(actor=cast.board, province=cast.province, board_name=name)
    assert Event.objects.filter(kind=Event.Kind.PROVINCE_BOARD_NAMED).count() == 1
    with pytest.raises(services.RegistryError):
        services.province_board_name_set(actor=cast.board, province=cast.province, board_name="Hai\ndòng")
