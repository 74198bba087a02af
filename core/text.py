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


# What Word and web pages leave in pasted text: invisible characters and typographic variants.
_PASTE_TABLE = str.maketrans(
    {
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space
        "\u2007": " ",  # figure space
        "\u2009": " ",  # thin space
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,  # word joiner
        "\ufeff": None,  # byte-order mark
        "\u00ad": None,  # soft hyphen
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u2013": "-",  # en dash, as in "Độc lập - Tự do - Hạnh phúc"
        "\u2028": "\n",  # line separator
        "\u2029": "\n",  # paragraph separator
        "\r": None,
    }
)


def clean_pasted(value: str) -> str:
    """Return *value* as typed: NFC, no invisible or control characters, straight quotes, plain spaces.

    Text pasted from Word carries no-break spaces, zero-width characters and
    smart quotes that break searching and comparing; line breaks are kept.
    """
    text = unicodedata.normalize("NFC", (value or "").translate(_PASTE_TABLE))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    lines = [" ".join(line.replace("\t", " ").split()) for line in text.split("\n")]
    return "\n".join(lines).strip()
