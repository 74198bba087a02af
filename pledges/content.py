"""What a pledge prints, as a canonical serialisation, and its SHA-256.

Version 1: sorted JSON of NFC text, without the signatures themselves. A
signature records the hash it saw; the server recomputes it before accepting
each signature, so a changed pledge cannot collect signatures made for another.
"""

import hashlib
import json
import re
import unicodedata

HASH_VERSION = 1


def canonical(pledge, items, signers) -> str:
    """Return the canonical JSON of *pledge* with its *items* and required *signers*."""

    def text(value) -> str:
        return unicodedata.normalize("NFC", value or "")

    document = {
        "version": HASH_VERSION,
        "bloc_name": text(pledge.bloc_name),
        "issuing_body": text(pledge.issuing_body),
        "title": text(pledge.title),
        "place": text(pledge.place),
        "signing_date": pledge.signing_date.isoformat(),
        "legal_grounds": [text(line) for line in pledge.grounds()],
        "introduction": text(pledge.introduction),
        "slogan": text(pledge.slogan),
        "items": [text(item.text) for item in items],
        "implementation": text(pledge.implementation),
        "signers": [{"unit": text(s.unit_name), "head_title": text(s.head_title)} for s in signers],
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(pledge, items, signers) -> str:
    return hashlib.sha256(canonical(pledge, items, signers).encode("utf-8")).hexdigest()


# Both tone-mark placements are in use ("Hoà"/"Hòa", "Thuỷ"/"Thủy"): compare on one.
_OLD_STYLE = {}
for marked, base in (("òóỏõọ", "o"), ("ùúủũụ", "u")):
    for tone_index, vowel in enumerate(marked):
        for follower, new_marks in (("a", "àáảãạ"), ("e", "èéẻẽẹ"), ("y", "ỳýỷỹỵ")):
            if base == "o" and follower == "y" or base == "u" and follower != "y":
                continue
            _OLD_STYLE[vowel + follower] = base + new_marks[tone_index]
_OLD_STYLE_RE = re.compile("|".join(_OLD_STYLE))


def name_key(name: str) -> str:
    """Return *name* reduced for comparison: NFC, case-folded, spaces collapsed, one tone placement."""
    folded = " ".join(unicodedata.normalize("NFC", name or "").casefold().split())
    return _OLD_STYLE_RE.sub(lambda match: _OLD_STYLE[match.group(0)], folded)
