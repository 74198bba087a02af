"""Login throttling that an attacker cannot turn against a user (django-axes' database handler).

Two counts, both keyed on the client's address as ``core.network`` finds it behind the proxy:

- failures for one user name from one address: ``AXES_FAILURE_LIMIT`` within
  ``AXES_COOLOFF_TIME`` lock that user name *from that address only*, so that wrong
  passwords sent from elsewhere never lock the real user out;
- failures across all user names from one address: ``AXES_ADDRESS_FAILURE_LIMIT``
  within ``AXES_ADDRESS_COOLOFF_MINUTES`` lock the address, so that one address cannot
  try a password on every account. The window is short because an office's staff may
  share one address.

A successful login clears its own user name's failures from that address, never the
address's count (else an attacker with an account of their own could clear it between
guesses). Setting a new password through the e-mailed link clears every failure of that
user name (``accounts.services.login_failures_clear``).
"""

import datetime

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum


def _failures(attempts: QuerySet) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottle(AxesDatabaseHandler):
    """Lock a (user name, address) pair after a few failures, and an address after more across names."""

    def _pair(self, request, credentials) -> QuerySet:
        username = get_client_username(request, credentials)
        return AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address)

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """Return the pair's failures, or the pair's limit when the address is locked across names."""
        pair = _failures(self._pair(request, credentials).filter(attempt_time__gte=get_cool_off_threshold(request)))
        since = request.axes_attempt_time - datetime.timedelta(minutes=settings.AXES_ADDRESS_COOLOFF_MINUTES)
        address = _failures(AccessAttempt.objects.filter(ip_address=request.axes_ip_address, attempt_time__gte=since))
        if address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(pair, settings.AXES_FAILURE_LIMIT)
        return pair

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """Clear the failures of the user name that logged in, from this address only."""
        count, _ = self._pair(request, credentials).delete()
        return count
