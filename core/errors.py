"""The one kind of refusal every service raises, and how a form or a button shows it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest


class ServiceError(Exception):
    """A rule refused the change; ``message`` says which, ``field`` where (if a form field)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def run_service(form, action):
    """Run the service call *action*; on a refusal, show its message on *form* and return None."""
    try:
        return action()
    except ServiceError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


@dataclass
class Outcome:
    """What ``run_action`` did: *ok* is false when a rule refused the change; *result* is the action's return."""

    ok: bool
    result: Any = None

    def __bool__(self) -> bool:
        return self.ok


def run_action(
    request: HttpRequest,
    action: Callable[[], Any],
    on_success: str | Callable[[Any], str | None] | None = None,
    *,
    error_prefix: str = "",
) -> Outcome:
    """Run the service call *action* for a button that has no form to show errors on.

    A refusal becomes an error message (after *error_prefix*, when the page lists several
    things); success shows *on_success*, a text or a function of the result that returns
    one (or None for no message). Return the ``Outcome``, truthy on success.
    """
    try:
        result = action()
    except ServiceError as error:
        messages.error(request, f"{error_prefix}{error.message}")
        return Outcome(False)
    text = on_success(result) if callable(on_success) else on_success
    if text:
        messages.success(request, text)
    return Outcome(True, result)
