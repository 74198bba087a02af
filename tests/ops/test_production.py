"""Production mode: the deploy checks, the unsafe-configuration refusal, health, request ids, throttling."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import make_user

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3Yq9-ZxW2pLmN8vB4cR7tH1jF6gD0sA5eU-yIoPqWxEzRtYuV"


def manage(*args, env: dict, tmp_path) -> subprocess.CompletedProcess:
    unwanted = ("SECRET_KEY", "DEBUG", "DATABASE_URL", "SEAL_PKCS12", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "STATIC_ROOT": str(tmp_path / "static"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def production_env(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    from ops.management.commands.make_dev_seal import make_certificates

    _, root, key, cert = make_certificates(organisation="Ban Thi dua - Khen thuong tinh")
    seal = tmp_path / "organisation.p12"
    seal.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"org", key, cert, [root], serialization.BestAvailableEncryption(b"secret")
        )
    )
    return {
        "DEBUG": "false",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "giaouoc.example.gov.vn",
        "SITE_URL": "https://giaouoc.example.gov.vn",
        "DATABASE_URL": "postgres://app:secret@127.0.0.1:5432/emulation",
        "SEAL_PKCS12": str(seal),
        "SEAL_PASSPHRASE": "secret",
    }


def test_check_deploy_has_no_warnings(production_env, tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_production_lists_what_to_fix(tmp_path):
    result = manage("check_production", env={"DEBUG": "true"}, tmp_path=tmp_path)
    assert result.returncode == 1
    for expected in ("DEBUG is on", "SECRET_KEY", "SITE_URL", "SQLite", "seal certificate"):
        assert expected in result.stderr, expected


def test_check_production_refuses_the_development_seal(production_env, tmp_path):
    from ops.management.commands.make_dev_seal import write_dev_seal

    root = write_dev_seal(tmp_path / "seal" / "other-name.p12", "secret")
    env = {**production_env, "SEAL_PKCS12": str(root.parent / "other-name.p12")}
    result = manage("check_production", env=env, tmp_path=tmp_path)
    assert result.returncode == 1 and "development one" in result.stderr


def test_check_production_accepts_a_safe_configuration(production_env, tmp_path):
    result = manage("check_production", env=production_env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "safe" in result.stdout


def test_healthz_checks_database_and_storage(client, db, settings, tmp_path):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok", "tasks": "immediate"}
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage folder should be")
    settings.PRIVATE_ROOT = blocked
    response = client.get(reverse("healthz"))
    assert response.status_code == 503 and response.json()["storage"] == "error"


def test_healthz_is_exempt_from_the_https_redirect(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("accounts:login")).status_code == 301


def test_every_response_carries_a_request_id(client, db):
    first = client.get(reverse("accounts:login"))
    assert len(first["X-Request-ID"]) == 32
    given = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID="proxy-1234abcd")
    assert given["X-Request-ID"] == "proxy-1234abcd"
    odd = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID="<script>")
    assert odd["X-Request-ID"] != "<script>"


def test_json_log_lines_carry_the_request_id():
    import logging

    from emulation.middleware import JsonFormatter, RequestIdFilter

    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "Ký giao ước %s", ("xong",), None)
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "Ký giao ước xong" and line["request_id"] == "-" and line["level"] == "WARNING"


def test_login_is_throttled_through_the_real_form(client, db, settings):
    make_user("victim", can_sign=False).save()
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(url, {"username": "victim", "password": "wrong"}).status_code == 200
    assert client.post(url, {"username": "victim", "password": "wrong"}).status_code == 429  # the last straw
    locked = client.post(url, {"username": "victim", "password": "pw"})  # even the right password now
    assert locked.status_code == 429
    from django.core.management import call_command

    call_command("axes_reset_username", "victim", stdout=open(os.devnull, "w"))
    assert client.post(url, {"username": "victim", "password": "pw"}).status_code == 302


def test_the_wsgi_application_refuses_to_start_unsafe(tmp_path):
    env = {
        "DEBUG": "false",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "x.example",
        "DJANGO_SETTINGS_MODULE": "emulation.settings",
    }
    unwanted = ("SECRET_KEY", "DEBUG", "DATABASE_URL", "SEAL_PKCS12", "DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_URL")
    result = subprocess.run(
        [sys.executable, "-c", "import emulation.wsgi"],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k not in unwanted}, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "not safe for production" in result.stderr and "SITE_URL" in result.stderr
