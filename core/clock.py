"""The one clock of the pledge services.

Tests and the demo set it so that, for instance, the 2022 signatures carry
2022 times; everything else reads the real time.
"""

import contextlib
import contextvars
import datetime

from django.utils import timezone

_fixed: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar("pledge_clock", default=None)


def now() -> datetime.datetime:
    """Return the current time (aware), or the time fixed by ``fixed_at``."""
    return _fixed.get() or timezone.now()


@contextlib.contextmanager
def fixed_at(moment: datetime.datetime):
    """Make ``now()`` return *moment* inside the block."""
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)
