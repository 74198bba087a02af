"""Refuse an unsafe production configuration, with the list of what to fix."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def problems() -> list[str]:
    """Return what makes this configuration unsafe to serve on the internet (empty when none)."""
    found = []
    if settings.DEBUG:
        found.append("DEBUG is on: set DEBUG=false.")
    key = settings.SECRET_KEY
    if key.startswith("django-insecure") or len(key) < 50 or len(set(key)) < 5:
        found.append("SECRET_KEY is the development key or too weak: set 50+ random characters.")
    if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        found.append("ALLOWED_HOSTS is empty or '*': list the server's host names.")
    if not settings.SITE_URL.startswith("https://"):
        found.append("SITE_URL is not an https:// address: e-mails and QR codes would point at plain HTTP.")
    seal = Path(settings.SEAL_PKCS12)
    if not seal.is_file():
        found.append(f"The seal certificate {seal} does not exist: set SEAL_PKCS12 and SEAL_PASSPHRASE.")
    elif seal.name == "dev-seal.p12" or _is_development_seal():
        found.append(
            "The seal certificate is the self-signed development one: configure the organisation's certificate."
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        found.append("The database is SQLite: set DATABASE_URL to PostgreSQL.")
    return found


def _is_development_seal() -> bool:
    from pledges.pdf import load_sealer

    try:
        subject = load_sealer().signing_cert.subject.human_friendly
    except Exception:
        return False
    from pledges.management.commands.make_dev_seal import DEVELOPMENT

    return DEVELOPMENT in subject


class Command(BaseCommand):
    help = "Refuse an unsafe production configuration (exit 1) and list what to fix; then run check --deploy."

    def handle(self, *args, **options):
        found = problems()
        if found:
            self.stderr.write("This configuration is not safe for production:")
            for problem in found:
                self.stderr.write(f"  - {problem}")
            sys.exit(1)
        call_command("check", deploy=True, fail_level="WARNING")
        self.stdout.write("The production configuration is safe.")
