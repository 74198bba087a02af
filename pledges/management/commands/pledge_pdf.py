"""Write a pledge's PDF to a file, produce the signed PDFs still pending (for a cron), or run as the PDF worker."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from pledges import pdf, services
from pledges.models import Pledge


class Command(BaseCommand):
    help = "pledge_pdf PLEDGE_ID -o FILE writes the stored (or preview) PDF; --retry-pending produces pending ones."

    def add_arguments(self, parser):
        parser.add_argument("pledge_id", nargs="?", type=int)
        parser.add_argument("-o", "--output", help="Where to write the PDF.")
        parser.add_argument("--retry-pending", action="store_true", help="Produce every pending signed PDF.")
        parser.add_argument(
            "--watch",
            action="store_true",
            help="Run as the PDF worker (with PDF_WORKER on): produce each newly completed pledge's signed PDF.",
        )
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between two looks (--watch).")
        parser.add_argument("--max-seconds", type=float, help="Stop after this long (--watch; default: never).")

    def handle(self, *args, pledge_id=None, output=None, retry_pending=False, **options):
        if options["watch"]:
            return self.watch(options["interval"], options["max_seconds"])
        if retry_pending:
            pending = Pledge.objects.filter(status=Pledge.Status.COMPLETED).exclude(pdf_status=Pledge.PdfStatus.READY)
            failed = 0
            for pk in pending.values_list("pk", flat=True):
                pledge = services.pledge_pdf_produce(pk)
                ok = pledge.pdf_status == Pledge.PdfStatus.READY
                failed += not ok
                self.stdout.write(f"pledge {pk}: {'ready' if ok else 'still pending: ' + pledge.pdf_error}")
            if failed:
                raise CommandError(f"{failed} PDF(s) still pending.")
            return
        if pledge_id is None or not output:
            raise CommandError("Give PLEDGE_ID and -o FILE, or --retry-pending.")
        pledge = Pledge.objects.for_document().filter(pk=pledge_id).first()
        if pledge is None:
            raise CommandError(f"No pledge {pledge_id}.")
        if pledge.pdf_status == Pledge.PdfStatus.READY:
            with pledge.pdf_file.open("rb") as stored:
                data = stored.read()
            kind = "signed"
        else:
            data = pdf.render_pdf(pledge, preview=True)
            kind = "preview (not sealed)"
        with open(output, "wb") as handle:
            handle.write(data)
        self.stdout.write(f"Wrote the {kind} PDF of pledge {pledge_id} to {output}.")

    def watch(self, interval: float, max_seconds: float | None) -> None:
        """Produce the PDFs of completed pledges that wait for one and have not failed.

        A failed one (with its error) is left to the chair's retry button or the
        ``--retry-pending`` cron, so that a broken document is not retried forever.
        Two workers may run: the store keeps the first PDF (a conditional update).
        """
        stop_at = None if max_seconds is None else time.monotonic() + max_seconds
        while stop_at is None or time.monotonic() < stop_at:
            waiting = Pledge.objects.filter(status=Pledge.Status.COMPLETED, pdf_error="").exclude(
                pdf_status=Pledge.PdfStatus.READY
            )
            try:
                for pk in waiting.order_by("completed_at").values_list("pk", flat=True):
                    pledge = services.pledge_pdf_produce(pk)
                    state = "ready" if pledge.pdf_status == Pledge.PdfStatus.READY else "pending: " + pledge.pdf_error
                    self.stdout.write(f"pledge {pk}: {state}")
                    self.stdout.flush()
            except DatabaseError as error:  # the database restarting: look again next time
                self.stderr.write(f"database error, trying again: {error}")
                connection.close()
            time.sleep(interval)
