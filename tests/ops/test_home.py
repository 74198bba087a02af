"""The home page: each role's work ("Việc cần làm")."""

import datetime

from django.urls import reverse
from django.utils import timezone

from blocs import services


def test_home_shows_chair_officer_the_missing_vice_chair(client, cast):
    year = timezone.localdate().year
    term = services.term_create(
        actor=cast.board,
        bloc=cast.bloc,
        year=year,
        units=[cast.chair_unit, cast.vice_unit, cast.member_unit],
        chair=cast.chair_unit,
        vice_chair=cast.vice_unit,
    )
    services.membership_end(
        actor=cast.board,
        membership=term.memberships.get(unit=cast.vice_unit),
        left_on=datetime.date(year, 1, 2),
        reason="x",
    )
    client.force_login(cast.chair_officer)
    response = client.get(reverse("home"))
    tasks = [task.text for task in response.context["tasks"]]
    assert any(cast.bloc.name in text and "Khối phó" in text for text in tasks), tasks
