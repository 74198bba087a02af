"""Set up or serve the test PKI and its CSC signing server (ops/testpki.py): development and tests only."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops import testpki


class Command(BaseCommand):
    help = (
        "Set up (--setup) or serve (--serve) the test PKI for digital signing: certificates, CRLs, OCSP and "
        "timestamps over HTTP, and a CSC v1 signing server, both on 127.0.0.1. The signing server signs with "
        "any holder's key for whoever asks: with DEBUG off it refuses unless --force."
    )
    # It touches no database: start without the system checks.
    requires_system_checks = []

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument(
            "--setup", action="store_true", help="Create the missing keys and write the configuration and root.pem."
        )
        action.add_argument("--serve", action="store_true", help="Set up, then serve until SIGTERM or Ctrl-C.")
        parser.add_argument(
            "--dir",
            type=Path,
            default=settings.BASE_DIR / "var" / "pki",
            help="Directory of the keys, the configuration and root.pem (default: var/pki).",
        )
        parser.add_argument(
            "--keys-from",
            type=Path,
            help="Use the keys in this directory (creating those missing there) instead of <dir>/keys.",
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:9780",
            help="URL prefix of the services written into the certificates, for --setup (default: %(default)s).",
        )
        parser.add_argument("--pki-port", type=int, default=9780, help="Port of the PKI services (default: 9780).")
        parser.add_argument("--csc-port", type=int, default=9781, help="Port of the CSC server (default: 9781).")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (test machines only).")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: the test PKI hands out private keys through its CSC server. Use --force on a "
                "test machine only."
            )
        directory, pki_port = options["dir"], options["pki_port"]
        base_url = f"http://127.0.0.1:{pki_port}" if options["serve"] else options["base_url"]
        started = time.monotonic()
        config = testpki.setup(directory, base_url, keys_from=options["keys_from"])
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Test PKI set up in {time.monotonic() - started:.1f} s: {config} "
                f"(trust anchor: {directory / 'root.pem'})."
            )
        if options["serve"]:
            self.stdout.flush()
            testpki.serve(directory, pki_port=pki_port, csc_port=options["csc_port"])
