"""What the review puts in headings, documents and e-mail subjects is written on one line: award forms' names,
the cover request's number and place, the decision's number and signer, the election's minutes."""

import datetime

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import AwardForm, Dossier, Election
from reviews.services import ReviewError

ONE_LINE = "Write this on one line, without line breaks."


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_an_award_forms_name_with_a_line_break_is_refused(english, cast):
    english.force_login(cast.board)
    data = {"code": "co", "name": "Cờ thi đua\ncủa UBND tỉnh", "default_quota": 1, "order": 1}
    response = english.post(reverse("reviews:award_forms", args=[2022]), data)
    assert response.status_code == 200 and response.context["form"].errors["name"] == [ONE_LINE]
    assert not AwardForm.objects.exists()
    with pytest.raises(ReviewError, match="on one line"):
        services.award_form_set(
            actor=cast.board, province=cast.province, year=2022, code="co", name="Cờ\r\nthi đua", default_quota=1
        )
    assert not AwardForm.objects.exists()


@pytest.mark.parametrize("field", ["number", "place"])
def test_the_cover_requests_number_and_place_are_single_lines(english, cast, field):
    english.force_login(cast.chair_officer)
    data = {"number": "05/TTr", "place": "Nam Định", "signed_on": "28/12/2022", "recipients": "- Ban TĐKT;\n- Lưu: VT."}
    response = english.post(reverse("reviews:dossier_prepare", args=[cast.bloc.pk, 2022]), data | {field: "05/TTr\nX"})
    assert response.status_code == 200 and response.context["form"].errors[field] == [ONE_LINE]
    assert not Dossier.objects.exists()
    # The recipients (Nơi nhận) are one per line: those line breaks are kept.
    assert english.post(reverse("reviews:dossier_prepare", args=[cast.bloc.pk, 2022]), data).status_code == 302
    assert Dossier.objects.get().recipients == "- Ban TĐKT;\n- Lưu: VT."
    with pytest.raises(ReviewError, match="on one line"):
        services.dossier_prepare(
            actor=cast.chair_officer,
            term=cast.term,
            number="05/TTr",
            place="Nam\u2028Định",
            signed_on=datetime.date(2022, 12, 28),
            recipients="",
        )
    assert Dossier.objects.get().place == "Nam Định"


def test_the_elections_minutes_are_a_single_line(english, cast):
    english.force_login(cast.chair_officer)
    data = {
        "chair": cast.vice_unit.pk,
        "vice_chair": cast.member_unit.pk,
        "method": "acclamation",
        "reference": "Biên bản\nsố 12",
    }
    response = english.post(reverse("reviews:election", args=[cast.bloc.pk, 2022]), data)
    assert response.status_code == 200 and response.context["form"].errors["reference"] == [ONE_LINE]
    assert not Election.objects.exists()


def test_the_decisions_number_and_signer_are_single_lines(cast):
    dossier = services.dossier_prepare(
        actor=cast.chair_officer,
        term=cast.term,
        number="05/TTr",
        place="Nam Định",
        signed_on=datetime.date(2022, 12, 28),
        recipients="- Ban TĐKT;",
    )
    for number, signer in (("12/QĐ\nUBND", "Trần Văn A"), ("12/QĐ-UBND", "Trần\rVăn A")):
        with pytest.raises(ReviewError, match="on one line"):
            services.dossier_decide(
                actor=cast.board, dossier=dossier, number=number, date=datetime.date(2023, 1, 10), signer=signer
            )
    assert Dossier.objects.get().decision_number == ""
