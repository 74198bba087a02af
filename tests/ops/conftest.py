"""The pledges' and the board's fixtures, for the home page's and the notices' tests."""

from tests.board.conftest import season  # noqa: F401 (a fixture)
from tests.pledges.conftest import draft, heads, pledge  # noqa: F401 (fixtures)
