"""What a pledge may hold: every size a user controls, bounded, with the reason for each bound.

The seed article's 2022 pledge (``seed_demo``) has 8 commitments of 100–180 characters, three legal
grounds in 289 characters, an introduction of 222 and an implementation section of 320; provincial
pledges run to 5–20 commitments of a few sentences and an introduction of a paragraph or two. The
bounds below are ten times and more those sizes, so that no real document meets them, while the
largest pledge they allow (40 commitments of 2,000 characters, 8,000-character introduction and
implementation) renders as a PDF in about 1.3 s and as page images in about 3 s (34 pages) on two
cores — well inside ``PDF_TIME_LIMIT``. Without them a draft of 150 commitments of 4,000 characters
and a 1 MB introduction took 75 s per preview.

Forms and services both check them: the form to show the message beside the field, the service so
that no other caller stores more.
"""

from django.utils.translation import gettext as _

# Characters per text field of the pledge.
TEXT_LIMITS = {
    "title": 255,
    "place": 100,
    "legal_grounds": 3000,
    "introduction": 8000,
    "slogan": 255,
    "implementation": 8000,
}
# Fields printed on one line (and used in e-mail subjects): a line break would split them.
ONE_LINE_FIELDS = ("title", "place", "slogan")
MAX_ITEMS = 40
MAX_ITEM_CHARS = 2000
MAX_COMMENT_CHARS = 4000
# Comments of one unit on one draft: about two a commitment at the most commitments.
MAX_COMMENTS_PER_UNIT = 100
MAX_REASON_CHARS = 255

# Line separators a browser or a paste can carry: each would start a new line in a subject or a heading.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def has_line_break(value: str) -> bool:
    return any(ch in LINE_BREAKS for ch in value or "")


def too_long_message(count: int) -> str:
    return _("At most %(count)s characters.") % {"count": count}


def items_message() -> str:
    return _("A pledge has at most %(count)s commitments.") % {"count": MAX_ITEMS}


def one_line_message() -> str:
    return _("Write this on one line: no line breaks.")
