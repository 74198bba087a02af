"""The documents of a pledge: the signed PDF (produced once, under a time limit), the preview, the frozen
PDF and page images (each rendered once per content, under the time limit, one rendering at a time)."""

import datetime
import re
import threading
import uuid
from collections import Counter

from django.core.files.base import ContentFile
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pledges.models import DocumentRendering, Pledge
from pledges.services._common import (
    PledgeError,
    Status,
    logger,
)

# The signed PDF ------------------------------------------------------------------


def run_with_time_limit(function, seconds: float):
    """Run *function* in a worker thread; raise TimeoutError if it has not returned in *seconds*.

    A worker that overruns is abandoned, so the caller never waits longer than the
    limit; the worker closes any database connection it opened when it ends.
    """
    outcome = {}

    def work():
        try:
            outcome["value"] = function()
        except BaseException as error:  # handed back to the caller
            outcome["error"] = error
        finally:
            # Connections are per thread: one opened here (a lazy read while rendering) would
            # otherwise stay open until the process ends, and keep SQLite's WAL files alive.
            connections.close_all()

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
    # Ký số: the signed original is the last revision; this PDF is its completion certificate and
    # audit trail alone (a separate document, never appended to the original).
    html = pdf.render_html(pledge, preview=False, document=not pledge.is_digital)
    attachment = pdf.audit_json(pledge)
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


def pledge_pdf_queue(pledge: Pledge) -> None:
    """Queue the signed PDF of a completed pledge again (the chair's retry): it is pending meanwhile.

    The error of the last try is kept until the next try ends; a request never renders the PDF.
    """
    from core.queue import enqueue_after_commit

    if pledge.status != Status.COMPLETED:
        raise PledgeError(_("Only a completed pledge has a signed PDF."))
    Pledge.objects.filter(pk=pledge.pk, pdf_status=Pledge.PdfStatus.NONE).update(pdf_status=Pledge.PdfStatus.PENDING)
    enqueue_after_commit("pledges.tasks.produce_pdf", pledge.pk)


# Rendering once ------------------------------------------------------------------

# How many renderings this process made, by kind ("preview", "page_images", "frozen_pdf"): for the
# tests that show the same content renders once, and for a look in a shell.
renderings: Counter = Counter()


class DocumentNotReady(PledgeError):
    """The document is being rendered by another request (or gave up lately): try again in a moment."""


def stale_after() -> float:
    """Seconds after which a claimed rendering is taken to have died (a worker killed mid-way).

    Longer than the time limit: a rendering abandoned at the limit may still run in its thread,
    and the same content must not be rendered twice at once.
    """
    from django.conf import settings

    return max(60.0, 3 * settings.PDF_TIME_LIMIT)


def _claim(key: str) -> bool:
    """Claim the rendering of *key*; return False if another request (any process) holds it.

    A conditional insert (the key is unique), or the take-over of a stale claim by a conditional
    update: of two requests, one wins, on SQLite and PostgreSQL alike.
    """
    now = timezone.now()  # real time, not the services' clock: this is about processes, not documents
    try:
        with transaction.atomic():
            DocumentRendering.objects.create(key=key, started_at=now)
        return True
    except IntegrityError:
        stale = now - datetime.timedelta(seconds=stale_after())
        return DocumentRendering.objects.filter(key=key, started_at__lt=stale).update(started_at=now) == 1


def _release(key: str) -> None:
    DocumentRendering.objects.filter(key=key).delete()


def _render_once(key: str, kind: str, render, *, done=None):
    """Run *render* (pure: no database) under the time limit, as the only rendering of *key*.

    Raise ``DocumentNotReady`` when another request renders the same content now, or when this
    rendering overran ``PDF_TIME_LIMIT`` (its claim is then kept until it goes stale, since the
    abandoned thread may still be rendering). Return what *render* returned, or None (and hold no
    claim) if *done()* tells, once claimed, that another request stored it meanwhile.
    """
    from django.conf import settings

    if not _claim(key):
        raise DocumentNotReady(_("The document is being prepared; try again in a moment."))
    if done is not None and done():
        _release(key)
        return None
    try:
        renderings[kind] += 1
        result = run_with_time_limit(render, settings.PDF_TIME_LIMIT)
    except TimeoutError as error:
        logger.warning("rendering %s gave up after %s s", key, settings.PDF_TIME_LIMIT)
        raise DocumentNotReady(_("The document could not be prepared in time; try again in a few minutes.")) from error
    except BaseException:
        _release(key)
        raise
    return result


def _store(name: str, data: bytes) -> str:
    """Store *data* under exactly *name* in the private storage (a content-named file is the same file)."""
    from django.core.files.storage import storages

    storage = storages["private"]
    if not storage.exists(name):
        saved = storage.save(name, ContentFile(data))
        if saved != name:  # another process stored the same content a moment earlier
            storage.delete(saved)
    return name


def _prune(folder: str, prefix: str, keep: set[str]) -> None:
    """Delete the files of *folder* starting with *prefix* but those in *keep*: a draft's older renderings."""
    from django.core.files.storage import storages

    storage = storages["private"]
    try:
        names = storage.listdir(folder)[1]
    except FileNotFoundError:
        return
    for name in names:
        if name.startswith(prefix) and name not in keep:
            storage.delete(f"{folder}/{name}")


# The preview PDF ---------------------------------------------------------------------


def preview_source(pledge: Pledge) -> tuple[str, str, str]:
    """Return what the preview of *pledge* renders — its HTML and attachment — and their SHA-256 (its key)."""
    from core import pdf as pdf_engine
    from pledges import pdf

    document = Pledge.objects.for_document().get(pk=pledge.pk)
    html, attachment = pdf.render_html(document, preview=True), pdf.audit_json(document)
    return pdf_engine.sha256(f"{html}\x00{attachment}".encode()), html, attachment


def preview_pdf(pledge: Pledge) -> tuple[str, bytes]:
    """Return the watermarked preview PDF of a pledge not completed yet, as (storage name, bytes).

    Cached per content: the name is the SHA-256 of the HTML and attachment rendered, so that the same
    draft (or the same state of an open pledge) renders once, and any change renders anew. Rendered
    under ``PDF_TIME_LIMIT`` and never twice at once (``DocumentNotReady`` meanwhile); a pledge's
    older previews are deleted. A task queue can call this as it is.
    """
    from django.core.files.storage import storages

    from pledges import pdf

    digest, html, attachment = preview_source(pledge)
    folder = f"previews/{pledge.pk}"
    name = f"{folder}/{digest}.pdf"
    storage = storages["private"]
    if storage.exists(name):
        with storage.open(name, "rb") as stored:
            return name, stored.read()
    data = _render_once(
        f"preview-{digest}", "preview", lambda: pdf.html_to_pdf(html, attachment), done=lambda: storage.exists(name)
    )
    if data is None:
        with storage.open(name, "rb") as stored:
            return name, stored.read()
    try:
        _store(name, data)
        _prune(folder, "", {f"{digest}.pdf"})
    finally:
        _release(f"preview-{digest}")
    return name, data


def stored_preview(pledge: Pledge) -> bytes | None:
    """Return the stored preview PDF of *pledge*'s current content, or None if it is not rendered yet."""
    from django.core.files.storage import storages

    digest, _html, _attachment = preview_source(pledge)
    storage = storages["private"]
    name = f"previews/{pledge.pk}/{digest}.pdf"
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as stored:
        return stored.read()


# The frozen PDF and page images ---------------------------------------------------------


def pledge_frozen_pdf(pledge: Pledge) -> bytes:
    """Return the frozen document's PDF, rendering and storing it the first time.

    Its bytes never change afterwards: a head's digital signature must cover
    exactly them. Rendered once at a time, under the time limit; of two first
    requests, the first stored file wins.
    """
    if pledge.status not in (Status.OPEN, Status.COMPLETED):
        raise PledgeError(_("Only a pledge open for signing has a frozen PDF."))
    if not pledge.frozen_pdf:
        pledge.refresh_from_db(fields=["frozen_pdf"])
    if not pledge.frozen_pdf:
        _render_frozen_pdf(pledge)
    with pledge.frozen_pdf.open("rb") as stored:
        return stored.read()


def _render_frozen_pdf(pledge: Pledge) -> None:
    """Render and store the frozen PDF once; set ``pledge.frozen_pdf`` (the first stored file wins)."""
    from django.core.files.storage import storages

    from pledges import pdf

    html, attachment = pdf.render_frozen_html(Pledge.objects.for_document().get(pk=pledge.pk))
    key = f"frozen-pdf-{pledge.pk}"

    def stored_meanwhile() -> bool:
        pledge.refresh_from_db(fields=["frozen_pdf"])
        return bool(pledge.frozen_pdf)

    data = _render_once(key, "frozen_pdf", lambda: pdf.html_to_pdf(html, attachment), done=stored_meanwhile)
    if data is None:
        return
    try:
        storage = storages["private"]
        name = storage.save(f"frozen-pdfs/{uuid.uuid4().hex}.pdf", ContentFile(data))
        if Pledge.objects.filter(pk=pledge.pk, frozen_pdf="").update(frozen_pdf=name) != 1:
            storage.delete(name)
    finally:
        _release(key)
    pledge.refresh_from_db(fields=["frozen_pdf"])


def page_image_key(pledge: Pledge, draft_digest: str | None = None) -> str:
    """Name the set of page images: the frozen document's, or a draft's by its content."""
    if pledge.status == Status.DRAFT:
        return f"draft-{(draft_digest or '')[:20]}"
    return f"frozen-{pledge.content_hash[:20]}"


def _stored_page_images(folder: str, key: str) -> list[str]:
    from django.core.files.storage import storages

    try:
        pattern = re.compile(rf"{re.escape(key)}-(\d+)\.png")
        found = storages["private"].listdir(folder)[1]
    except FileNotFoundError:
        return []
    numbered = [(int(m.group(1)), m.group(0)) for m in map(pattern.fullmatch, found) if m]
    return [name for _, name in sorted(numbered)]


def page_images(pledge: Pledge, *, render: bool, draft_digest: str | None = None) -> list[str]:
    """Return the names of the pledge's page images, rendering them first if *render* and missing.

    Open and completed pledges show the frozen PDF's pages (what every signer
    signs); a draft shows its current preview, named by its content hash (a draft's
    older images are deleted). Images are cached in private storage, rendered under
    ``PDF_TIME_LIMIT`` and never twice at once (``DocumentNotReady`` meanwhile).
    A task queue can call this as it is.
    """
    from django.conf import settings

    from core import pdf as pdf_engine
    from pledges import pdf

    key = page_image_key(pledge, draft_digest)
    folder = f"page-images/{pledge.pk}"
    names = _stored_page_images(folder, key)
    if names or not render:
        return names
    if pledge.status == Status.DRAFT:
        document = Pledge.objects.for_document().get(pk=pledge.pk)
        html, attachment = pdf.render_html(document, preview=True, certificate=False), pdf.audit_json(document)

        def draw():
            return pdf_engine.pdf_to_pngs(pdf.html_to_pdf(html, attachment), timeout=settings.PDF_TIME_LIMIT)

    else:
        data = pledge_frozen_pdf(pledge)

        def draw():
            return pdf_engine.pdf_to_pngs(data, timeout=settings.PDF_TIME_LIMIT)

    pngs = _render_once(
        f"pages-{pledge.pk}-{key}", "page_images", draw, done=lambda: bool(_stored_page_images(folder, key))
    )
    if pngs is None:
        return _stored_page_images(folder, key)
    try:
        names = [_store(f"{folder}/{key}-{number}.png", png).rsplit("/", 1)[1] for number, png in enumerate(pngs, 1)]
        if pledge.status == Status.DRAFT:
            _prune(folder, "draft-", set(names))
    finally:
        _release(f"pages-{pledge.pk}-{key}")
    return names
