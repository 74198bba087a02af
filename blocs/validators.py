"""Single-line text: the names, titles, codes and references that go into headings, documents and e-mail subjects.

A line break there breaks an e-mail header (``BadHeaderError``) and a one-line heading; forms
and services refuse it with a message. Outer whitespace is stripped before the check.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Every character ``str.splitlines`` breaks at.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")

LINE_BREAK_MESSAGE = _("Write this on one line, without line breaks.")


def has_line_break(value: str | None) -> bool:
    """Return True if *value*, without its outer whitespace, holds a line break."""
    return any(ch in LINE_BREAKS for ch in (value or "").strip())


def validate_single_line(value: str) -> None:
    """Refuse (form validation) a text with a line break."""
    if has_line_break(value):
        raise ValidationError(LINE_BREAK_MESSAGE, code="line_break")
