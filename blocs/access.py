"""Every permission decision of the registry: fetch and authorise in one step.

404 for what the user may not see, 403 for what the user may see but not
change. Views call these helpers and nothing else decides.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Bloc, Membership, Province, Term, Unit


def _merged_away(successor_id, merged_on, today: datetime.date) -> bool:
    """Return True if a province with these fields has merged into another by *today*."""
    return successor_id is not None and (merged_on is None or merged_on <= today)


def _board_scope(user) -> tuple[frozenset[int], frozenset[int]]:
    """Return the provinces *user* sees as a board officer and those it may change, cached for the request.

    A board officer works for one province and, since provinces merge, also on
    the records of the provinces merged into it. Once its own province has merged
    away (on the merger date), the old board still reads what it oversaw but
    changes nothing: the board of the province it merged into has taken over.
    A superuser sees and changes them all.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset(), frozenset()
    cached = getattr(user, "_board_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        ids = frozenset(Province.objects.values_list("pk", flat=True))
        scope = ids, ids
    elif user.is_board_officer:
        # One query for all provinces (a few dozen rows), then walk the
        # predecessors in Python so that the count does not grow with mergers.
        predecessors: dict[int, list[int]] = {}
        own_merged = False
        today = timezone.localdate()
        for pk, successor_id, merged_on in Province.objects.order_by().values_list("pk", "successor_id", "merged_on"):
            predecessors.setdefault(successor_id, []).append(pk)
            if pk == user.province_id:
                own_merged = _merged_away(successor_id, merged_on, today)
        found, todo = set(), [user.province_id]
        while todo:
            pk = todo.pop()
            if pk not in found:
                found.add(pk)
                todo.extend(predecessors.get(pk, []))
        ids = frozenset(found)
        scope = ids, (frozenset() if own_merged else ids)
    else:
        scope = frozenset(), frozenset()
    user._board_scope = scope
    return scope


def board_province_ids(user) -> frozenset[int]:
    """Return the provinces whose records *user* sees as a board officer (its own and those merged into it)."""
    return _board_scope(user)[0]


def board_writable_province_ids(user) -> frozenset[int]:
    """Return the provinces whose records *user* may change as a board officer.

    The same as ``board_province_ids``, except for the board of a province that
    has merged into another: from the merger date it changes nothing (empty).
    """
    return _board_scope(user)[1]


def is_board(user) -> bool:
    """Return True if *user* is a board officer (or a superuser)."""
    return user.is_authenticated and user.is_active and (user.is_superuser or user.is_board_officer)


def require_board(user) -> None:
    """Refuse (403) a logged-in user who is not a board officer."""
    if not is_board(user):
        raise PermissionDenied(_("Only the provincial board may do this."))


def _merged_board_message() -> str:
    return _(
        "Your province has merged into another: its records are read-only for you; "
        "the board of the province it merged into changes them."
    )


def require_board_writer(user) -> None:
    """Refuse (403) anyone but a board officer who may still change records (not the board of a merged province)."""
    require_board(user)
    if not board_writable_province_ids(user):
        raise PermissionDenied(_merged_board_message())


def writable_provinces(user) -> QuerySet[Province]:
    """Return the provinces where *user* may create units and blocs (living ones)."""
    today = timezone.localdate()
    provinces = Province.objects.filter(Q(successor__isnull=True) | Q(merged_on__gt=today))
    if user.is_superuser:
        return provinces
    if is_board(user):
        return provinces.filter(pk=user.province_id)
    return provinces.none()


def bloc_in_force(bloc: Bloc, today: datetime.date | None = None) -> bool:
    """Return True if *bloc* still exists: active, and its province not merged away (reads ``bloc.province``)."""
    today = today or timezone.localdate()
    province = bloc.province
    return bloc.active and not _merged_away(province.successor_id, province.merged_on, today)


def check_year(year: int) -> int:
    """Return *year* if an emulation year can be it (404 otherwise: ``/board/0000/`` is no year)."""
    if not Term.MIN_YEAR <= year <= Term.MAX_YEAR:
        raise Http404(
            _("There is no emulation year %(year)s: years run from %(first)s to %(last)s.")
            % {"year": year, "first": Term.MIN_YEAR, "last": Term.MAX_YEAR}
        )
    return year


@dataclass(frozen=True)
class TermRoles:
    """What one user is in one term.

    ``board``: the board that changes the term (its province's, or the board of the
    province it merged into); ``former_board``: the board of a province that has
    merged away, which still reads the term and changes nothing. ``chair_officer``
    holds only while the bloc exists (active, its province not merged away): the
    years of a dissolved bloc are a record that its chair's staff
    (``former_chair_officer``) still reads and no longer changes.
    ``read_only_reason`` says why someone who would otherwise change the term may not.

    ``can_edit`` decides what a user may change; ``can_oversee`` what it may read
    as the board or the chair's staff do (every unit's self-assessment and
    evidence, the results before they are published, the audit trail).
    """

    board: bool = False
    former_board: bool = False
    chair_officer: bool = False
    former_chair_officer: bool = False
    member: bool = False
    head: bool = False
    former_member: bool = False
    read_only_reason: str = ""

    @property
    def can_see(self) -> bool:
        return self.board or self.former_board or self.member or self.former_member

    @property
    def can_edit(self) -> bool:
        return self.board or self.chair_officer

    @property
    def can_oversee(self) -> bool:
        return self.can_edit or self.former_board or self.former_chair_officer


def term_roles(user, term: Term, member: bool) -> TermRoles:
    """Return *user*'s roles in *term*; *member*: whether the user's unit is one of the term's members."""
    if not user.is_authenticated or not user.is_active:
        return TermRoles()
    province_id = term.bloc.province_id
    sees_as_board = province_id in board_province_ids(user)
    board = sees_as_board and province_id in board_writable_province_ids(user)
    unit_id = user.unit_id
    member = member and unit_id is not None
    runs_the_year = member and (unit_id == term.chair_id or (term.vice_chair_acting and unit_id == term.vice_chair_id))
    reason = ""
    if sees_as_board and not board:
        reason = _merged_board_message()
    chair_officer = runs_the_year and bloc_in_force(term.bloc)
    if runs_the_year and not chair_officer and not board:
        reason = _("This bloc no longer exists (it is inactive or its province has merged): its years are read-only.")
    return TermRoles(
        board=board,
        former_board=sees_as_board and not board,
        chair_officer=chair_officer,
        former_chair_officer=runs_the_year and not chair_officer,
        member=member,
        head=member and user.can_sign,
        read_only_reason=reason,
    )


def runs_a_bloc(user) -> bool:
    """Return True if *user*'s unit runs a bloc's latest year: its chair (or its vice-chair while acting).

    The same test as ``term_roles``'s ``chair_officer``, on each bloc's latest year: the chair of a
    past year whose bloc has since moved on to another chair runs nothing, and a bloc that no
    longer exists (inactive, or its province merged away) gives no one this role.
    """
    if not user.is_authenticated or not user.is_active or user.unit_id is None:
        return False
    cached = getattr(user, "_runs_a_bloc", None)
    if cached is not None:
        return cached
    unit_id = user.unit_id
    latest = Term.objects.filter(bloc_id=OuterRef("bloc_id")).order_by("-year").values("year")[:1]
    terms = (
        Term.objects.filter(memberships__unit_id=unit_id, year=Subquery(latest))
        .filter(Q(chair_id=unit_id) | Q(vice_chair_acting=True, vice_chair_id=unit_id))
        .select_related("bloc__province")
    )
    today = timezone.localdate()
    user._runs_a_bloc = any(bloc_in_force(term.bloc, today) for term in terms)
    return user._runs_a_bloc


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
    """Return bloc *pk* if *user* may see it (404 otherwise).

    403 if *for_edit* and the user is not the board that changes it (the board
    of a merged-away province reads its blocs but no longer changes them).
    """
    queryset = queryset if queryset is not None else Bloc.objects.select_related("province")
    bloc = queryset.filter(pk=pk).first()
    if bloc is None:
        raise Http404(_("No such bloc."))
    board = bloc.province_id in board_province_ids(user)
    if not board and not _unit_in_bloc(user, bloc.pk):
        raise Http404(_("No such bloc."))
    if for_edit and not board:
        raise PermissionDenied(_("Only the provincial board may change this bloc."))
    if for_edit and bloc.province_id not in board_writable_province_ids(user):
        raise PermissionDenied(_merged_board_message())
    return bloc


# The columns the roles are decided on (``term_roles``, ``bloc_in_force``), from the term: for a view
# that reads nothing else of the term, its bloc and province (``only(*access_columns("term__"))``).
ROLE_COLUMNS = (
    "bloc_id",
    "year",
    "chair_id",
    "vice_chair_id",
    "vice_chair_acting",
    "bloc__province_id",
    "bloc__active",
    "bloc__province__successor_id",
    "bloc__province__merged_on",
)


def access_columns(prefix: str = "") -> list[str]:
    """Return the columns ``authorize_term`` reads, each behind *prefix* (the path to the term)."""
    return [prefix + column for column in ROLE_COLUMNS]


def with_membership(queryset: QuerySet, user, term_id: str = "pk") -> QuerySet:
    """Annotate *queryset* with ``user_unit_member``: whether *user*'s unit is a member of the row's term.

    *term_id* is the path to the term's id from the queryset's model (``"term_id"`` for a pledge).
    The access checks read it instead of loading the term's memberships: one query, not two.
    """
    if not (user.is_authenticated and user.unit_id):
        return queryset.annotate(user_unit_member=Value(False))
    members = Membership.objects.filter(term_id=OuterRef(term_id), unit_id=user.unit_id)
    return queryset.annotate(user_unit_member=Exists(members))


def get_term_for_user(
    user, bloc_pk: int, year: int, *, for_edit: bool = False, queryset=None, members_prefetched: bool = False
) -> Term:
    """Return the bloc's term of *year* if *user* may see it, with ``term.roles`` set.

    404 when the bloc is not visible or has no such year; 403 when *for_edit*
    and the user is neither the board (of a living province) nor the chair's
    officer (of a bloc that still exists). A caller's *queryset* must select
    ``bloc__province``: the roles read it. *members_prefetched*: the caller's queryset prefetches
    ``memberships`` (the year page's does), so membership is read from them, not asked again.
    """
    queryset = queryset if queryset is not None else Term.objects.select_related("bloc__province")
    if not members_prefetched:
        queryset = with_membership(queryset, user)
    try:
        term = queryset.get(bloc_id=bloc_pk, year=year)
    except Term.DoesNotExist:
        get_bloc_for_user(user, bloc_pk)  # an outsider learns nothing about the bloc
        raise Http404(_("This bloc has no emulation year %(year)s.") % {"year": year}) from None
    if members_prefetched:
        unit_id = user.unit_id if user.is_authenticated else None
        member = unit_id is not None and any(m.unit_id == unit_id for m in term.memberships.all())
    else:
        member = term.user_unit_member
    return authorize_term(user, term, member, for_edit=for_edit)


def authorize_term(user, term: Term, member: bool, *, for_edit: bool = False) -> Term:
    """Set ``term.roles`` for *user* on a *term* already read (with ``bloc__province``) and return it.

    *member*: whether the user's unit is one of the term's members (``with_membership`` reads it
    in the same query). 404 if the user may not see the term; 403 if *for_edit* and the user may
    see it but not change it. ``get_term_for_user`` and the pledge checks both decide here.
    """
    roles = term_roles(user, term, member)
    if not roles.can_see and _unit_in_bloc(user, term.bloc_id):
        roles = TermRoles(former_member=True)
    if not roles.can_see:
        raise Http404(_("No such bloc."))
    if for_edit and not roles.can_edit:
        raise PermissionDenied(
            roles.read_only_reason or _("Only the chair's officers and the provincial board may change this year.")
        )
    term.roles = roles
    return term


def get_unit_for_user(user, pk: int, *, for_edit: bool = False, queryset=None) -> Unit:
    """Return unit *pk* for the board of its province; 404 for anyone else.

    403 if *for_edit* and the user is the board of a province that has merged away.
    """
    queryset = queryset if queryset is not None else Unit.objects.select_related("province")
    unit = queryset.filter(pk=pk).first()
    if unit is None or unit.province_id not in board_province_ids(user):
        raise Http404(_("No such unit."))
    if for_edit and unit.province_id not in board_writable_province_ids(user):
        raise PermissionDenied(_merged_board_message())
    unit.can_edit = unit.province_id in board_writable_province_ids(user)
    return unit


def get_province_for_user(user, pk: int, *, for_edit: bool = False) -> Province:
    """Return province *pk* for the board that sees it (its own, or one merged into it); 404 for anyone else.

    403 if *for_edit* and the province is not one the user may still change: the board
    of a province that has merged away reads only, and a merged-away province's rules
    are no longer set (its successor's are). ``province.can_edit`` says which.
    """
    province = Province.objects.filter(pk=pk).first()
    if province is None or province.pk not in board_province_ids(user):
        raise Http404(_("No such province."))
    today = timezone.localdate()
    province.can_edit = province.pk in board_writable_province_ids(user) and not _merged_away(
        province.successor_id, province.merged_on, today
    )
    if for_edit and not province.can_edit:
        if province.pk not in board_writable_province_ids(user):
            raise PermissionDenied(_merged_board_message())
        raise PermissionDenied(
            _("%(name)s has merged into another province: its records are read-only.") % {"name": province.name}
        )
    return province
