"""Operations: the demo refuses production, private pages and downloads are not cached, HSTS preload
only when asked for, and check_production refuses plain-HTTP origins."""

import datetime
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from blocs.models import Province
from ops.management.commands.seed_demo import DEMO_PASSWORD
from pledges import services
from tests.ops.test_production import STRONG_KEY, manage, production_env  # noqa: F401  (a fixture)

ROOT = Path(__file__).resolve().parents[2]


def production_settings(code: str, env: dict) -> subprocess.CompletedProcess:
    """Run *code* after ``django.setup()`` with DEBUG off and *env*; return the finished process."""
    unwanted = ("SECRET_KEY", "DEBUG", "DATABASE_URL", "SECURE_HSTS_PRELOAD", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "emulation.settings", "DEBUG": "false", "SECRET_KEY": STRONG_KEY}
        | {"ALLOWED_HOSTS": "giaouoc.example.gov.vn"}
        | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


# seed_demo ---------------------------------------------------------------------------------


def test_seed_demo_refuses_to_run_with_debug_off(tmp_path):
    result = manage("seed_demo", env={"DEBUG": "false", "SECRET_KEY": STRONG_KEY}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "DEBUG is off" in result.stderr and "--force" in result.stderr
    assert DEMO_PASSWORD not in result.stdout + result.stderr


def test_seed_demo_creates_nothing_where_the_published_password_is_not_allowed(db, settings):
    settings.DEMO_PASSWORD_ALLOWED = False  # as settings.py sets it when DEBUG is off
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Province.objects.exists() and not User.objects.exists()


def test_seed_demo_with_force_prints_fresh_random_passwords(db, settings):
    settings.DEMO_PASSWORD_ALLOWED = False
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    printed = out.getvalue()
    assert DEMO_PASSWORD not in printed
    superuser_password = re.search(r"Superuser admin's password: (\S+)", printed).group(1)
    others_password = re.search(r"password for the others: (\S+)\)", printed).group(1)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(superuser_password)
    assert not admin.check_password(DEMO_PASSWORD)
    head = User.objects.get(username="khcn.head")
    assert head.check_password(others_password) and not head.check_password(DEMO_PASSWORD)
    assert superuser_password != others_password
    again = io.StringIO()
    call_command("seed_demo", "--force", stdout=again)  # idempotent; the passwords are not shown again
    assert superuser_password not in again.getvalue() and "nothing changed" in again.getvalue()


# Cache-Control -----------------------------------------------------------------------------


@pytest.fixture
def draft(cast):
    return services.pledge_create(
        actor=cast.chair_officer,
        term=cast.term,
        place="Nam Định",
        signing_date=datetime.date(2022, 3, 30),
        legal_grounds="Căn cứ Luật Thi đua, Khen thưởng;",
        introduction="Các đơn vị thống nhất giao ước:",
        items=["Hoàn thành các chỉ tiêu."],
    )


def test_pages_for_a_logged_in_user_are_not_stored(client, cast):
    client.force_login(cast.chair_officer)
    for url in (reverse("home"), reverse("blocs:term_detail", kwargs={"pk": cast.bloc.pk, "year": 2022})):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store", url


def test_a_download_is_not_stored(client, cast, draft):
    client.force_login(cast.chair_officer)
    response = client.get(reverse("pledges:docx", kwargs={"pk": draft.pk}))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_a_views_own_cache_control_is_kept(client, cast):
    response = client.get(reverse("accounts:login"))  # Django's never_cache
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert client.get(reverse("healthz"))["Cache-Control"] == "no-store"


def test_a_public_page_for_an_anonymous_visitor_is_left_alone(client, db):
    response = client.get(reverse("verify:index"))
    assert response.status_code == 200 and not response.has_header("Cache-Control")


# HSTS preload ------------------------------------------------------------------------------


def test_hsts_preload_is_off_unless_asked_for():
    show = "from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"
    assert production_settings(show, {}).stdout.strip() == "False"
    assert production_settings(show, {"SECURE_HSTS_PRELOAD": "true"}).stdout.strip() == "True"


# check_production --------------------------------------------------------------------------


def test_check_production_refuses_a_plain_http_origin(production_env, tmp_path):  # noqa: F811
    env = {**production_env, "CSRF_TRUSTED_ORIGINS": "https://giaouoc.example.gov.vn,http://giaouoc.example.gov.vn"}
    result = manage("check_production", env=env, tmp_path=tmp_path)
    assert result.returncode == 1
    assert "CSRF_TRUSTED_ORIGINS" in result.stderr and "http://giaouoc.example.gov.vn" in result.stderr


def test_check_production_accepts_https_origins(production_env, tmp_path):  # noqa: F811
    env = {**production_env, "CSRF_TRUSTED_ORIGINS": "https://giaouoc.example.gov.vn"}
    result = manage("check_production", env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
