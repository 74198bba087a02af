"""For a daily cron: remind heads before a deadline (signing, self-assessment), report overdue pledges,
and send the chairs' officers yesterday's digest of signatures."""

from django.core.management.base import BaseCommand

from pledges import notices, services
from reviews import services as review_services


class Command(BaseCommand):
    help = "Remind heads who have not signed (within --days of the deadline) and report overdue pledges."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="Remind this many days before the deadline.")

    def handle(self, *args, days, **options):
        report = services.reminders_send_due(days_before=days)
        assessments = review_services.reminders_send_due(days_before=days)
        digests = notices.digests_send()
        self.stdout.write(
            f"Reminders sent: {report['reminded']}; overdue reports: {report['overdue_reports']};"
            f" self-assessment reminders: {assessments}; signature digests: {digests}."
        )
