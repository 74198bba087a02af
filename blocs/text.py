"""Text helpers for Vietnamese input: NFC normalisation and diacritic folding."""

import unicodedata


def nfc(value: str) -> str:
    """Return *value* in NFC with outer whitespace removed.

    Keyboards and pasted text often produce decomposed forms (NFD); two strings
    that look the same must also compare the same in the database.
    """
    return unicodedata.normalize("NFC", value or "").strip()


def fold(value: str) -> str:
    """Return *value* lower-cased without diacritics, for searching ("so y te")."""
    decomposed = unicodedata.normalize("NFD", (value or "").replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
