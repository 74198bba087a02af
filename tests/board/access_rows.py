"""The board area's rows of the access matrix, to merge into ``MATRIX`` in tests/test_access_matrix.py.

Same format: name → (method, kwargs builder, expected status by role). The
dashboard is about a year, not an object: another province's board gets its
own (empty of our blocs) page, every logged-in user who is not on a board gets
403. ``tests/board/test_access_rows.py`` runs these rows against the cast.
"""

# The matrix's roles, in its column order.
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


def row(anonymous, superuser, board, other_board, chair_officer, vice_head, member_head, member_staff, outsider):
    values = [anonymous, superuser, board, other_board, chair_officer, vice_head, member_head, member_staff, outsider]
    return dict(zip(ROLES, values, strict=True))


BOARD_ROWS = {
    # Equal to the matrix's BOARD_ONLY.
    "board:dashboard": ("get", lambda c: {"year": 2022}, row(302, 200, 200, 200, 403, 403, 403, 403, 403)),
    # Sends the board on to this year's dashboard.
    "board:index": ("get", lambda c: {}, row(302, 302, 302, 302, 403, 403, 403, 403, 403)),
}
