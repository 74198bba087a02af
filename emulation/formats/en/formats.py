# Day-first dates in English too: our users type 05/03/2022 for 5 March, and
# Django's en format file would read it as 3 May. Only the number separators differ.
from emulation.formats.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
