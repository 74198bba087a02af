"""The signing page for people: the pledge as text (the PDF's own words, cached per content hash),
the technical details folded away, errors summarised at the top, the drawing kept after a refusal,
the typed-name preview, a name without diacritics told so, and "Tôi có ý kiến" beside "Ký"."""

import html
import re
import subprocess
import unicodedata
from collections import Counter

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from pledges import services
from pledges.views._common import frozen_text
from tests.pledges.conftest import data_url, drawn_png


def words(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def text_words(document_html: str) -> list[str]:
    """Return the words a reader sees in the page's HTML (tags dropped, entities read)."""
    return words(html.unescape(re.sub(r"<[^>]+>", " ", document_html)))


def form(pledge, **fields):
    data = {
        "agree": "on",
        "typed_name": "Member_Head",
        "method": "drawn",
        "drawn": data_url(drawn_png()),
        "content_hash": pledge.content_hash,
        "form_token": "tok",
    }
    data.update(fields)
    return data


def test_the_signing_page_shows_the_pledge_as_text_with_the_pdf_to_download(client, cast, pledge):
    client.force_login(cast.member_head)
    page = client.get(reverse("pledges:sign", args=[pledge.pk])).content.decode()
    assert 'id="document-text"' in page and "page-image" not in page
    for item in pledge.items.all():
        assert html.escape(item.text) in page or item.text in page
    assert reverse("pledges:frozen_pdf", args=[pledge.pk]) in page
    # The hash is there for who wants it, folded away under "Thông tin kỹ thuật".
    details = page[page.index('<details class="mb-4 small" id="technical-details">') :]
    assert pledge.content_hash in details[: details.index("</details>")]
    assert 'id="question"' in page and 'id="ask-link"' in page


def test_the_text_is_rendered_once_per_content_hash(client, cast, pledge, django_assert_num_queries):
    cache.clear()
    client.force_login(cast.member_head)
    first = frozen_text(pledge)
    key = f"pledge-text:{pledge.content_hash}:{translation.get_language()}"
    assert cache.get(key) == first
    with django_assert_num_queries(0):  # served from the cache: nothing read, nothing rendered
        assert frozen_text(pledge) == first


@pytest.mark.pdf
def test_the_text_has_the_same_words_as_the_frozen_pdf(client, cast, pledge):
    services.previews_render(pledge.pk, pledge.content_hash)
    pledge.refresh_from_db()
    data = services.pledge_frozen_pdf(pledge)
    pdf_text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True, timeout=120
    ).stdout.decode()
    pdf_words = words(pdf_text)
    page_words = text_words(frozen_text(pledge))
    # The heading's two columns: the same words (a PDF reader may interleave the columns).
    title = page_words.index("GIAO")
    pdf_title = pdf_words.index("GIAO")
    assert sorted(page_words[:title]) == sorted(pdf_words[:pdf_title])
    # The body, from the title to the last commitment: the page's words in the PDF, in the same order.
    end = title + len(words(" ".join(page_words[title:]).split(words(pledge.items.last().text)[-1])[0])) + 1
    position = pdf_title
    for word in page_words[title:end]:
        position = pdf_words.index(word, position) + 1
    # The signature blocks (a grid, which a PDF reader reads across): the same words.
    rest = Counter(pdf_words[position:])
    assert not Counter(page_words[end:]) - rest
    # The PDF adds only its furniture: item numbers, "(chưa ký)", page numbers, the verification line.
    extra = [word for word in pdf_words if word not in set(page_words)]
    assert len(extra) < 40, extra


def test_a_refused_drawing_is_kept_and_the_errors_summarised_at_the_top(client, cast, pledge):
    client.force_login(cast.member_head)
    drawn = data_url(drawn_png())
    response = client.post(reverse("pledges:sign", args=[pledge.pk]), form(pledge, agree="", drawn=drawn))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in page and page.index('id="error-summary"') < page.index('id="sign-form"')
    assert f'value="{drawn}"' in page  # the pad draws it again
    assert not pledge.signatures.exists()


def test_a_name_typed_without_diacritics_is_told_so(client, cast, pledge):
    cast.member_head.full_name = "Nguyễn Thị Hoà"
    cast.member_head.save()
    client.force_login(cast.member_head)
    with translation.override("en"):
        response = client.post(
            reverse("pledges:sign", args=[pledge.pk]),
            form(pledge, typed_name="Nguyen Thi Hoa"),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    page = response.content.decode()
    assert "with its diacritics" in page or "có dấu" in page
    assert not pledge.signatures.exists()


def test_the_typed_name_signature_is_previewed(client, cast, pledge):
    client.force_login(cast.member_head)
    page = client.get(reverse("pledges:sign", args=[pledge.pk])).content.decode()
    assert 'class="typed-preview' in page and 'src="data:image/png;base64,' in page
