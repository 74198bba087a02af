"""The documents of a pledge: the signed PDF (produced once, under a time limit), the frozen PDF, page images."""

import re
import threading
import uuid

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from pledges.models import Pledge
from pledges.services._common import (
    PledgeError,
    Status,
    logger,
)

# The signed PDF ------------------------------------------------------------------


def run_with_time_limit(function, seconds: float):
    """Run *function* in a worker thread; raise TimeoutError if it has not returned in *seconds*.

    A worker that overruns is abandoned (it holds no database connection: only
    pure rendering runs there), so the caller never waits longer than the limit.
    """
    outcome = {}

    def work():
        try:
            outcome["value"] = function()
        except BaseException as error:  # handed back to the caller
            outcome["error"] = error

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError(f"gave up after {seconds:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def pledge_pdf_produce(pledge_id: int, *, time_limit: float | None = None) -> Pledge:
    """Render, seal and store the final PDF of a completed pledge, once.

    Reads the data here, renders and seals under *time_limit* in a worker, and
    stores the file with its SHA-256. A failure or a time-out leaves the PDF
    pending with the error recorded; the pledge and its signatures are untouched.
    """
    from django.conf import settings
    from django.core.files.storage import storages

    from core import pdf as pdf_engine
    from pledges import pdf

    pledge = Pledge.objects.for_document().get(pk=pledge_id)
    if pledge.status != Status.COMPLETED or pledge.pdf_status == Pledge.PdfStatus.READY:
        return pledge
    Pledge.objects.filter(pk=pledge.pk, pdf_status=Pledge.PdfStatus.NONE).update(pdf_status=Pledge.PdfStatus.PENDING)
    html, attachment = pdf.render_html(pledge, preview=False), pdf.audit_json(pledge)
    limit = settings.PDF_TIME_LIMIT if time_limit is None else time_limit
    try:
        data = run_with_time_limit(lambda: pdf.seal_pdf(pdf.html_to_pdf(html, attachment)), limit)
    except Exception as error:
        logger.exception("the PDF of pledge %s failed", pledge.pk)
        Pledge.objects.filter(pk=pledge.pk).update(pdf_status=Pledge.PdfStatus.PENDING, pdf_error=str(error)[:500])
        pledge.refresh_from_db()
        return pledge
    storage = storages["private"]
    name = storage.save(f"pledge-pdfs/{uuid.uuid4().hex}.pdf", ContentFile(data))
    moved = Pledge.objects.filter(pk=pledge.pk, pdf_status=Pledge.PdfStatus.PENDING).update(
        pdf_status=Pledge.PdfStatus.READY, pdf_file=name, pdf_sha256=pdf_engine.sha256(data), pdf_error=""
    )
    if moved != 1:  # another worker stored it first: keep theirs
        storage.delete(name)
    pledge.refresh_from_db()
    return pledge


def pledge_frozen_pdf(pledge: Pledge) -> bytes:
    """Return the frozen document's PDF, rendering and storing it the first time.

    Its bytes never change afterwards: a head's digital signature must cover
    exactly them. Of two first requests, the first stored file wins.
    """
    from django.core.files.storage import storages

    from pledges import pdf

    if pledge.status not in (Status.OPEN, Status.COMPLETED):
        raise PledgeError(_("Only a pledge open for signing has a frozen PDF."))
    if not pledge.frozen_pdf:
        data = pdf.render_frozen_pdf(Pledge.objects.for_document().get(pk=pledge.pk))
        storage = storages["private"]
        name = storage.save(f"frozen-pdfs/{uuid.uuid4().hex}.pdf", ContentFile(data))
        if Pledge.objects.filter(pk=pledge.pk, frozen_pdf="").update(frozen_pdf=name) != 1:
            storage.delete(name)
        pledge.refresh_from_db(fields=["frozen_pdf"])
    with pledge.frozen_pdf.open("rb") as stored:
        return stored.read()


def page_image_key(pledge: Pledge, draft_digest: str | None = None) -> str:
    """Name the set of page images: the frozen document's, or a draft's by its content."""
    if pledge.status == Status.DRAFT:
        return f"draft-{(draft_digest or '')[:20]}"
    return f"frozen-{pledge.content_hash[:20]}"


def page_images(pledge: Pledge, *, render: bool, draft_digest: str | None = None) -> list[str]:
    """Return the names of the pledge's page images, rendering them first if *render* and missing.

    Open and completed pledges show the frozen PDF's pages (what every signer
    signs); a draft shows its current preview. Images are cached in private storage.
    """
    from django.core.files.storage import storages

    from core import pdf as pdf_engine
    from pledges import pdf

    storage = storages["private"]
    key = page_image_key(pledge, draft_digest)
    folder = f"page-images/{pledge.pk}"
    try:
        pattern = re.compile(rf"{re.escape(key)}-(\d+)\.png")
        numbered = [(int(m.group(1)), m.group(0)) for m in map(pattern.fullmatch, storage.listdir(folder)[1]) if m]
        names = [name for _, name in sorted(numbered)]
    except FileNotFoundError:
        names = []
    if names or not render:
        return names
    if pledge.status == Status.DRAFT:
        document = Pledge.objects.for_document().get(pk=pledge.pk)
        data = pdf.html_to_pdf(pdf.render_html(document, preview=True, certificate=False), pdf.audit_json(document))
    else:
        data = pledge_frozen_pdf(pledge)
    names = []
    for number, png in enumerate(pdf_engine.pdf_to_pngs(data), start=1):
        name = f"{key}-{number}.png"
        if not storage.exists(f"{folder}/{name}"):  # the same content renders the same pages
            storage.save(f"{folder}/{name}", ContentFile(png))
        names.append(name)
    return names
