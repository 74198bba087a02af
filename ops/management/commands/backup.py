"""Back up the database (Django's portable serialisation) and every stored file, with a SHA-256 manifest."""

import hashlib
import io
import json
from pathlib import Path

from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


def walk(storage, folder: str = ""):
    """Yield every file name in *storage* (local folders and object stores alike)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from walk(storage, f"{folder}/{sub}" if folder else sub)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "backup FOLDER: write data.json, files/ (the private storage) and manifest.json with SHA-256 sums."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        target = Path(folder)
        if target.exists() and any(target.iterdir()):
            raise CommandError(f"{target} is not empty: back up into a new folder.")
        (target / "files").mkdir(parents=True, exist_ok=True)
        data = io.StringIO()
        call_command(
            "dumpdata", "--natural-foreign", "--natural-primary", *[f"--exclude={e}" for e in EXCLUDED], stdout=data
        )
        (target / "data.json").write_text(data.getvalue(), encoding="utf-8")
        storage = storages["private"]
        entries = {"data.json": sha256_file(target / "data.json")}
        for name in walk(storage):
            if name.startswith(("healthz/", "page-images/")):
                continue  # checks and caches: nothing to keep
            copy = target / "files" / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(name, "rb") as handle:
                copy.write_bytes(handle.read())
            entries[f"files/{name}"] = sha256_file(copy)
        manifest = {"created": timezone.now().isoformat(), "format": 1, "sha256": entries}
        (target / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        self.stdout.write(f"Backed up {len(entries) - 1} files and the database to {target}.")
