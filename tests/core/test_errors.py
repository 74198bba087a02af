"""run_action: a refused button press shows the service's message; a done one, its success text."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from core.errors import ServiceError, run_action


@pytest.fixture
def request_with_messages():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def texts(request) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in get_messages(request)]


def refuse():
    raise ServiceError("Khối đã có Khối trưởng.")


def test_a_refusal_becomes_an_error_message_and_a_false_outcome(request_with_messages):
    outcome = run_action(request_with_messages, refuse, "never shown", error_prefix="Sở Y tế: ")
    assert not outcome and outcome.result is None
    assert texts(request_with_messages) == [("error", "Sở Y tế: Khối đã có Khối trưởng.")]


def test_success_shows_the_text_made_from_the_result(request_with_messages):
    outcome = run_action(request_with_messages, lambda: 3, lambda sent: f"Đã nhắc {sent} người.")
    assert outcome and outcome.result == 3
    assert texts(request_with_messages) == [("success", "Đã nhắc 3 người.")]


def test_success_without_a_text_shows_nothing(request_with_messages):
    assert run_action(request_with_messages, lambda: 0, lambda sent: None).ok
    assert texts(request_with_messages) == []


def test_an_unexpected_error_is_not_swallowed(request_with_messages):
    with pytest.raises(ZeroDivisionError):
        run_action(request_with_messages, lambda: 1 / 0)
