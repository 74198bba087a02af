"""Query counts of the signing and progress pages, pinned; they do not grow with the members."""

import datetime

import pytest
from django.urls import reverse

from blocs import services as bloc_services
from pledges import services
from tests.conftest import make_user
from tests.pledges.conftest import sign


@pytest.fixture
def build(db):
    def build(members: int):
        province = bloc_services.province_create(actor=None, code="NDH", name="Nam Định")
        board = make_user("board", province=province)
        bloc = bloc_services.bloc_create(actor=board, province=province, kind="khoi", code="B", name="Khối")
        units = [
            bloc_services.unit_create(
                actor=board, province=province, code=f"U{i}", name=f"Sở số {i}", head_title="Giám đốc"
            )
            for i in range(members)
        ]
        term = bloc_services.term_create(
            actor=board, bloc=bloc, year=2022, units=units, chair=units[0], vice_chair=units[1]
        )
        pledge = services.pledge_create(
            actor=board,
            term=term,
            place="Nam Định",
            signing_date=datetime.date(2022, 3, 30),
            items=[f"Nội dung {i}" for i in range(8)],
        )
        pledge = services.pledge_open(actor=board, pledge=pledge, deadline=datetime.date(2099, 1, 1))
        heads = [make_user(f"head{i}", unit=unit, can_sign=True) for i, unit in enumerate(units)]
        for head in heads[1 : members - 1]:  # everybody but the first and the last has signed
            sign(pledge, head, token=head.username)
        return pledge, heads

    return build


# The signing page, as a head who has not signed yet:
#  1. the session  2. the user with unit and province  3. the pledge with term, bloc, province and
#  whether the user's unit is a member (access)  4. the required signers  5. the unit's own signatures
#  with the names of who recorded or disputed them  6. the unit's name versions (capacity title); the
#  first look at a content hash also reads  7. the items, to render the frozen text once.
SIGN_PAGE_QUERIES = 7
SIGN_PAGE_CACHED_QUERIES = 6


@pytest.mark.parametrize("members", [3, 15])
def test_signing_page_query_count(client, build, django_assert_num_queries, members):
    pledge, heads = build(members)
    client.force_login(heads[0])
    url = reverse("pledges:sign", kwargs={"pk": pledge.pk})
    with django_assert_num_queries(SIGN_PAGE_QUERIES):
        response = client.get(url)
    assert response.context["can_sign_now"]
    assert response.content.decode().count('class="doc-signature-block"') == members
    client.force_login(heads[-1])  # another head, the same frozen text: from the cache
    with django_assert_num_queries(SIGN_PAGE_CACHED_QUERIES):
        assert client.get(url).context["can_sign_now"]


# The progress page (the pledge with its signers), as the board:
#  1. the session  2. the user  3. the pledge with term, bloc, province (access)  4. the items
#  5. the required signers with units  6. the signatures with signers  7. all provinces (the board's
#  scope)  8. the events with their actors  9. the revisions (ký số)
PROGRESS_PAGE_QUERIES = 9


@pytest.mark.parametrize("members", [3, 15])
def test_progress_page_query_count(client, build, django_assert_num_queries, members):
    pledge, heads = build(members)
    from accounts.models import User

    client.force_login(User.objects.get(username="board"))
    with django_assert_num_queries(PROGRESS_PAGE_QUERIES):
        response = client.get(reverse("pledges:detail", kwargs={"pk": pledge.pk}))
    assert response.context["signed_count"] == members - 2


# The conference screen's data endpoint, polled every few seconds by the projector (no document):
#  1. the session  2. the user with unit and province  3. the pledge with term, bloc and province, its
#  version (the id of its latest event) and whether the user's unit is a member (access); the first
#  look at a version also reads  4. the required signers  5. the signatures' units and times.
CONFERENCE_DATA_QUERIES = 5
CONFERENCE_DATA_CACHED_QUERIES = 3


@pytest.mark.parametrize("members", [3, 15])
def test_conference_data_query_count(client, build, django_assert_num_queries, members):
    pledge, heads = build(members)
    client.force_login(heads[0])
    url = reverse("pledges:conference_data", kwargs={"pk": pledge.pk})
    with django_assert_num_queries(CONFERENCE_DATA_QUERIES):
        data = client.get(url).json()
    assert (data["status"], data["signed"], data["total"]) == ("open", members - 2, members)
    with django_assert_num_queries(CONFERENCE_DATA_CACHED_QUERIES):  # the same version: from the cache
        assert client.get(url).json() == data


def test_conference_data_follows_a_signature_at_once(client, build):
    """Cached per version, never by time: the next look after a signature shows it."""
    from tests.pledges.conftest import sign

    pledge, heads = build(3)
    client.force_login(heads[0])
    url = reverse("pledges:conference_data", kwargs={"pk": pledge.pk})
    assert client.get(url).json()["signed"] == 1
    sign(pledge, heads[0], token="late")
    data = client.get(url).json()
    assert data["signed"] == 2 and data["status"] == "open"


@pytest.mark.parametrize("members", [3, 15])
def test_progress_page_with_paper_signatures_and_disputes_keeps_its_count(
    client, build, django_assert_num_queries, members
):
    """The recorder, the disputer and who excused come with their rows (joins), never a query a row."""
    from accounts.models import User
    from tests.pledges.conftest import drawn_png

    pledge, heads = build(members)
    board = User.objects.get(username="board")
    first = services.paper_signature_add(actor=board, pledge=pledge, signer_user=heads[0], scan=drawn_png())
    services.signature_dispute(actor=heads[0], signature=first, reason="Không ký")
    services.paper_signature_add(actor=board, pledge=pledge, signer_user=heads[-1], scan=drawn_png())
    client.force_login(board)
    with django_assert_num_queries(PROGRESS_PAGE_QUERIES):
        response = client.get(reverse("pledges:detail", kwargs={"pk": pledge.pk}))
    assert response.context["signed_count"] == members - 1 and response.context["disputed_count"] == 1
