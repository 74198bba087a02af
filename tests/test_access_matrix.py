"""Every URL pattern × every role → the expected status.

A new URL pattern without a row here fails ``test_every_url_pattern_has_a_row``.
Of the admin, only its index is listed: every admin page sits behind the same
``has_permission`` check (superusers only), which the index exercises.
"""

import pytest
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

ROLES = [
    "anonymous",
    "superuser",
    "board",
    "other_board",
    "chair_officer",
    "vice_head",
    "member_head",
    "member_staff",
    "outsider",
]


# Shorthands for the columns, in ROLES order.
def row(anonymous, superuser, board, other_board, chair_officer, vice_head, member_head, member_staff, outsider):
    values = [anonymous, superuser, board, other_board, chair_officer, vice_head, member_head, member_staff, outsider]
    return dict(zip(ROLES, values, strict=True))


EVERYONE = row(302, 200, 200, 200, 200, 200, 200, 200, 200)
BOARD_ONLY = row(302, 200, 200, 200, 403, 403, 403, 403, 403)
BLOC_READ = row(302, 200, 200, 404, 200, 200, 200, 200, 404)
BLOC_BOARD_EDIT = row(302, 200, 200, 404, 403, 403, 403, 403, 404)
TERM_EDIT = row(302, 200, 200, 404, 200, 403, 403, 403, 404)
UNIT_PAGE = row(302, 200, 200, 404, 404, 404, 404, 404, 404)
PUBLIC = row(200, 200, 200, 200, 200, 200, 200, 200, 200)
REDIRECT_ALL = row(302, 302, 302, 302, 302, 302, 302, 302, 302)

# name: (method, kwargs builder, expected statuses)
MATRIX = {
    "home": ("get", lambda c: {}, EVERYONE),
    "set_language": ("post", lambda c: {}, REDIRECT_ALL),
    "admin:index": ("get", lambda c: {}, row(302, 200, 302, 302, 302, 302, 302, 302, 302)),
    "accounts:login": ("get", lambda c: {}, row(200, 302, 302, 302, 302, 302, 302, 302, 302)),
    "accounts:logout": ("post", lambda c: {}, REDIRECT_ALL),
    "accounts:password_change": ("get", lambda c: {}, EVERYONE),
    "accounts:password_change_done": ("get", lambda c: {}, EVERYONE),
    "accounts:password_reset": ("get", lambda c: {}, PUBLIC),
    "accounts:password_reset_done": ("get", lambda c: {}, PUBLIC),
    "accounts:password_reset_confirm": ("get", lambda c: {"uidb64": "MQ", "token": "bad-token"}, PUBLIC),
    "accounts:password_reset_complete": ("get", lambda c: {}, PUBLIC),
    "accounts:user_list": ("get", lambda c: {}, BOARD_ONLY),
    "accounts:user_invite": ("get", lambda c: {}, BOARD_ONLY),
    "accounts:user_deactivate": (
        "post",
        lambda c: {"pk": c.member_staff.pk},
        row(302, 302, 302, 404, 403, 403, 403, 403, 403),
    ),
    "blocs:bloc_list": ("get", lambda c: {}, EVERYONE),
    "blocs:bloc_create": ("get", lambda c: {}, BOARD_ONLY),
    "blocs:bloc_detail": ("get", lambda c: {"pk": c.bloc.pk}, BLOC_READ),
    "blocs:bloc_edit": ("get", lambda c: {"pk": c.bloc.pk}, BLOC_BOARD_EDIT),
    "blocs:bloc_rename": ("get", lambda c: {"pk": c.bloc.pk}, BLOC_BOARD_EDIT),
    "blocs:term_create": ("get", lambda c: {"pk": c.bloc.pk}, BLOC_BOARD_EDIT),
    "blocs:term_detail": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, BLOC_READ),
    "blocs:membership_add": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, TERM_EDIT),
    "blocs:membership_end": (
        "get",
        lambda c: {"pk": c.bloc.pk, "year": 2022, "membership_pk": c.term.memberships.get(unit=c.member_unit_2).pk},
        TERM_EDIT,
    ),
    "blocs:term_roles": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, TERM_EDIT),
    "blocs:term_acting": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, TERM_EDIT),
    "blocs:term_rollover": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, TERM_EDIT),
    "blocs:unit_list": ("get", lambda c: {}, BOARD_ONLY),
    "blocs:unit_create": ("get", lambda c: {}, BOARD_ONLY),
    "blocs:unit_detail": ("get", lambda c: {"pk": c.member_unit.pk}, UNIT_PAGE),
    "blocs:unit_edit": ("get", lambda c: {"pk": c.member_unit.pk}, UNIT_PAGE),
    "blocs:unit_rename": ("get", lambda c: {"pk": c.member_unit.pk}, UNIT_PAGE),
    "blocs:unit_merge": ("get", lambda c: {"pk": c.member_unit.pk}, UNIT_PAGE),
    "blocs:unit_close": ("get", lambda c: {"pk": c.member_unit.pk}, UNIT_PAGE),
}


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if inner == "admin:":
                yield "admin:index"
                continue
            yield from url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_pattern_has_a_row():
    assert set(url_names()) == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(client, cast, name, role):
    method, kwargs, expected = MATRIX[name]
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    response = getattr(client, method)(reverse(name, kwargs=kwargs(cast)))
    assert response.status_code == expected[role], f"{name} as {role}"
