"""Restore a backup made by `backup` into an empty database and storage, after checking its manifest."""

import json
from pathlib import Path

from django.apps import apps
from django.core.files import File
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ops.management.commands.backup import sha256_file


class Command(BaseCommand):
    help = "restore FOLDER [--force]: refuse a backup whose manifest does not match, or a database that is not empty."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--force", action="store_true", help="Restore even into a database that holds data.")

    def handle(self, *args, folder, force=False, **options):
        source = Path(folder)
        try:
            manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"No readable manifest.json in {source}.") from error
        listed = manifest.get("sha256", {})
        present = {p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()} - {"manifest.json"}
        if set(listed) != present:
            raise CommandError("The backup's files do not match its manifest (files added or missing).")
        for name, expected in listed.items():
            if sha256_file(source / name) != expected:
                raise CommandError(f"{name} does not match its SHA-256 in the manifest: the backup was changed.")
        holding = [m._meta.label for m in apps.get_app_config("blocs").get_models() if m.objects.exists()]
        if holding and not force:
            raise CommandError(f"The database is not empty ({', '.join(holding)}): restore into a new one, or --force.")
        with transaction.atomic():
            if holding:
                call_command("flush", "--no-input", verbosity=0)
            call_command("loaddata", str(source / "data.json"), verbosity=0)
        storage = storages["private"]
        for name in listed:
            if name.startswith("files/"):
                stored_name = name[len("files/") :]
                if storage.exists(stored_name):
                    storage.delete(stored_name)  # --force over an existing storage: the backup wins
                with open(source / name, "rb") as handle:
                    if storage.save(stored_name, File(handle)) != stored_name:
                        raise CommandError(f"The storage renamed {stored_name}: restore into an empty storage.")
        self.stdout.write(f"Restored the database and {len(listed) - 1} files from {source}.")
