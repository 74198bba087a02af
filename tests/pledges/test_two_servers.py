"""Two app servers in production mode (gunicorn) and two task consumers (``manage.py run_huey``) on one
PostgreSQL, one Redis (test.sh's, TEST_REDIS_URL) and one object store.

The object store is moto's standalone S3 server on 127.0.0.1, the accepted local
stand-in: a real store was not reachable here. tests/test_queue_redis.py reuses the helpers.
"""

import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.db import connection

from bench.pages import Consumer, session_for
from ops.management.commands.make_dev_seal import make_certificates
from pledges.models import Pledge, Signature

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
BUCKET = "giaouoc-test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"}), timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer in {seconds} s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def redis_url():
    """test.sh's Redis, emptied before and after; skip without it (pytest run alone, or the SQLite pass)."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("needs the Redis server that test.sh starts (TEST_REDIS_URL is not set)")
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()


def database_url() -> str:
    """The test database's address for another process (PostgreSQL's server, or SQLite's file)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def production_env(settings, tmp_path: Path, static_root: Path, **extra: str) -> dict:
    """The environment of a production app server or consumer on the test database (check_production accepts it).

    Files go to folders under *tmp_path* unless *extra* names an object store.
    """
    settings.SECRET_KEY = "k3Yq9-ZxW2pLmN8vB4cR7tH1jF6gD0sA5eU-yIoPqWxEzRtYuVs"  # sessions are made with it
    _, root, key, cert = make_certificates(organisation="Ban Thi dua - Khen thuong tinh")
    seal = tmp_path / "organisation.p12"
    seal.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"org", key, cert, [root], serialization.BestAvailableEncryption(b"s3cret")
        )
    )
    (tmp_path / "roots.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "HUEY_IMMEDIATE")},
        "DJANGO_SETTINGS_MODULE": "emulation.settings",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_ROOT": str(tmp_path / "private"),
        "SEAL_PKCS12": str(seal),
        "SEAL_PASSPHRASE": "s3cret",
        "SEAL_TRUST_ROOTS": str(tmp_path / "roots.pem"),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def gunicorn(env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "emulation.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2",
         "--timeout", "90"],
        cwd=ROOT, env={**env, "SITE_URL": f"https://127.0.0.1:{port}"}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait_for_pdf(pledge, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    pledge.refresh_from_db()
    while pledge.pdf_status != "ready" and time.monotonic() < deadline:
        time.sleep(0.5)
        pledge.refresh_from_db()


def call(base: str, path: str, *, session: str, csrf: str = "", data: dict | None = None, request_id: str = ""):
    """Send one request as the proxy would (HTTPS, Origin); return (status, headers, body)."""
    headers = {
        "X-Forwarded-Proto": "https",
        "Cookie": f"sessionid={session}; csrftoken={csrf}" if csrf else f"sessionid={session}",
    } | ({"X-Request-ID": request_id} if request_id else {})
    body = None
    if data is not None:
        body = urllib.parse.urlencode(data).encode()
        headers |= {"Origin": base.replace("http://", "https://"), "Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(base + path, data=body, headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def sign_through(base: str, pledge, head, request_id: str = "") -> int:
    session = session_for(head)
    status, headers, page = call(base, f"/pledges/{pledge.pk}/sign/", session=session)
    assert status == 200, page[:500]
    html = page.decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)

    def field(name):
        return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)

    form = {
        "csrfmiddlewaretoken": field("csrfmiddlewaretoken"),
        "content_hash": field("content_hash"),
        "form_token": field("form_token"),
        "agree": "on",
        "typed_name": head.full_name,
        "method": "typed",
        "drawn": "",
    }
    status, headers, body = call(
        base, f"/pledges/{pledge.pk}/sign/", session=session, csrf=csrf_cookie, data=form, request_id=request_id
    )
    assert status == 302, body[:2000]
    return int(re.search(r"/pledges/signatures/(\d+)/", headers["Location"]).group(1))


@pytest.mark.postgres
@pytest.mark.redis
def test_two_servers_share_one_database_and_one_object_store(
    transactional_db, cast, heads, pledge, settings, tmp_path, end_server_sessions, production_static, redis_url
):
    s3_port, ports = free_port(), (free_port(), free_port())
    processes, consumers = [], []
    try:
        processes.append(
            subprocess.Popen(
                [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_for(f"http://127.0.0.1:{s3_port}/")
        import boto3

        s3 = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{s3_port}",
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        s3.create_bucket(Bucket=BUCKET)
        env = production_env(
            settings,
            tmp_path,
            production_static,
            S3_BUCKET=BUCKET,
            S3_ENDPOINT_URL=f"http://127.0.0.1:{s3_port}",
            S3_ACCESS_KEY_ID="test",
            S3_SECRET_ACCESS_KEY="test",
            REDIS_URL=redis_url,
        )
        processes += [gunicorn(env, port) for port in ports]
        consumers += [Consumer(env, workers=2, nice=False) for _ in range(2)]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            wait_for(base + "/healthz")
            assert call(base, "/healthz", session="")[0] in (200, 503)  # 503 until a consumer's first heartbeat

        # Sign half of the units through each server; the last one completes the pledge.
        signers = list(heads.values())
        signature_ids = [sign_through(bases[i % 2], pledge, head) for i, head in enumerate(signers)]
        pledge.refresh_from_db()
        assert pledge.status == "completed"
        # One of the two consumers produces the signed PDF after the last signer was answered.
        wait_for_pdf(pledge)
        assert pledge.pdf_status == "ready", [c.output()[-3000:] for c in consumers]
        assert Signature.objects.filter(pledge=pledge).count() == len(signers)
        assert all(c.process.poll() is None for c in consumers)

        # Every signature image and the signed PDF are visible through either server.
        reader = session_for(cast.member_staff)
        pdfs = []
        for base in bases:
            for signature_id in signature_ids:
                status, headers, body = call(base, f"/pledges/signatures/{signature_id}/image.png", session=reader)
                assert status == 200 and body.startswith(b"\x89PNG")
            status, headers, body = call(base, f"/pledges/{pledge.pk}/pdf/", session=reader)
            assert status == 200 and body.startswith(b"%PDF")
            pdfs.append(body)
        assert pdfs[0] == pdfs[1] and hashlib.sha256(pdfs[0]).hexdigest() == pledge.pdf_sha256
        assert Pledge.objects.get(pk=pledge.pk).pdf_file.name.startswith("pledge-pdfs/")
        # Produced once: a single signed PDF in the store, whichever consumer took the task.
        stored = s3.list_objects_v2(Bucket=BUCKET, Prefix="private/pledge-pdfs/").get("Contents", [])
        assert len(stored) == 1, [o["Key"] for o in stored]

        # A consumer is alive: its heartbeat (every minute, the first at start) makes /healthz answer 200.
        deadline = time.monotonic() + 90
        while call(bases[0], "/healthz", session="")[0] != 200 and time.monotonic() < deadline:
            time.sleep(1)
        assert call(bases[0], "/healthz", session="")[0] == 200
    finally:
        for consumer in consumers:
            consumer.kill()
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
