"""Two app servers in production mode (gunicorn) on one PostgreSQL and one object store.

The object store is moto's standalone S3 server on 127.0.0.1, the accepted local
stand-in: a real store was not reachable here.
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

from bench.pages import session_for
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


def call(base: str, path: str, *, session: str, csrf: str = "", data: dict | None = None):
    """Send one request as the proxy would (HTTPS, Origin); return (status, headers, body)."""
    headers = {
        "X-Forwarded-Proto": "https",
        "Cookie": f"sessionid={session}; csrftoken={csrf}" if csrf else f"sessionid={session}",
    }
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


def sign_through(base: str, pledge, head) -> int:
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
    status, headers, body = call(base, f"/pledges/{pledge.pk}/sign/", session=session, csrf=csrf_cookie, data=form)
    assert status == 302, body[:2000]
    return int(re.search(r"/pledges/signatures/(\d+)/", headers["Location"]).group(1))


@pytest.mark.postgres
def test_two_servers_share_one_database_and_one_object_store(
    transactional_db, cast, heads, pledge, settings, tmp_path, end_server_sessions, production_static
):
    s3_port, ports = free_port(), (free_port(), free_port())
    processes = []
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

        boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{s3_port}",
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        ).create_bucket(Bucket=BUCKET)

        # A production configuration that check_production accepts: strong key, https, the organisation's seal.
        settings.SECRET_KEY = "k3Yq9-ZxW2pLmN8vB4cR7tH1jF6gD0sA5eU-yIoPqWxEzRtYuVs"  # sessions are made with it below
        _, root, key, cert = make_certificates(organisation="Ban Thi dua - Khen thuong tinh")
        seal = tmp_path / "organisation.p12"
        seal.write_bytes(
            pkcs12.serialize_key_and_certificates(
                b"org", key, cert, [root], serialization.BestAvailableEncryption(b"s3cret")
            )
        )
        (tmp_path / "roots.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
        db = connection.settings_dict
        env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DEBUG": "false",
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "STATIC_ROOT": str(production_static),
            "S3_BUCKET": BUCKET,
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
            "S3_ACCESS_KEY_ID": "test",
            "S3_SECRET_ACCESS_KEY": "test",
            "SEAL_PKCS12": str(seal),
            "SEAL_PASSPHRASE": "s3cret",
            "SEAL_TRUST_ROOTS": str(tmp_path / "roots.pem"),
            "LOG_LEVEL": "WARNING",
        }
        for port in ports:
            processes.append(
                subprocess.Popen(
                    [
                        str(BIN / "gunicorn"),
                        "emulation.wsgi",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "1",
                        "--threads",
                        "2",
                        "--timeout",
                        "90",
                    ],
                    cwd=ROOT,
                    env={**env, "SITE_URL": f"https://127.0.0.1:{port}"},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            wait_for(base + "/healthz")
            assert call(base, "/healthz", session="")[0] == 200

        # Sign half of the units through each server; the last one completes the pledge.
        signers = list(heads.values())
        signature_ids = [sign_through(bases[i % 2], pledge, head) for i, head in enumerate(signers)]
        pledge.refresh_from_db()
        assert pledge.status == "completed"
        # The server produces the signed PDF after answering the last signer: give it the time limit.
        deadline = time.monotonic() + 60
        while pledge.pdf_status != "ready" and time.monotonic() < deadline:
            time.sleep(0.5)
            pledge.refresh_from_db()
        assert pledge.pdf_status == "ready"
        assert Signature.objects.filter(pledge=pledge).count() == len(signers)

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
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
