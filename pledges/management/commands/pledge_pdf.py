"""Write a pledge's PDF to a file, or produce the signed PDFs still pending, here and now (by hand).

The task queue produces signed PDFs (``pledges.tasks``) and retries pending ones every two minutes."""

from django.core.management.base import BaseCommand, CommandError

from pledges import pdf, services
from pledges.models import Pledge


class Command(BaseCommand):
    help = "pledge_pdf PLEDGE_ID -o FILE writes the stored (or preview) PDF; --retry-pending produces pending ones."

    def add_arguments(self, parser):
        parser.add_argument("pledge_id", nargs="?", type=int)
        parser.add_argument("-o", "--output", help="Where to write the PDF.")
        parser.add_argument("--retry-pending", action="store_true", help="Produce every pending signed PDF.")

    def handle(self, *args, pledge_id=None, output=None, retry_pending=False, **options):
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
