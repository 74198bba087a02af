"""The one kind of refusal every service raises, and how a form shows it."""


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
