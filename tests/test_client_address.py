"""The client's address behind the proxy: the login throttle and the audit trail, over HTTP.

Requests arrive as the documented TLS proxy forwards them: REMOTE_ADDR is the proxy,
X-Forwarded-For ends with the address the proxy was reached from.
"""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from pledges.models import PledgeEvent, Signature
from tests.conftest import make_user
from tests.pledges.test_views import sign_form, sign_url

ROOT = Path(__file__).resolve().parent.parent
PROXY = "10.0.0.2"
ATTACKER = "198.51.100.7"
VICTIM_HOME = "203.0.113.9"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = 1


def login(username: str, password: str, *, through: str | None = None, remote: str = PROXY, forwarded: str = ""):
    """POST the real login form from a fresh browser; *through* is the client address the proxy forwards."""
    headers = {"REMOTE_ADDR": remote}
    if through or forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded or through
    return Client().post(reverse("accounts:login"), {"username": username, "password": password}, **headers)


def test_wrong_passwords_from_one_address_do_not_lock_the_user_out_elsewhere(db, behind_proxy, settings):
    make_user("victim")
    codes = [login("victim", "wrong", through=ATTACKER).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert codes == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert login("victim", "pw", through=ATTACKER).status_code == 429  # the attacker's address stays locked
    assert login("victim", "pw", through=VICTIM_HOME).status_code == 302  # the real user logs in from home


def test_one_wrong_password_on_each_of_twelve_accounts_is_throttled(db, behind_proxy, settings):
    for number in range(13):
        make_user(f"staff{number}")
    codes = [login(f"staff{number}", "wrong", through=ATTACKER).status_code for number in range(12)]
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    assert codes == [200] * (limit - 1) + [429] * (12 - limit + 1)
    assert login("staff12", "pw", through=ATTACKER).status_code == 429  # the address is paused
    assert login("staff12", "pw", through=VICTIM_HOME).status_code == 302  # nobody else is


def test_an_own_successful_login_does_not_clear_the_addresses_failures(db, behind_proxy, settings):
    make_user("attacker")
    for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        make_user(f"staff{number}")
        assert login(f"staff{number}", "wrong", through=ATTACKER).status_code == 200
    assert login("attacker", "pw", through=ATTACKER).status_code == 302
    make_user("one_more")
    assert login("one_more", "wrong", through=ATTACKER).status_code == 429


def test_one_ipv6_network_counts_as_one_address(db, behind_proxy, settings):
    for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        make_user(f"staff{number}")
    codes = [
        login(f"staff{number}", "wrong", through=f"2001:db8:1:2::{number + 1:x}").status_code
        for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT)
    ]
    assert codes[-1] == 429


def test_a_forwarded_header_is_ignored_without_trusted_proxies(db, settings):
    settings.TRUSTED_PROXIES = 0
    make_user("victim")
    # An attacker connecting directly sends a new X-Forwarded-For with each try: it changes nothing.
    codes = [
        login("victim", "wrong", remote=ATTACKER, forwarded=f"192.0.2.{n}").status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert codes[-1] == 429
    assert login("victim", "pw", remote=ATTACKER, forwarded="192.0.2.200").status_code == 429


def test_the_lockout_page_offers_a_password_reset_that_works_while_locked_and_lifts_the_lock(
    db, behind_proxy, settings
):
    victim = make_user("victim")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = login("victim", "wrong", through=ATTACKER)
    assert locked.status_code == 429
    assert reverse("accounts:password_reset") in locked.content.decode()
    browser = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    asked = browser.post(reverse("accounts:password_reset"), {"email": victim.email})
    assert asked.status_code == 302 and len(mail.outbox) == 1
    path = urlsplit(re.search(r"http\S+/password/reset/\S+/", mail.outbox[0].body).group(0)).path
    form_page = browser.get(path, follow=True)
    assert form_page.context["validlink"]
    new_password = "Hoa-sen-2022!"
    done = browser.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert login("victim", new_password, through=ATTACKER).status_code == 302


def test_the_audit_trail_records_the_forwarded_client_address(client, cast, behind_proxy):
    pledge = _open_pledge(cast)
    client.force_login(cast.member_head)
    response = client.post(
        sign_url(pledge),
        sign_form(client, pledge),
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"not-an-address, {ATTACKER}",
        HTTP_USER_AGENT="Zalo",
    )
    assert response.status_code == 302
    signature = Signature.objects.get(pledge=pledge)
    assert signature.ip == ATTACKER
    assert PledgeEvent.objects.get(pledge=pledge, kind=PledgeEvent.Kind.SIGNED).ip == ATTACKER


def test_the_audit_trail_ignores_a_client_sent_header_without_trusted_proxies(client, cast, settings):
    settings.TRUSTED_PROXIES = 0
    pledge = _open_pledge(cast)
    client.force_login(cast.member_head)
    client.post(sign_url(pledge), sign_form(client, pledge), REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert Signature.objects.get(pledge=pledge).ip == ATTACKER


def _open_pledge(cast):
    import datetime

    from pledges import services
    from tests.pledges.conftest import ITEMS

    draft = services.pledge_create(
        actor=cast.chair_officer,
        term=cast.term,
        place="Nam Định",
        signing_date=datetime.date(2022, 3, 30),
        legal_grounds="Căn cứ Luật Thi đua, Khen thưởng;",
        introduction="Các đơn vị thống nhất giao ước:",
        items=ITEMS,
    )
    return services.pledge_open(actor=cast.chair_officer, pledge=draft, deadline=datetime.date(2099, 1, 1))


@pytest.mark.parametrize(
    ("value", "refused"),
    [("1", False), ("10.0.0.0/8, 2001:db8::/32", False), ("", False), ("proxy.example", True)],
)
def test_trusted_proxies_setting_is_checked_at_start_up(value, refused):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "emulation.settings", "TRUSTED_PROXIES": value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode != 0) == refused, result.stderr
    if refused:
        assert "TRUSTED_PROXIES must be" in result.stderr
