"""Hypothesis strategies for what a person (or a forger) might post in a field."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st
from PIL import Image

from tests.fuzz.forms import Field

# Shows up verbatim in a page only if the page forgot to escape it.
MARKER = "<x-fuzz>&amp;"

# Precomposed and decomposed Vietnamese, the two forms NFC must make one.
VIETNAMESE = [
    "Nguyễn Văn Bình",
    "Nguye\u0302\u0303n Va\u0306n Bi\u0300nh",
    "Sở Y tế",
    "So\u031b\u0309 Y te\u0302\u0301",
    "ĐẠI HỘI",
    "Ho\u0300a",
]

_characters = st.characters(
    categories=["L", "M", "N", "P", "S", "Zs", "Zl", "Zp", "Cc", "Cf"],  # every class but surrogates and unassigned
)
_alphabet = st.one_of(_characters, st.sampled_from("\x00\x07\t\r\n\u200b\u202e\ufeff\u0301\u0323\u0303ơưđĐ<>&\"'"))

texts = st.one_of(
    st.text(_alphabet, max_size=40),
    st.sampled_from(VIETNAMESE),
    st.lists(st.one_of(st.sampled_from(VIETNAMESE), st.just(MARKER), st.text(_alphabet, max_size=5)), max_size=4).map(
        "".join
    ),
)
huge = st.tuples(st.sampled_from(["x", "ễ", "e\u0302\u0303", "\x07", MARKER]), st.integers(1_000, 120_000)).map(
    lambda pair: pair[0] * (pair[1] // len(pair[0]))
)
numbers = st.one_of(
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, -1, 2**31, 2**63, 10**30]),
    st.decimals(allow_nan=True, allow_infinity=True, places=3),
    st.floats(),
).map(str)
dates = st.one_of(
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates().map(str),
    st.sampled_from(["31/02/2022", "00/00/0000", "2022-13-01", "01/01/99999", "1/1/1"]),
)


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 0, 255)).save(out, format="PNG")
    return out.getvalue()


TINY_PNG = _png(1, 1)
FAKE_PDF = b"%PDF-1.4\n%%EOF\n"

uploads = st.builds(
    lambda name, content: SimpleUploadedFile(name, content),
    st.one_of(
        st.sampled_from(["a.png", "scan.pdf", "bảng.xlsx", "ba\u0309ng.csv", "../../etc/passwd", "x" * 300 + ".png"]),
        st.text(_alphabet, min_size=1, max_size=20).filter(lambda s: "\x00" not in s and "/" not in s),
    ),
    st.one_of(
        st.binary(max_size=2_000),
        st.just(TINY_PNG),
        st.just(FAKE_PDF),
        st.just(b"%PDF-1.7\n" + bytes(range(256)) * 4),
        st.just(b"PK\x03\x04" + b"\x00" * 40),
    ),
)


def field_value(item: Field, forged_ids: list[str]) -> st.SearchStrategy:
    """Return a strategy for one value of *item*: a valid choice as often as garbage, so posts also get through."""
    garbage = st.one_of(texts, numbers, dates, st.just(""), st.sampled_from(forged_ids), huge)
    if item.kind == "file":
        return st.one_of(uploads, garbage)
    if item.choices:
        return st.one_of(st.sampled_from(item.choices), st.sampled_from(item.choices), garbage)
    if item.kind in ("date",) or "date" in item.name or item.name.endswith("_on") or item.name in ("deadline", "until"):
        return st.one_of(dates, dates, garbage)
    if item.kind == "number":
        return st.one_of(numbers, garbage)
    return garbage


def post_data(fields: dict[str, Field], forged_ids: list[str]) -> st.SearchStrategy:
    """Return a strategy for a whole post: each field missing, once or repeated, plus a stray field now and then."""

    def one(item: Field):
        value = field_value(item, forged_ids)
        return st.one_of(st.none(), value, value, st.lists(value, min_size=2, max_size=3))

    whole = st.fixed_dictionaries({name: one(item) for name, item in fields.items()})
    stray = st.dictionaries(
        st.sampled_from(["pk", "id", "unit", "province", "bloc", "term", "status"]), texts, max_size=2
    )
    return st.tuples(whole, stray).map(
        lambda pair: {**pair[1], **{key: value for key, value in pair[0].items() if value is not None}}
    )
