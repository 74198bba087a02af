"""The pledge's documents: the signed PDF, the frozen PDF, page images, and the public verification."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import run_action
from core.files import private_file_response
from pledges import access, pdf, services
from pledges.forms import (
    VerifyCodeForm,
    VerifyUploadForm,
)
from pledges.models import Pledge
from pledges.selectors import pdf_verdict
from pledges.views._common import _document_context


@login_required
def pledge_pdf(request, pk):
    """Download the stored signed PDF, or a watermarked preview before completion (never sealed)."""
    pledge = access.get_pledge_for_user(request.user, pk)
    if pledge.status == Pledge.Status.COMPLETED:
        if pledge.pdf_status != Pledge.PdfStatus.READY:
            messages.info(request, _("The signed PDF is being prepared; try again in a moment."))
            return redirect(pledge)
        name = pdf.certificate_filename(pledge) if pledge.is_digital else pdf.filename(pledge)
        return private_file_response(pledge.pdf_file, content_type="application/pdf", filename=name, as_attachment=True)
    data = services.stored_preview(pledge)
    if data is None:  # never rendered in the request: a task renders it, the browser asks again
        services.previews_queue(pledge)
        data = services.stored_preview(pledge)  # run already when tasks run in the caller
    if data is None:
        return preparing(request, pledge, _("The document is being prepared; try again in a moment."))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="BAN-DU-THAO-{pdf.filename(pledge)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def preparing(request, pledge: Pledge, message: str) -> HttpResponse:
    """Answer a request for a document another request is rendering: come back in a moment (202)."""
    response = render(request, "pledges/preparing.html", {"pledge": pledge, "message": message}, status=202)
    response["Retry-After"] = "5"
    response["Refresh"] = "5"  # browsers ask again by themselves (no script: the CSP forbids inline ones)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def pledge_pdf_retry(request, pk):
    """Produce a pending signed PDF again (the chair's officer or the board)."""
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    if not run_action(request, lambda: services.pledge_pdf_queue(pledge)):
        return redirect(pledge)
    pledge.refresh_from_db()
    if pledge.pdf_status == Pledge.PdfStatus.READY:  # tasks run in the caller (tests), or a fast consumer
        messages.success(request, _("The signed PDF is ready."))
    else:
        messages.info(request, _("The signed PDF is being produced again; it will be ready in a moment."))
    return redirect(pledge)


def verify_index(request):
    """The public verification page: type the code printed under every page (checked before it is looked up)."""
    form = VerifyCodeForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        if Pledge.objects.filter(verification_code=code).exists():
            return redirect("verify:code", code=code)
        form.add_error("code", _("No document has this verification code."))
    return render(request, "pledges/verify_index.html", {"form": form})


def verify_code(request, code):
    """Public: what was signed, by whom and when, and the registered SHA-256; an upload is re-hashed.

    Shows no network address or browser (personal data).
    """
    pledge = (
        Pledge.objects.for_document().filter(verification_code=code.upper()).exclude(verification_code=None).first()
    )
    if pledge is None:
        raise Http404(_("No document has this verification code."))
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = pdf_verdict(form.cleaned_data["document"].data)
        result["matches_this"] = result["registered"] is not None and result["registered"].pk == pledge.pk
    context = _document_context(pledge) | {"form": form, "result": result}
    return render(request, "pledges/verify.html", context)


@login_required
def frozen_pdf(request, pk):
    """The frozen pledge as a PDF whose bytes never change: what a digital signature signs."""
    pledge = access.get_pledge_for_user(request.user, pk)
    if pledge.status not in (Pledge.Status.OPEN, Pledge.Status.COMPLETED):
        messages.error(request, _("Only a pledge open for signing has a frozen PDF."))
        return redirect(pledge)
    if not pledge.frozen_pdf:  # never rendered in the request: a task renders it, the browser asks again
        services.previews_queue(pledge, pledge.content_hash)
        pledge.refresh_from_db(fields=["frozen_pdf"])
    if not pledge.frozen_pdf:
        return preparing(request, pledge, _("The document is being prepared; try again in a moment."))
    done = run_action(request, lambda: services.pledge_frozen_pdf(pledge))
    if not done:
        return redirect(pledge)
    response = HttpResponse(done.result, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="KY-SO-{pdf.filename(pledge)}"'
    return response


@login_required
def page_image(request, pk, name):
    """One page of the pledge as a PNG, for whoever may see the pledge."""
    pledge = access.get_pledge_for_user(request.user, pk)
    if not name.startswith(("draft-", "frozen-")):
        raise Http404(_("No such page."))
    return private_file_response(f"page-images/{pledge.pk}/{name}.png", content_type="image/png")
