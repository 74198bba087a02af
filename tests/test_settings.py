"""Settings, formats, security headers and languages."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from core.forms import date_field

ROOT = Path(__file__).resolve().parent.parent


def run_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "emulation.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_settings({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_key():
    result = run_settings({"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"})
    assert result.returncode == 0, result.stderr


def test_unclear_boolean_is_refused():
    result = run_settings({"DEBUG": "maybe"})
    assert result.returncode != 0 and "DEBUG must be true or false" in result.stderr


class DateForm(forms.Form):
    day = date_field("day")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_day_first_dates_in_both_languages(language):
    with translation.override(language):
        form = DateForm({"day": "05/03/2022"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == datetime.date(2022, 3, 5)
        assert not DateForm({"day": "03/30/2022"}).is_valid()  # month first is refused


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_shown_day_first(language):
    from django.utils.formats import date_format

    with translation.override(language):
        assert date_format(datetime.date(2022, 3, 5), "SHORT_DATE_FORMAT") == "05/03/2022"


def test_long_vietnamese_date():
    from core.templatetags.vn import long_date

    with translation.override("vi"):
        assert long_date(datetime.date(2022, 3, 30)) == "ngày 30 tháng 3 năm 2022"
    with translation.override("en"):
        assert long_date(datetime.date(2022, 3, 30)) == "30 March 2022"


def test_content_security_policy_and_no_inline_code(client, cast):
    client.force_login(cast.chair_officer)
    for url in (reverse("home"), reverse("blocs:term_detail", kwargs={"pk": cast.bloc.pk, "year": 2022})):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy
        page = response.content.decode()
        assert "<script>" not in page and " style=" not in page and "<style" not in page
        assert " on" + "click=" not in page


def test_login_page_is_vietnamese_by_default(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="vi"' in page
    assert "Đăng nhập" in page


def test_language_switch_to_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert response.status_code == 302
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="en"' in page and "Log in" in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_catalogue_is_complete(language):
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_catalogue_covers_every_string_in_the_code(tmp_path):
    """makemessages finds no msgid missing from the Vietnamese catalogue."""
    import shutil

    work = tmp_path / "project"
    shutil.copytree(ROOT, work, ignore=shutil.ignore_patterns(".venv", "node_modules", "var", ".git", "*.mo"))
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "vi",
            "--no-location",
            "--no-obsolete",
            "--ignore=.venv",
            "--ignore=node_modules",
            "--ignore=var",
            "--ignore=tests",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    stats = subprocess.run(
        ["msgfmt", "--statistics", "-o", os.devnull, str(work / "locale/vi/LC_MESSAGES/django.po")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "untranslated" not in stats.stderr and "fuzzy" not in stats.stderr, stats.stderr
