"""The event base: rows are evidence (append-only), stamped with the services' clock."""

import datetime

import pytest

from blocs.models import Event
from core import clock
from pledges.models import PledgeEvent
from reviews.models import ReviewEvent


def test_record_stamps_the_services_clock(cast):
    moment = datetime.datetime(2022, 3, 30, 2, 0, tzinfo=datetime.UTC)
    with clock.fixed_at(moment):
        event = ReviewEvent.record(term=cast.term, actor=cast.board, kind=ReviewEvent.Kind.STARTED, details={"x": 1})
    assert event.created_at == moment and event.details == {"x": 1}


def test_a_trail_that_stamps_itself_keeps_its_own_time(cast):
    with clock.fixed_at(datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)):
        event = Event.record(province=cast.province, actor=cast.board, kind=Event.Kind.UNIT_UPDATED, summary="x")
    assert event.created_at.year > 2000  # auto_now_add: the registry's trail keeps the real time


@pytest.mark.parametrize("model", [Event, PledgeEvent, ReviewEvent])
def test_every_trail_refuses_changes_and_deletion(cast, model):
    event = model.objects.first() or Event.objects.first()
    assert event is not None  # the cast is built through the services, which write events
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
