"""The difference between a pledge and the one it was copied from: item by item, word by word."""

import difflib
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SIMILAR = 0.5  # below this, two commitments are different ones, not one reworded


def words_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Return *old* and *new* as HTML with removed words in <del> and added words in <ins>."""
    a, b = old.split(), new.split()
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        removed, added = escape(" ".join(a[i1:i2])), escape(" ".join(b[j1:j2]))
        if op == "equal":
            left.append(removed)
            right.append(added)
        else:
            if removed:
                left.append(f"<del>{removed}</del>")
            if added:
                right.append(f"<ins>{added}</ins>")
    return mark_safe(" ".join(left)), mark_safe(" ".join(right))  # noqa: S308 (every piece escaped above)


@dataclass
class Row:
    state: str  # "same", "changed", "moved", "added", "removed"
    old_number: int | None
    new_number: int | None
    old_html: SafeString
    new_html: SafeString


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=a.split(), b=b.split(), autojunk=False).ratio()


def items_diff(old_items: list[str], new_items: list[str]) -> list[Row]:
    """Pair each new commitment with the most similar old one (reordered or reworded), then list the rest."""
    unused = set(range(len(old_items)))
    rows = []
    for j, new in enumerate(new_items):
        best, score = None, SIMILAR
        for i in unused:
            ratio = 1.0 if old_items[i] == new else _ratio(old_items[i], new)
            if ratio >= score and (best is None or ratio > score or abs(i - j) < abs(best - j)):
                best, score = i, ratio
        if best is None:
            rows.append(Row("added", None, j + 1, mark_safe(""), mark_safe(f"<ins>{escape(new)}</ins>")))
            continue
        unused.discard(best)
        old = old_items[best]
        left, right = words_diff(old, new)
        if old == new:
            state = "same" if best == j else "moved"
        else:
            state = "changed"
        rows.append(Row(state, best + 1, j + 1, left, right))
    for i in sorted(unused):
        rows.append(Row("removed", i + 1, None, mark_safe(f"<del>{escape(old_items[i])}</del>"), mark_safe("")))
    return rows


def fields_diff(old, new, names: list[tuple[str, str]]) -> list[dict]:
    """Compare the text fields *names* (attribute, label) of two pledges."""
    rows = []
    for attribute, label in names:
        a, b = getattr(old, attribute) or "", getattr(new, attribute) or ""
        left, right = words_diff(a, b)
        rows.append({"label": label, "changed": a != b, "old_html": left, "new_html": right})
    return rows
