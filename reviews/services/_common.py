"""What every review service shares: the one refusal they raise."""

from blocs.validators import LINE_BREAK_MESSAGE, has_line_break
from core.errors import ServiceError


class ReviewError(ServiceError):
    """A rule of the review refused the change."""


def refuse_line_breaks(value: str, *, field: str | None = None) -> None:
    """Refuse a name, title, number or reference with a line break (it goes into headings and e-mail subjects)."""
    if has_line_break(value):
        raise ReviewError(str(LINE_BREAK_MESSAGE), field=field)
