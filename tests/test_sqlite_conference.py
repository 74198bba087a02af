"""A signing conference on the embedded default: every head posts at the same moment, every one is answered.

A live server (the test database is a file, as ``./run.sh``'s is) and one thread a head,
released together by a barrier. With SQLite's defaults 11 of 12 such posts answered 500
"database is locked"; with WAL, IMMEDIATE transactions and a busy timeout (settings.py)
each waits its turn. The same burst runs on PostgreSQL in its own pass.
"""

import datetime
import http.client
import re
import threading
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from blocs import services as registry
from pledges import services as pledges
from pledges.models import Pledge, PledgeEvent, Signature
from reviews import services as reviews
from reviews.models import Paper, Voter
from tests.conftest import make_user
from tests.pledges.conftest import data_url, drawn_png

HEADS = 15
VOTERS = 10
TIMEOUT = 60  # seconds a post may wait: far more than a turn takes, and the test cannot hang


@pytest.fixture
def conference(transactional_db, end_server_sessions):
    """A bloc of 15 members in its 2022 term, a head with signing right for each, a chair's officer."""
    province = registry.province_create(actor=None, code="NDH", name="Nam Định")
    board = make_user("board", province=province)
    units = [
        registry.unit_create(actor=board, province=province, code=f"S{n:02}", name=f"Sở số {n}", head_title="Giám đốc")
        for n in range(HEADS)
    ]
    bloc = registry.bloc_create(actor=board, province=province, kind="khoi", code="KHVHXH", name="Khối Văn hoá")
    term = registry.term_create(actor=board, bloc=bloc, year=2022, units=units, chair=units[0], vice_chair=units[1])
    heads = [make_user(f"head{n}", unit=unit, can_sign=True, full_name=f"Giám đốc {n}") for n, unit in enumerate(units)]
    return {
        "board": board,
        "term": term,
        "units": units,
        "heads": heads,
        "officer": make_user("officer", unit=units[0]),
    }


class Browser:
    """A logged-in browser of one head: its cookies, and one request at a time (no redirects followed)."""

    def __init__(self, user, live_server):
        client = Client()
        client.force_login(user)
        name = django_settings.SESSION_COOKIE_NAME
        self.cookies = {name: client.cookies[name].value}
        self.address = urlsplit(live_server.url)

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection(self.address.hostname, self.address.port, timeout=TIMEOUT)
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        self.cookies |= {name: morsel.value for name, morsel in jar.items()}
        return response.status, text

    def open(self, path: str) -> str:
        """GET *path* as the head opens the page; return the page's CSRF token."""
        status, html = self.request("GET", path)
        assert status == 200, status
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def post(self, path: str, data: dict) -> int:
        return self.request("POST", path, data)[0]


def all_at_once(posts) -> list:
    """Run the *posts* (functions returning a status) in threads released together; return the statuses."""
    barrier = threading.Barrier(len(posts))
    statuses = [None] * len(posts)

    def run(index, post):
        barrier.wait(timeout=TIMEOUT)
        try:
            statuses[index] = post()
        except OSError as error:  # no answer at all (refused, reset, timed out)
            statuses[index] = repr(error)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    return statuses


def test_fifteen_heads_signing_at_once_are_all_answered(conference, live_server, settings, tasks_run_immediately):
    # The signed PDF is queued (in memory, never run), as in production, not rendered in the test's server.
    from huey.storage import MemoryStorage

    tasks_run_immediately.immediate = False
    tasks_run_immediately.storage = MemoryStorage("conference")
    draft = pledges.pledge_create(
        actor=conference["officer"],
        term=conference["term"],
        place="Nam Định",
        signing_date=datetime.date(2022, 3, 30),
        legal_grounds="Căn cứ Luật Thi đua, Khen thưởng;",
        introduction="Các đơn vị thống nhất giao ước:",
        items=["Hoàn thành các chỉ tiêu.", "Thực hiện tốt công tác thi đua."],
    )
    pledge = pledges.pledge_open(actor=conference["officer"], pledge=draft, deadline=datetime.date(2099, 1, 1))
    url = reverse("pledges:sign", kwargs={"pk": pledge.pk})
    drawn = data_url(drawn_png())

    def post_for(head):
        browser = Browser(head, live_server)
        data = {
            "csrfmiddlewaretoken": browser.open(url),
            "agree": "on",
            "typed_name": head.full_name,
            "method": "drawn",
            "drawn": drawn,
            "content_hash": pledge.content_hash,
            "form_token": f"conference-{head.pk}",
        }
        return lambda: browser.post(url, data)

    statuses = all_at_once([post_for(head) for head in conference["heads"]])

    assert statuses == [302] * HEADS
    assert Signature.objects.filter(pledge=pledge).count() == HEADS
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.COMPLETED
    assert PledgeEvent.objects.filter(pledge=pledge, kind=PledgeEvent.Kind.COMPLETED).count() == 1


def test_ten_heads_voting_at_once_are_all_answered(conference, live_server):
    reviews.award_form_set(
        actor=conference["board"],
        province=conference["term"].bloc.province,
        year=2022,
        code="co",
        name="Cờ thi đua của UBND tỉnh",
        default_quota=1,
        order=1,
    )
    ballot = reviews.ballot_open(actor=conference["officer"], term=conference["term"])
    seat = ballot.seats.get(award_form__code="co")
    candidate = seat.candidates.get(unit=conference["units"][2])
    url = reverse("reviews:ballot", args=[ballot.pk])

    def post_for(head):
        browser = Browser(head, live_server)
        data = {"csrfmiddlewaretoken": browser.open(url), f"seat_{seat.pk}": [str(candidate.pk)]}
        return lambda: browser.post(url, data)

    statuses = all_at_once([post_for(head) for head in conference["heads"][:VOTERS]])

    assert statuses == [302] * VOTERS
    assert Voter.objects.filter(ballot=ballot).count() == VOTERS
    assert Paper.objects.count() == VOTERS
