"""Cleaning pasted text: invisible characters go, typed quotes and dashes stay, no two words are joined."""

import unicodedata

import pytest

from core.text import clean_pasted


def test_typographic_quotes_and_dashes_are_kept():
    typed = "“Toàn dân đoàn kết” – ‘đời sống’ — văn hoá"
    assert clean_pasted(typed) == typed


def test_invisible_and_control_characters_are_removed_and_spaces_collapsed():
    pasted = "\ufeff“Toàn dân\u00a0đoàn kết”\u200b  xây dựng\r\nđời sống – văn hoá\u00ad\x07 "
    assert clean_pasted(unicodedata.normalize("NFD", pasted)) == "“Toàn dân đoàn kết” xây dựng\nđời sống – văn hoá"


@pytest.mark.parametrize(
    ("pasted", "cleaned"),
    [
        ("Thi\u00adđua", "Thi đua"),  # a soft hyphen between two syllables: two words
        ("chỉ\u200btiêu", "chỉ tiêu"),  # a zero-width space between two syllables
        ("Nguyễn\u200bVăn\u00adHùng", "Nguyễn Văn Hùng"),
        ("kinh tế\u00adxã hội", "kinh tế xã hội"),
        ("năm\u200b2025", "năm 2025"),  # never join a number
        ("Inter\u00adnet", "Internet"),  # inside a foreign word: removed
        ("com\u00adpu\u00adter", "computer"),
        ("Ng\u00aduyễn", "Nguyễn"),  # inside a syllable: removed
        ("văn hoá\u00ad", "văn hoá"),  # at the end of a word
        ("\u200bHà Nội", "Hà Nội"),
    ],
)
def test_soft_hyphens_and_zero_width_spaces_never_join_two_words(pasted, cleaned):
    assert clean_pasted(pasted) == cleaned


def test_decomposed_input_is_cleaned_the_same():
    assert clean_pasted(unicodedata.normalize("NFD", "Thi\u00adđua khen\u200bthưởng")) == "Thi đua khen thưởng"


def test_line_breaks_are_kept_and_line_separators_become_line_breaks():
    assert clean_pasted("Một\u2028Hai\r\nBa") == "Một\nHai\nBa"


def test_typed_quotes_survive_the_pledge_form(client, cast):
    import datetime

    from django.urls import reverse

    from pledges import services

    draft = services.pledge_create(
        actor=cast.chair_officer, term=cast.term, place="Nam Định", signing_date=datetime.date(2022, 3, 30)
    )
    client.force_login(cast.chair_officer)
    client.post(reverse("pledges:item_add", kwargs={"pk": draft.pk}), {"text": "“Hoàn thành”\u00a0chỉ\u200btiêu – tốt"})
    assert draft.items.order_by("-position").first().text == "“Hoàn thành” chỉ tiêu – tốt"
