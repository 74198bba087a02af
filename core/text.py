"""Text helpers for Vietnamese input: NFC normalisation and diacritic folding."""

import re
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


# What Word and web pages leave in pasted text: invisible characters and odd spaces. Typographic
# quotes and dashes (“ ” ‘ ’ – —) are what people typed and are kept; U+00AD and U+200B are
# decided by ``_invisible_breaks``.
_PASTE_TABLE = str.maketrans(
    {
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space
        "\u2007": " ",  # figure space
        "\u2009": " ",  # thin space
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        "\u2060": None,  # word joiner
        "\ufeff": None,  # byte-order mark
        "\u2028": "\n",  # line separator
        "\u2029": "\n",  # paragraph separator
        "\r": None,
    }
)

# A Vietnamese syllable, its tone marks removed: onset, one to three vowels, final consonant.
_SYLLABLE = re.compile(r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[aăâeêioôơuưy]{1,3}(ch|nh|ng|[cmnpt])?")
_TONES = {0x0300: None, 0x0301: None, 0x0303: None, 0x0309: None, 0x0323: None}
# A soft hyphen or zero-width space, and the letters (and further such characters) around it.
_BREAKS = "\u00ad\u200b"
_BROKEN_RUN = re.compile(rf"[^\W_]*(?:[{_BREAKS}]+[^\W_]*)+")


def _is_syllable(piece: str) -> bool:
    """Return True if *piece* is one whole Vietnamese syllable ("Thi", "đua", "Nguyễn"; not "Inter")."""
    bare = unicodedata.normalize("NFC", unicodedata.normalize("NFD", piece.lower()).translate(_TONES))
    return bool(_SYLLABLE.fullmatch(bare))


def _join_or_split(match: re.Match) -> str:
    run = match.group(0)
    pieces = re.split(f"[{_BREAKS}]+", run)
    words = [piece for piece in pieces if piece]
    if len(words) < 2:  # at the start or end of a word: nothing to join
        return "".join(words)
    if all(_is_syllable(word) or word.isdigit() for word in words):
        return " ".join(words)
    if any(word.isdigit() for word in words):  # never join a number to a word or another number
        return " ".join(words)
    return "".join(words)


def _invisible_breaks(text: str) -> str:
    """Resolve soft hyphens (U+00AD) and zero-width spaces (U+200B): never join two words.

    Between two letters, such a character separates two words when every piece of the run it breaks
    is a whole Vietnamese syllable ("Thi\u00adđua", "chỉ\u200btiêu" → "Thi đua", "chỉ tiêu"); otherwise
    it sits inside one word and is removed ("Inter\u00adnet", "Ng\u00aduyễn" → "Internet", "Nguyễn").
    Next to a digit it becomes a space; next to a space, punctuation or a line's ends it is removed.
    Foreign syllables that look Vietnamese ("ma\u00adtion") get a space: the rule errs on not joining.
    """
    if "\u00ad" not in text and "\u200b" not in text:
        return text
    text = _BROKEN_RUN.sub(_join_or_split, text)
    return text.replace("\u00ad", "").replace("\u200b", "")


def clean_pasted(value: str) -> str:
    """Return *value* as typed: NFC, no invisible or control characters, plain spaces.

    Text pasted from Word or a web page carries no-break spaces and zero-width characters that break
    searching and comparing; they go, without joining two words (``_invisible_breaks``). Typographic
    quotes and dashes are kept, and so are line breaks; spaces within a line are collapsed.
    """
    text = unicodedata.normalize("NFC", (value or "").translate(_PASTE_TABLE))
    text = _invisible_breaks(text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    lines = [" ".join(line.replace("\t", " ").split()) for line in text.split("\n")]
    return "\n".join(lines).strip()
