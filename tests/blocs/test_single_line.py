"""Names, titles, codes and references of the registry are single lines: a line break in a bloc's name had broken
the reminder e-mail's subject (BadHeaderError). The forms re-display with the error; nothing is written."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from blocs import services
from blocs.models import Bloc, BlocName, Event, Term, Unit, UnitName
from blocs.services import RegistryError

BREAKS = ["Khối\nmới", "Khối\r\nmới", "Khối\rmới", "Khối\u2028mới", "Khối\x85mới"]


@pytest.fixture
def board_client(client, cast):
    client.cookies["django_language"] = "en"
    client.force_login(cast.board)
    return client


def errors(response, field) -> list[str]:
    assert response.status_code == 200
    return response.context["form"].errors.get(field, [])


@pytest.mark.parametrize("name", BREAKS)
def test_a_bloc_name_with_a_line_break_is_refused_on_every_form(board_client, cast, name):
    before = (Bloc.objects.count(), BlocName.objects.count(), Event.objects.count())
    create = {"kind": "khoi", "code": "MOI", "name": name}
    response = board_client.post(reverse("blocs:bloc_create"), create)
    assert errors(response, "name") == ["Write this on one line, without line breaks."]
    rename = {"on": "01/01/2023", "name": name}
    response = board_client.post(reverse("blocs:bloc_rename", args=[cast.bloc.pk]), rename)
    assert errors(response, "name") == ["Write this on one line, without line breaks."]
    assert (Bloc.objects.count(), BlocName.objects.count(), Event.objects.count()) == before
    assert Bloc.objects.get(pk=cast.bloc.pk).name == "Khối Khoa học - Văn hoá - Xã hội"


def test_unit_names_titles_and_codes_with_a_line_break_are_refused(board_client, cast):
    before = (Unit.objects.count(), UnitName.objects.count(), Event.objects.count())
    good = {"code": "MOI", "name": "Sở Mới", "short_name": "SM", "head_title": "Giám đốc"}
    for field in good:
        response = board_client.post(reverse("blocs:unit_create"), good | {field: "Sở\nMới"})
        assert errors(response, field), field
    rename = {"on": "01/01/2023", "name": "Sở Y tế", "short_name": "", "head_title": "Giám\nđốc"}
    assert errors(board_client.post(reverse("blocs:unit_rename", args=[cast.member_unit.pk]), rename), "head_title")
    assert errors(board_client.post(reverse("blocs:unit_edit", args=[cast.member_unit.pk]), {"code": "Y\nT"}), "code")
    assert (Unit.objects.count(), UnitName.objects.count(), Event.objects.count()) == before


def test_a_decision_reference_with_a_line_break_is_refused(client, cast):
    client.force_login(cast.chair_officer)
    data = {
        "chair": cast.chair_unit.pk,
        "vice_chair": cast.vice_unit.pk,
        "reference": "Biên bản\nsố 1",
        "effective_on": "01/06/2022",
    }
    response = client.post(reverse("blocs:term_roles", args=[cast.bloc.pk, 2022]), data)
    assert errors(response, "reference")
    assert Term.objects.get(pk=cast.term.pk).roles_reference == "Biên bản tổng kết 2021"


@pytest.mark.parametrize(
    "call",
    [
        lambda c: services.bloc_create(actor=c.board, province=c.province, kind="khoi", code="X", name="A\nB"),
        lambda c: services.bloc_rename(actor=c.board, bloc=c.bloc, on=datetime.date(2023, 1, 1), name="A\u2029B"),
        lambda c: services.unit_create(actor=c.board, province=c.province, code="X", name="A", head_title="G\rĐ"),
        lambda c: services.unit_update(actor=c.board, unit=c.member_unit, code="Y\nT"),
        lambda c: services.province_create(actor=None, code="NB", name="Ninh\nBình"),
        lambda c: services.term_assign_roles(
            actor=c.board,
            term=c.term,
            chair=c.chair_unit,
            vice_chair=c.vice_unit,
            reference="a\nb",
            effective_on=datetime.date(2022, 6, 1),
        ),
    ],
)
def test_the_services_refuse_line_breaks_too(cast, call):
    """A caller that skips the forms (the import, a command, a test) meets the same rule."""
    before = Event.objects.count()
    with translation.override("en"), pytest.raises(RegistryError, match="on one line"):
        call(cast)
    assert Event.objects.count() == before


def test_outer_whitespace_is_not_a_line_break(board_client, cast):
    response = board_client.post(
        reverse("blocs:bloc_rename", args=[cast.bloc.pk]), {"on": "01/01/2023", "name": "Khối mới\n"}
    )
    assert response.status_code == 302
    assert Bloc.objects.get(pk=cast.bloc.pk).name == "Khối mới"
