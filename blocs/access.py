"""Every permission decision of the registry: fetch and authorise in one step.

404 for what the user may not see, 403 for what the user may see but not
change. Views call these helpers and nothing else decides.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from blocs.models import Bloc, Membership, Province, Term, Unit


def board_province_ids(user) -> frozenset[int]:
    """Return the provinces whose records *user* works on as a board officer.

    A board officer works for one province and, since provinces merge, also on
    the records of the provinces merged into it. A superuser sees them all.
    The answer is cached on the user object for the request.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_board_province_ids", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        ids = frozenset(Province.objects.values_list("pk", flat=True))
    elif user.is_board_officer:
        # One query for all provinces (a few dozen rows), then walk the
        # predecessors in Python so that the count does not grow with mergers.
        predecessors: dict[int, list[int]] = {}
        for pk, successor_id in Province.objects.values_list("pk", "successor_id"):
            predecessors.setdefault(successor_id, []).append(pk)
        found, todo = set(), [user.province_id]
        while todo:
            pk = todo.pop()
            if pk not in found:
                found.add(pk)
                todo.extend(predecessors.get(pk, []))
        ids = frozenset(found)
    else:
        ids = frozenset()
    user._board_province_ids = ids
    return ids


def is_board(user) -> bool:
    """Return True if *user* is a board officer (or a superuser)."""
    return user.is_authenticated and user.is_active and (user.is_superuser or user.is_board_officer)


def require_board(user) -> None:
    """Refuse (403) a logged-in user who is not a board officer."""
    if not is_board(user):
        raise PermissionDenied(_("Only the provincial board may do this."))


def writable_provinces(user) -> QuerySet[Province]:
    """Return the provinces where *user* may create units and blocs (living ones)."""
    provinces = Province.objects.filter(successor__isnull=True)
    if user.is_superuser:
        return provinces
    if is_board(user):
        return provinces.filter(pk=user.province_id)
    return provinces.none()


@dataclass(frozen=True)
class TermRoles:
    """What one user is in one term."""

    board: bool = False
    chair_officer: bool = False
    member: bool = False
    head: bool = False
    former_member: bool = False

    @property
    def can_see(self) -> bool:
        return self.board or self.member or self.former_member

    @property
    def can_edit(self) -> bool:
        return self.board or self.chair_officer


def term_roles(user, term: Term, member_unit_ids: set[int]) -> TermRoles:
    """Return *user*'s roles in *term*; *member_unit_ids* are the term's member units."""
    if not user.is_authenticated or not user.is_active:
        return TermRoles()
    board = term.bloc.province_id in board_province_ids(user)
    unit_id = user.unit_id
    member = unit_id is not None and unit_id in member_unit_ids
    chair_officer = member and (unit_id == term.chair_id or (term.vice_chair_acting and unit_id == term.vice_chair_id))
    return TermRoles(
        board=board,
        chair_officer=chair_officer,
        member=member,
        head=member and user.can_sign,
    )


def _unit_in_bloc(user, bloc_id: int) -> bool:
    return (
        user.is_authenticated
        and user.unit_id is not None
        and Membership.objects.filter(term__bloc_id=bloc_id, unit_id=user.unit_id).exists()
    )


def visible_blocs(user) -> QuerySet[Bloc]:
    """Return the blocs *user* may see: the board's province, or the user's own blocs."""
    if not user.is_authenticated:
        return Bloc.objects.none()
    if is_board(user):
        return Bloc.objects.filter(province_id__in=board_province_ids(user))
    if user.unit_id is None:
        return Bloc.objects.none()
    return Bloc.objects.filter(pk__in=Membership.objects.filter(unit_id=user.unit_id).values("term__bloc_id"))


def get_bloc_for_user(user, pk: int, *, for_edit: bool = False, queryset=None) -> Bloc:
    """Return bloc *pk* if *user* may see it (404 otherwise); 403 if *for_edit* and not board."""
    queryset = queryset if queryset is not None else Bloc.objects.select_related("province")
    bloc = queryset.filter(pk=pk).first()
    if bloc is None:
        raise Http404(_("No such bloc."))
    board = bloc.province_id in board_province_ids(user)
    if not board and not _unit_in_bloc(user, bloc.pk):
        raise Http404(_("No such bloc."))
    if for_edit and not board:
        raise PermissionDenied(_("Only the provincial board may change this bloc."))
    return bloc


def get_term_for_user(user, bloc_pk: int, year: int, *, for_edit: bool = False, queryset=None) -> Term:
    """Return the bloc's term of *year* if *user* may see it, with ``term.roles`` set.

    404 when the bloc is not visible or has no such year; 403 when *for_edit*
    and the user is neither the board nor the chair's officer.
    """
    queryset = queryset if queryset is not None else Term.objects.select_related("bloc")
    term = queryset.filter(bloc_id=bloc_pk, year=year).first()
    if term is None:
        get_bloc_for_user(user, bloc_pk)  # an outsider learns nothing about the bloc
        raise Http404(_("This bloc has no emulation year %(year)s.") % {"year": year})
    # The member units: no query when the caller's queryset prefetched the memberships (the year page's does).
    member_unit_ids = {m.unit_id for m in term.memberships.all()} if user.is_authenticated and user.unit_id else set()
    roles = term_roles(user, term, member_unit_ids)
    if not roles.can_see and _unit_in_bloc(user, term.bloc_id):
        roles = TermRoles(former_member=True)
    if not roles.can_see:
        raise Http404(_("No such bloc."))
    if for_edit and not roles.can_edit:
        raise PermissionDenied(_("Only the chair's officers and the provincial board may change this year."))
    term.roles = roles
    return term


def get_unit_for_user(user, pk: int, *, queryset=None) -> Unit:
    """Return unit *pk* for the board of its province; 404 for anyone else."""
    queryset = queryset if queryset is not None else Unit.objects.select_related("province")
    unit = queryset.filter(pk=pk).first()
    if unit is None or unit.province_id not in board_province_ids(user):
        raise Http404(_("No such unit."))
    return unit
