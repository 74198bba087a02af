"""Ký số on the to-do lists and in the notices, against the real test PKI and CSC server: opening
tells heads and clerks; once a head has signed, the unit's clerk (văn thư) is asked for the seal."""

from django.urls import reverse

from core.models import Notice
from pledges import notices
from tests.kyso import build_kyso
from tests.pledges.test_kyso import _take_turn


def test_opening_tells_heads_and_clerks_and_the_clerk_is_asked_for_the_seal(db, kyso_settings, test_pki, client):
    kyso = build_kyso(test_pki, members=2)
    told = set(Notice.objects.filter(kind=notices.SIGNING_OPENED).values_list("user__username", flat=True))
    assert told == {user.username for user in kyso.heads + kyso.clerks}  # not the staff
    first_head, first_clerk, second_clerk = kyso.heads[0], kyso.clerks[0], kyso.clerks[1]
    client.force_login(first_clerk)
    assert "clerk" not in {s.key for s in client.get(reverse("home")).context["sections"]}  # the head first

    kyso.link(first_head, f"nd-{first_head.unit.code.lower()}-head")
    _take_turn(kyso, first_head, "csc")  # the remote signature runs at once (immediate queue)
    assert kyso.pledge.signatures.filter(unit=first_head.unit).exists()

    sections = {s.key: s for s in client.get(reverse("home")).context["sections"]}
    [item] = sections["clerk"].items
    assert item.url == reverse("pledges:digital", args=[kyso.pledge.pk])
    client.force_login(second_clerk)  # their head has not signed: nothing to seal yet
    assert "clerk" not in {s.key for s in client.get(reverse("home")).context["sections"]}


def test_a_signer_who_waited_in_line_is_told_once_that_the_turn_came(db, kyso_settings, test_pki):
    import datetime

    from django.core import mail
    from django.test import TestCase
    from django.utils import timezone

    from core import clock
    from pledges.services import digital

    kyso = build_kyso(test_pki, members=2)
    first, second = kyso.heads
    start = timezone.now()
    with clock.fixed_at(start):
        digital.turn_request(actor=first, pledge=kyso.pledge, method="upload")  # the turn at once: on the page
        digital.turn_request(actor=second, pledge=kyso.pledge, method="upload")  # waits in line
    assert not Notice.objects.filter(kind=notices.TURN).exists()
    mail.outbox.clear()
    with clock.fixed_at(start + datetime.timedelta(seconds=45)), TestCase.captureOnCommitCallbacks(execute=True):
        digital.turn_cancel(actor=first, pledge=kyso.pledge)  # the turn passes to the one who waited
        digital.turn_view(kyso.pledge, second)  # the page looks again: nothing more is sent
    [notice] = Notice.objects.filter(kind=notices.TURN)
    assert notice.user == second
    [message] = [m for m in mail.outbox if m.to == [second.email]]
    assert reverse("pledges:digital", args=[kyso.pledge.pk]) in message.body
