"""Permission decisions for accounts: the board manages its province's people."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from blocs.access import board_province_ids, require_board


def users_for_board(user) -> QuerySet[User]:
    """Return the accounts a board officer manages: its provinces' units and board."""
    require_board(user)
    ids = board_province_ids(user)
    return User.objects.filter(Q(unit__province_id__in=ids) | Q(province_id__in=ids))


def get_user_for_board(user, pk: int) -> User:
    """Return account *pk* if *user* is on the board of its province; 404 otherwise."""
    target = users_for_board(user).select_related("unit", "province").filter(pk=pk).first()
    if target is None:
        raise Http404(_("No such account."))
    return target
