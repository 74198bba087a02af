"""The test PKI and its CSC signing server (ops/testpki.py) for the digital-signing tests.

test.sh starts one server for both of its runs and sets TEST_PKI_DIR, TEST_PKI_URL and TEST_CSC_URL;
without them the session starts its own, on free loopback ports, with the keys of var/pki/keys
(generated there the first time) and a configuration in a temporary directory.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from ops import testpki

__all__ = ["TestPki", "test_pki"]

START_TIMEOUT = 30  # seconds; the first run also generates 36 RSA keys (~3 s)


@dataclass(frozen=True)
class TestPki:
    """A running test PKI: where its files are, where its services answer."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    directory: Path
    pki_url: str  # the Animator: certificates, CRLs, OCSP, TSA (see ops/testpki.py for the paths)
    csc_url: str  # the CSC service's base URL, as pyHanko's CSCServiceSessionInfo.service_url wants it
    root_pem: bytes

    @property
    def tsa_url(self) -> str:
        return self.pki_url + testpki.TSA_PATH

    def pkcs12(self, label: str, passphrase: bytes) -> bytes:
        return testpki.pkcs12(self.directory, label, passphrase)

    def credential_id(self, label: str) -> str:
        return testpki.credential_id(label)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=0.5).close()
        return True
    except OSError:
        return False


def _start_server(directory: Path) -> tuple[subprocess.Popen, str, str]:
    pki_port, csc_port = _free_port(), _free_port()
    # Set up here, not in the server: the keys go to var/pki/keys, where the next session finds them.
    testpki.setup(directory, f"http://127.0.0.1:{pki_port}", keys_from=settings.BASE_DIR / "var" / "pki" / "keys")
    log = (directory / "server.log").open("wb")
    command = [sys.executable, "manage.py", "test_pki", "--serve", "--force", "--dir", str(directory)]
    command += ["--pki-port", str(pki_port), "--csc-port", str(csc_port)]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    pki_url, csc_url = f"http://127.0.0.1:{pki_port}", f"http://127.0.0.1:{csc_port}"
    deadline = time.monotonic() + START_TIMEOUT
    while not (_answers(pki_url) and _answers(csc_url)):
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            output = (directory / "server.log").read_text(errors="replace")
            pytest.fail(f"The test PKI server did not start:\n{output}", pytrace=False)
        time.sleep(0.1)
    return process, pki_url, csc_url


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory):
    """The test PKI server: test.sh's (TEST_PKI_DIR, TEST_PKI_URL, TEST_CSC_URL) or one started for this session."""
    if os.environ.get("TEST_PKI_DIR") and os.environ.get("TEST_PKI_URL") and os.environ.get("TEST_CSC_URL"):
        directory = Path(os.environ["TEST_PKI_DIR"])
        yield TestPki(
            directory=directory,
            pki_url=os.environ["TEST_PKI_URL"].rstrip("/"),
            csc_url=os.environ["TEST_CSC_URL"].rstrip("/"),
            root_pem=(directory / "root.pem").read_bytes(),
        )
        return
    directory = tmp_path_factory.mktemp("pki")
    process, pki_url, csc_url = _start_server(directory)
    try:
        yield TestPki(directory, pki_url, csc_url, (directory / "root.pem").read_bytes())
    finally:
        _stop(process)
