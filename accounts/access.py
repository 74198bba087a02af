"""Permission decisions for accounts: the board manages its province's people."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from blocs.access import board_province_ids, is_board, require_board, runs_a_bloc, writable_provinces
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
    target = users_for_board(user).select_related("unit__province", "province").filter(pk=pk).first()
    if target is None:
        raise Http404(_("No such account."))
    if for_edit and not writable_provinces(user).exists():
        raise PermissionDenied(_("Your province has merged into another: the board of that province manages users."))
    return target


def users_of_own_unit(user) -> QuerySet[User]:
    """Return the accounts the chair's officer manages: its own unit's (none for anyone else).

    The chair's officer (``blocs.access.runs_a_bloc``) keeps its unit's people right for the
    bloc's signing: positions, signing rights and capacities, the clerk. Other units' people
    are their board's to manage, even in the chair's own bloc.
    """
    if not runs_a_bloc(user):
        return User.objects.none()
    return User.objects.filter(unit_id=user.unit_id)


def get_user_for_edit(user, pk: int) -> User:
    """Return account *pk* if *user* may change it, with ``target.edit_as_board`` set.

    The board of the account's province changes every field, the unit included; the chair's
    officer changes its own unit's people, not their unit. 403 for whoever sees the account
    but may not change it (a colleague of the same unit, the board of a province merged into
    another); 404 for anyone else, who learns nothing about the account.
    """
    if is_board(user):
        target = get_user_for_board(user, pk, for_edit=True)
        target.edit_as_board = True
        return target
    target = User.objects.select_related("unit__province", "province").filter(pk=pk).first()
    if target is None or user.unit_id is None or target.unit_id != user.unit_id:
        raise Http404(_("No such account."))
    if not runs_a_bloc(user):
        raise PermissionDenied(
            _("Only the provincial board, or the chair's officers for their own unit's people, may change an account.")
        )
    target.edit_as_board = False
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
