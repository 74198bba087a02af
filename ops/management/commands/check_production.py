"""Refuse an unsafe production configuration, with the list of what to fix."""

import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from ops.checks import production_problems


class Command(BaseCommand):
    help = "Refuse an unsafe production configuration (exit 1) and list what to fix; then run check --deploy."

    def handle(self, *args, **options):
        found = production_problems()
        if found:
            self.stderr.write("This configuration is not safe for production:")
            for problem in found:
                self.stderr.write(f"  - {problem}")
            sys.exit(1)
        call_command("check", deploy=True, fail_level="WARNING")
        self.stdout.write("The production configuration is safe.")
