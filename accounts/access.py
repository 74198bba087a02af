"""Permission decisions for accounts: the board manages its province's people."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from blocs.access import board_province_ids, require_board, writable_provinces
from blocs.models import Province


def users_for_board(user) -> QuerySet[User]:
    """Return the accounts a board officer manages: its provinces' units and board."""
    require_board(user)
    ids = board_province_ids(user)
    return User.objects.filter(Q(unit__province_id__in=ids) | Q(province_id__in=ids))


def get_user_for_board(user, pk: int, *, for_edit: bool = False) -> User:
    """Return account *pk* if *user* is on the board of its province; 404 otherwise.

    With *for_edit*, 403 for the board of a province that has merged into another: the
    board of the province it merged into manages its people now.
    """
    target = users_for_board(user).select_related("unit", "province").filter(pk=pk).first()
    if target is None:
        raise Http404(_("No such account."))
    if for_edit and not writable_provinces(user).exists():
        raise PermissionDenied(_("Your province has merged into another: the board of that province manages users."))
    return target


def get_invite_province(user) -> Province:
    """Return the living province into which *user* invites board officers; 403 if none.

    After a merger the board of the province it merged into invites, into its own
    province; the old province's board is told whose board that is.
    """
    require_board(user)
    province = writable_provinces(user).first()
    if province is not None:
        return province
    own = Province.objects.select_related("successor").filter(pk=user.province_id).first()
    if own is not None and own.successor is not None:
        raise PermissionDenied(
            _("%(old)s has merged into %(new)s: the board of %(new)s invites users now.")
            % {"old": own.name, "new": own.successor.name}
        )
    raise PermissionDenied(_("There is no province you may invite users into."))
