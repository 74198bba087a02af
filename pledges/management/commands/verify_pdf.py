"""Check a PDF offline: is it a registered signed pledge, and is its seal intact?"""

import sys

from django.core.management.base import BaseCommand

from pledges.selectors import pdf_verdict


class Command(BaseCommand):
    help = "verify_pdf FILE: exit 0 for a registered document with an intact seal, 1 otherwise."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        with open(file, "rb") as handle:
            verdict = pdf_verdict(handle.read())
        registered = verdict["registered"]
        self.stdout.write(f"SHA-256: {verdict['sha256']}")
        self.stdout.write(
            f"Registered: {'yes, pledge ' + str(registered.pk) + ' (' + registered.title + ')' if registered else 'no'}"
        )
        self.stdout.write(f"Sealed: {'yes' if verdict['sealed'] else 'no'}")
        self.stdout.write(
            f"Seal intact and covering the whole file: {'yes' if verdict['intact'] and verdict['whole_file'] else 'no'}"
        )
        self.stdout.write(f"Seal certificate trusted: {'yes' if verdict['trusted'] else 'not established'}")
        ok = registered is not None and verdict["intact"] and verdict["whole_file"]
        self.stdout.write("RESULT: " + ("registered and intact" if ok else "NOT a registered, intact document"))
        sys.exit(0 if ok else 1)
