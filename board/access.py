"""Every permission decision of the board area: fetch and authorise in one step.

The board area is for the officers of a provincial board and for superusers,
over the board's province and the provinces merged into it
(``blocs.access.board_province_ids``). As in ``blocs.access``: a logged-in user
who is not on a board gets 403; an object of a province outside the officer's
scope is 404, so that another province learns nothing of it.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from blocs.access import board_province_ids, require_board
from blocs.models import Province


def board_scope(user) -> frozenset[int]:
    """Return the provinces *user* oversees as a board officer; refuse (403) anyone who is not on a board."""
    require_board(user)
    return board_province_ids(user)


def get_province_for_board(user, pk: int) -> Province:
    """Return province *pk* if it is in *user*'s board scope: 403 if not on a board, 404 for another province."""
    if pk not in board_scope(user):
        raise Http404(_("No such province."))
    province = Province.objects.filter(pk=pk).first()
    if province is None:
        raise Http404(_("No such province."))
    return province
