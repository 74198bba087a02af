import datetime

from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from blocs.models import Bloc, Term, Unit
from tests.conftest import SEED_2022_NAMES


def row_counts():
    return {model.__name__: model.objects.count() for model in apps.get_app_config("blocs").get_models()} | {
        "User": User.objects.count()
    }


def test_seed_demo_twice_gives_the_same_data(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = row_counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert row_counts() == first
    assert first["Term"] == 7  # KH-VH-XH 2022–2025, Tổng hợp 2025, Ninh Bình, Cao Bằng


def test_seed_demo_has_the_seed_bloc_and_2025_changes(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    bloc = Bloc.objects.get(province__code="NDH", code="KHVHXH")
    term_2022 = Term.objects.for_year_page().get(bloc=bloc, year=2022)
    names = [m.unit.name_on(datetime.date(2022, 12, 31)) for m in term_2022.memberships.all()]
    assert names == SEED_2022_NAMES
    # 2023 and 2024 by rotation: the vice-chair became chair.
    term_2023 = Term.objects.select_related("chair", "vice_chair").get(bloc=bloc, year=2023)
    assert (term_2023.chair.code, term_2023.vice_chair.code) == ("LDTBXH", "BDT")
    term_2025 = Term.objects.get(bloc=bloc, year=2025)
    # The vice-chair merged into Sở Nội vụ, a member of another bloc: not added here.
    left = term_2025.memberships.select_related("unit").get(unit__code="LDTBXH")
    assert left.left_on == datetime.date(2025, 3, 1) and "Sở Nội vụ" in left.left_reason
    assert not term_2025.memberships.filter(unit__code="NV").exists()
    # Then the province merged: every membership ended, the old bloc stays on record.
    assert not term_2025.memberships.filter(left_on__isnull=True).exists()
    bloc.refresh_from_db()
    assert not bloc.active
    ethnic = Unit.objects.prefetch_related("versions").get(province__code="NDH", code="BDT")
    assert ethnic.name_on(datetime.date(2022, 3, 30)) == "Ban Dân tộc"
    assert ethnic.head_title_on(datetime.date(2025, 6, 1)) == "Giám đốc"
    assert ethnic.successor.province.name == "Ninh Bình"
    new_bloc = Bloc.objects.get(province__code="NBH", code="KHVHXH")
    assert list(new_bloc.formed_from.all()) == [bloc]
    assert Term.objects.filter(bloc=new_bloc, year=timezone.localdate().year).exists()


def test_2022_page_shows_2022_names_and_province(client, db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    bloc = Bloc.objects.get(province__code="NDH", code="KHVHXH")
    client.force_login(User.objects.get(username="khcn.staff"))
    page = client.get(reverse("blocs:term_detail", kwargs={"pk": bloc.pk, "year": 2022})).content.decode()
    assert "Ban Dân tộc" in page and "Sở Dân tộc và Tôn giáo" not in page
    assert "Nam Định" in page


def test_provinces_do_not_see_each_other(client, db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    client.force_login(User.objects.get(username="bandtk.caobang"))
    response = client.get(reverse("blocs:bloc_list"))
    assert [b.province.code for b in response.context["blocs"]] == ["CBG"]
    # Ninh Bình's board also sees the records of Nam Định, merged into it.
    client.force_login(User.objects.get(username="bandtk.ninhbinh"))
    codes = {b.province.code for b in client.get(reverse("blocs:bloc_list")).context["blocs"]}
    assert codes == {"NDH", "NBH"}


def test_seed_demo_has_the_completed_2022_pledge_and_one_to_sign(db):
    from pledges.models import Pledge

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    pledge = Pledge.objects.get(term__bloc__province__code="NDH", term__year=2022)
    assert pledge.status == "completed" and pledge.items.count() == 8
    signed = list(pledge.signatures.order_by("signed_at"))
    assert len(signed) == 8 and {s.signed_at.year for s in signed} == {2022}
    assert signed[0].unit_name == "Sở Khoa học và Công nghệ"
    assert timezone.localtime(pledge.completed_at).date() == datetime.date(2022, 3, 30)
    current = Pledge.objects.get(term__bloc__province__code="NBH")
    assert current.status == "open" and current.signing_deadline > timezone.localdate()
