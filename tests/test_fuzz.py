"""Post generated input to every form and every POST endpoint, as every role.

The URLs come from the URL configuration through the access matrix (``MATRIX``: one list of how
to reach each URL); the fields come from the ``<form method=post>`` that the pages themselves show.
Hypothesis fills them with arbitrary Unicode (control and format characters, combining marks,
decomposed Vietnamese), huge strings, numbers, broken dates, ids of the other province's objects,
missing and repeated keys, and uploads of random bytes, a tiny PNG or a fake PDF. Properties:

- no response is a 500 (the test client re-raises the view's exception);
- a post that did not succeed (no redirect, or a redirect with an error message) changes no row;
- text that a successful post stored is in NFC;
- a marker tag in the input never comes back unescaped in the answer or in the page it redirects to.

Each example runs in a savepoint that is rolled back, so the world of the test is the same for each.
Profiles: "ci" (the default, derandomized, %(ci)d examples per URL that has fields, about two minutes
on two cores) and "long" (%(long)d examples per URL, random)::

    HYPOTHESIS_PROFILE=long DATABASE_URL=postgres://… .venv/bin/pytest -p no:cacheprovider tests/test_fuzz.py
"""

import datetime
import os
import unicodedata
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import messages
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests import test_access_matrix
from tests.fuzz.db import changed_tables, fingerprint, non_nfc_texts
from tests.fuzz.forms import Field, post_forms
from tests.fuzz.strategies import MARKER, post_data
from tests.test_access_matrix import MATRIX, ROLES, url_names

CI_EXAMPLES = 15
LONG_EXAMPLES = 300
# A URL that shows no form for it still gets a few posts: a stray POST must not break it either.
FORMLESS_EXAMPLES = 3

settings.register_profile(
    "ci",
    deadline=None,
    max_examples=CI_EXAMPLES,
    derandomize=True,
    database=None,
    # Shrinking a failure can take minutes of slow examples: CI reports the failing example as found.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long", settings.get_profile("ci"), max_examples=LONG_EXAMPLES, derandomize=False, phases=list(Phase)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
__doc__ %= {"ci": CI_EXAMPLES, "long": LONG_EXAMPLES}

pytestmark = pytest.mark.postgres

# The access matrix's world: a draft and an open pledge, signatures, a review, a ballot, a dossier.
world = test_access_matrix.world

# The roles that look for forms: those who see nothing show none.
FINDERS = ["superuser", "board", "chair_officer", "vice_head", "member_head", "member_staff"]

_sources: dict[str, set[tuple[str, str]]] = {}

# The writes a refused post may make, each on purpose.
REFUSAL_WRITES = {
    # The frozen PDF is rendered and stored on its first request, whoever asks (its bytes never change).
    "pledges:frozen_pdf": {"pledges_pledge"},
    # A refused upload of a digitally signed revision is recorded as an event.
    "pledges:digital_upload": {"pledges_pledgeevent"},
}


def login(client, world, role):
    client.logout()
    if role != "anonymous":
        client.force_login(getattr(world, role))


def target_of(action: str, page_url: str) -> str | None:
    try:
        return resolve(urlsplit(action or page_url).path).view_name
    except Resolver404:
        return None


def page_forms(client, world, page: str, role: str | None) -> list:
    """Return the post forms that *page* shows *role* (None: whoever is logged in), each with the URL name it posts to."""
    if role is not None:
        login(client, world, role)
    url = reverse(page, kwargs=MATRIX[page][1](world))
    response = client.get(url)
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return []
    return [(target_of(form.action, url), form) for form in post_forms(response.content.decode())]


def sources(client, world) -> dict[str, set[tuple[str, str]]]:
    """Return {URL name: {(page, role)}} of the pages that show a form posting to it; found once per run.

    Each page is looked at by two roles: the first who may see it (a board, who sees the editing forms)
    and the last (a unit's own people, who see the signing and self-assessment forms).
    """
    if _sources:
        return _sources
    by_role: dict[str, list[str]] = {}
    for page, (method, _kwargs, expected) in sorted(MATRIX.items()):
        finders = [role for role in FINDERS if expected[role] == 200]
        if method == "get" and finders:
            for role in {finders[0], finders[-1]}:
                by_role.setdefault(role, []).append(page)
    for role, pages in sorted(by_role.items()):
        login(client, world, role)
        for page in pages:
            for target, _form in page_forms(client, world, page, None):
                _sources.setdefault(target, set()).add((page, role))
    _sources.setdefault("", set())  # found, even if nothing posts anywhere
    return _sources


def fields_for(client, world, name: str) -> dict[str, Field]:
    """Return the union of the fields of the forms that post to *name*, with this world's choices."""
    fields: dict[str, Field] = {}
    for page, role in sorted(sources(client, world).get(name, ())):
        for target, form in page_forms(client, world, page, role):
            if target != name:
                continue
            for item in form.fields.values():
                known = fields.setdefault(item.name, Field(item.name, item.kind, multiple=item.multiple))
                known.choices += [choice for choice in item.choices if choice not in known.choices]
    return fields


def forged_ids(world) -> list[str]:
    """Ids of the other province's objects, and of this bloc's objects in the wrong place."""
    other = [world.other_province, world.other_bloc, world.other_term, world.other_board]
    memberships = list(world.other_term.memberships.all())
    other += memberships + [membership.unit for membership in memberships]
    own = [world.member_unit, world.outsider_unit, world.bloc, world.term, world.item, world.comment, world.ballot]
    return sorted({str(obj.pk) for obj in other + own} | {"0", "-1", str(2**63)})


def refused(response) -> bool:
    """Tell whether the post was turned down: re-displayed, refused, or redirected with an error."""
    if response.status_code not in (301, 302, 303):
        return True
    return any(message.level >= messages.ERROR for message in messages.get_messages(response.wsgi_request))


def assert_escaped(response, what: str):
    if response["Content-Type"].startswith("text/html"):
        assert MARKER.encode() not in response.content, f"unescaped input in {what}"


@pytest.mark.parametrize("name", sorted(set(url_names())))
def test_posts_never_fail_or_write_half(client, world, name):
    _method, kwargs, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs(world))
    fields = fields_for(client, world, name)
    permitted = [role for role in ROLES if role != "anonymous" and expected[role] in (200, 302)] or ROLES
    examples = settings.default.max_examples if fields or _method == "post" else FORMLESS_EXAMPLES

    @settings(max_examples=examples)
    @given(
        role=st.one_of(st.sampled_from(permitted), st.sampled_from(ROLES)),
        data=post_data(fields, forged_ids(world)),
    )
    def post(role, data):
        with transaction.atomic():
            try:
                login(client, world, role)
                before = fingerprint()
                response = client.post(url, data)
                assert response.status_code < 500, f"{name} as {role}: {response.status_code}"
                assert_escaped(response, f"{name} as {role}")
                changed = changed_tables(before, fingerprint())
                if refused(response):
                    changed = [table for table in changed if table not in REFUSAL_WRITES.get(name, ())]
                    assert not changed, (
                        f"{name} as {role} refused the post ({response.status_code}) but wrote {changed}"
                    )
                    return
                assert not non_nfc_texts(changed), f"{name} as {role} stored text that is not NFC"
                location = urlsplit(response["Location"])
                if not location.netloc:
                    assert_escaped(client.get(location.path, parse_qs(location.query)), response["Location"])
            finally:
                transaction.set_rollback(True)

    post()


# Once per field, not per example: what stored text looks like in the documents made from it.
# The bell (a control character) is what XML refuses; "<b>&" is what markup would swallow.
NASTY = "<b>&\u0007e\u0302\u0303"
SHOWN = "<b>&ễ"


def shows(text: str) -> bool:
    """Tell whether *text* shows the stored text literally (its control character dropped, perhaps upper-cased)."""
    text = "".join(ch for ch in text if ch == "\n" or not unicodedata.category(ch).startswith("C"))
    return SHOWN in text or SHOWN.upper() in text


def docx_text(data: bytes) -> str:
    import io

    from docx import Document

    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def xlsx_text(data: bytes) -> str:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row if cell.value)


def pdf_text(data: bytes, tmp_path) -> str:
    import subprocess

    source = tmp_path / "document.pdf"
    source.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(source), "-"], check=True, capture_output=True
    ).stdout.decode()


def store_pledge_text(world, field: str):
    from pledges import services as pledge_services

    if field == "item":
        pledge_services.item_add(actor=world.board, pledge=world.draft, text=NASTY)
    else:
        pledge_services.pledge_update(
            actor=world.board, pledge=world.draft, signing_date=world.draft.signing_date, **{field: NASTY}
        )


@pytest.mark.pdf
@pytest.mark.parametrize("field", ["item", "title", "place", "introduction", "slogan"])
def test_pledge_text_is_escaped_in_docx_and_pdf(client, world, field, tmp_path):
    store_pledge_text(world, field)
    client.force_login(world.board)
    docx = client.get(reverse("pledges:docx", kwargs={"pk": world.draft.pk}))
    assert shows(docx_text(docx.content))
    preview = client.get(reverse("pledges:pdf", kwargs={"pk": world.draft.pk}))
    assert shows(pdf_text(preview.content, tmp_path))
    page = client.get(reverse("pledges:detail", kwargs={"pk": world.draft.pk}))
    assert b"&lt;b&gt;&amp;" in page.content and b"<b>&" not in page.content


def test_bloc_and_award_names_are_escaped_in_excel(client, world):
    from blocs import services as bloc_services
    from reviews import services as review_services

    bloc_services.bloc_rename(actor=world.board, bloc=world.bloc, on=datetime.date(2022, 1, 1), name=NASTY)
    review_services.award_form_set(
        actor=world.board, province=world.province, year=2022, code="co", name=NASTY, default_quota=1
    )
    client.force_login(world.board)
    ranking = client.get(reverse("reviews:ranking_xlsx", kwargs={"pk": world.bloc.pk, "year": 2022}))
    assert shows(xlsx_text(ranking.content))
    year = client.get(reverse("reviews:year_xlsx", kwargs={"year": 2022}))
    assert shows(xlsx_text(year.content))
