"""Access-matrix rows for the board's Excel import, to merge into ``MATRIX`` in tests/test_access_matrix.py.

Same format: name → (method, kwargs builder, expected status per role).
Every board officer of a living province imports into its own province, so
another province's board gets the page too (200), as with ``BOARD_ONLY``.
"""

# The same as BOARD_ONLY in tests/test_access_matrix.py, in ROLES order:
# anonymous, superuser, board, other_board, chair_officer, vice_head, member_head, member_staff, outsider.
_BOARD_ONLY = dict(
    zip(
        [
            "anonymous",
            "superuser",
            "board",
            "other_board",
            "chair_officer",
            "vice_head",
            "member_head",
            "member_staff",
            "outsider",
        ],
        [302, 200, 200, 200, 403, 403, 403, 403, 403],
        strict=True,
    )
)

IMPORT_ROWS = {
    "blocs:import": ("get", lambda c: {}, _BOARD_ONLY),
    "blocs:import_template": ("get", lambda c: {}, _BOARD_ONLY),
}
