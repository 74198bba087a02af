"""Backup and restore: a database with completed pledges comes back with every PDF still verifying."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pledges.models import Pledge, Signature

pytestmark = pytest.mark.pdf


@pytest.fixture
def seeded(transactional_db, django_capture_on_commit_callbacks):
    # Real transactions: flush and restore run as they would on a server (PostgreSQL refuses TRUNCATE
    # inside a transaction that already wrote rows with deferred constraints).
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    pledge = Pledge.objects.get(term__year=2022, term__bloc__province__code="NDH")
    assert pledge.pdf_status == "ready"
    return pledge


def test_backup_then_restore_into_a_fresh_database_and_storage(seeded, tmp_path, settings):
    hashes = {p.pk: (p.content_hash, p.pdf_sha256) for p in Pledge.objects.all()}
    signatures = Signature.objects.count()
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert any(name.startswith("files/pledge-pdfs/") for name in manifest["sha256"])

    call_command("flush", "--no-input", verbosity=0)  # a fresh database …
    settings.PRIVATE_ROOT = tmp_path / "new-storage"  # … and a fresh storage
    assert not Pledge.objects.exists()
    call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())

    assert {p.pk: (p.content_hash, p.pdf_sha256) for p in Pledge.objects.all()} == hashes
    assert Signature.objects.count() == signatures
    pledge = Pledge.objects.get(pk=seeded.pk)
    target = tmp_path / "restored.pdf"
    call_command("pledge_pdf", str(pledge.pk), "-o", str(target), stdout=io.StringIO())
    with pytest.raises(SystemExit) as verdict:
        call_command("verify_pdf", str(target), stdout=io.StringIO())
    assert verdict.value.code == 0


def test_restore_refuses_a_database_that_is_not_empty(seeded, tmp_path):
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())


def test_restore_refuses_a_changed_backup(seeded, tmp_path):
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    data = tmp_path / "backup" / "data.json"
    data.write_text(data.read_text().replace("Sở Y tế", "Sở Y tế giả"))
    call_command("flush", "--no-input", verbosity=0)
    with pytest.raises(CommandError, match="does not match"):
        call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())
    assert not Pledge.objects.exists()
