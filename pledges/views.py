"""Thin views of the pledge: access → form → service → redirect."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blocs.access import get_term_for_user
from core import images
from core import pdf as pdf_engine
from core.errors import run_service
from core.files import private_file_response
from pledges import access, pdf, services
from pledges.forms import (
    DigitalSignatureForm,
    ItemForm,
    OpenForm,
    PaperSignatureForm,
    PledgeForm,
    ReasonForm,
    SignForm,
    VerifyUploadForm,
)
from pledges.models import Pledge, PledgeItem, RequiredSigner, Signature
from pledges.selectors import pdf_verdict


def _client(request) -> dict:
    return {"ip": request.META.get("REMOTE_ADDR"), "user_agent": request.META.get("HTTP_USER_AGENT", "")}


def _document_context(pledge: Pledge) -> dict:
    """What the document template needs, from the prefetched pledge (no further queries)."""
    signatures = {s.unit_id: s for s in pledge.signatures.all()}
    rows = [{"signer": signer, "signature": signatures.get(signer.unit_id)} for signer in pledge.required_signers.all()]
    return {"pledge": pledge, "items": list(pledge.items.all()), "rows": rows}


@login_required
def pledge_create(request, pk, year):
    term = get_term_for_user(request.user, pk, year, for_edit=True)
    form = PledgeForm(request.POST or None, initial={"place": term.bloc.province.name, "signing_date": None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pledge = run_service(form, lambda: services.pledge_create(actor=request.user, term=term, **data))
        if pledge:
            messages.success(request, _("Draft pledge created: add its commitments."))
            return redirect("pledges:edit", pk=pledge.pk)
    return render(request, "blocs/form.html", {"form": form, "title": _("New pledge for %(term)s") % {"term": term}})


@login_required
def pledge_detail(request, pk):
    """The pledge as it prints, with who has signed and the actions of each role."""
    pledge = access.get_pledge_for_user(request.user, pk, queryset=Pledge.objects.for_document())
    context = _document_context(pledge)
    if pledge.status == Pledge.Status.DRAFT:
        pledge, signers, digest = services.frozen_preview(pledge)
        context["rows"] = [{"signer": signer, "signature": None} for signer in signers]
        context["preview_hash"] = digest
        context["page_images"] = services.page_images(pledge, render=pledge.roles.can_edit, draft_digest=digest)
    else:
        context["page_images"] = services.page_images(pledge, render=False)
    context["roles"] = pledge.roles
    context["my_signature"] = next(
        (row["signature"] for row in context["rows"] if row["signer"].unit_id == request.user.unit_id), None
    )
    context["signed_count"] = sum(1 for row in context["rows"] if row["signature"])
    context["events"] = list(pledge.events.select_related("actor").order_by("-created_at", "-id")[:100])
    return render(request, "pledges/detail.html", context)


@login_required
def pledge_edit(request, pk):
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    if pledge.is_frozen:
        messages.info(request, _("This pledge is frozen: its content cannot change."))
        return redirect(pledge)
    initial = {name: getattr(pledge, name) for name in (*services.TEXT_FIELDS, "signing_date")}
    form = PledgeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.pledge_update(actor=request.user, pledge=pledge, **form.cleaned_data)):
            messages.success(request, _("Saved."))
            return redirect("pledges:edit", pk=pledge.pk)
    return render(
        request,
        "pledges/edit.html",
        {"pledge": pledge, "form": form, "items": list(pledge.items.all()), "item_form": ItemForm()},
    )


@require_POST
@login_required
def item_add(request, pk):
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    form = ItemForm(request.POST)
    if form.is_valid() and run_service(
        form, lambda: services.item_add(actor=request.user, pledge=pledge, text=form.cleaned_data["text"])
    ):
        messages.success(request, _("Commitment added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("pledges:edit", pk=pledge.pk)


@login_required
def item_edit(request, pk, item_pk):
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    item = get_object_or_404(PledgeItem, pk=item_pk, pledge=pledge)
    form = ItemForm(request.POST or None, initial={"text": item.text})
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, lambda: services.item_update(actor=request.user, item=item, text=form.cleaned_data["text"])
        ):
            return redirect("pledges:edit", pk=pledge.pk)
    title = _("Commitment %(number)s") % {"number": item.position}
    return render(request, "blocs/form.html", {"form": form, "title": title, "back": pledge.get_absolute_url()})


@require_POST
@login_required
def item_move(request, pk, item_pk):
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    item = get_object_or_404(PledgeItem, pk=item_pk, pledge=pledge)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.item_move(actor=request.user, item=item, offset=offset)
    except services.PledgeError as error:
        messages.error(request, error.message)
    return redirect("pledges:edit", pk=pledge.pk)


@require_POST
@login_required
def item_remove(request, pk, item_pk):
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    item = get_object_or_404(PledgeItem, pk=item_pk, pledge=pledge)
    try:
        services.item_remove(actor=request.user, item=item)
    except services.PledgeError as error:
        messages.error(request, error.message)
    return redirect("pledges:edit", pk=pledge.pk)


@login_required
def pledge_open(request, pk):
    """Show what will be frozen and its hash; open on confirmation."""
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    if pledge.status != Pledge.Status.DRAFT:
        messages.info(request, _("This pledge is no longer a draft."))
        return redirect(pledge)
    pledge, signers, digest = services.frozen_preview(pledge)
    form = OpenForm(request.POST or None, initial={"content_hash": digest})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        opened = run_service(
            form,
            lambda: services.pledge_open(
                actor=request.user, pledge=pledge, deadline=data["deadline"], expected_hash=data["content_hash"]
            ),
        )
        if opened:
            messages.success(request, _("The pledge is open for signing."))
            return redirect(opened)
    context = {
        "pledge": pledge,
        "items": list(pledge.items.all()),
        "rows": [{"signer": s, "signature": None} for s in signers],
        "digest": digest,
        "form": form,
    }
    return render(request, "pledges/open.html", context)


@login_required
def pledge_cancel(request, pk):
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, lambda: services.pledge_cancel(actor=request.user, pledge=pledge, reason=form.cleaned_data["reason"])
        ):
            messages.success(request, _("The pledge has been cancelled."))
            return redirect(pledge)
    return render(
        request,
        "blocs/form.html",
        {"form": form, "title": _("Cancel %(title)s") % {"title": pledge.title}, "back": pledge.get_absolute_url()},
    )


@login_required
def signer_excuse(request, pk, signer_pk):
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    signer = get_object_or_404(RequiredSigner, pk=signer_pk, pledge=pledge)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.signer_excuse(
                actor=request.user, pledge=pledge, signer=signer, reason=form.cleaned_data["reason"]
            ),
        )
        if done:
            messages.success(request, _("%(unit)s is excused from signing.") % {"unit": signer.unit_name})
            return redirect(pledge)
    title = _("Excuse %(unit)s from signing") % {"unit": signer.unit_name}
    return render(request, "blocs/form.html", {"form": form, "title": title, "back": pledge.get_absolute_url()})


@login_required
def pledge_sign(request, pk):
    """The signing page: the frozen document, the capacity, the name check and the signature."""
    posted = request.method == "POST"
    # A signing post needs the pledge and its signers only; the whole document is loaded to show the page.
    queryset = Pledge.objects.select_related("term__bloc").prefetch_related("required_signers")
    pledge, signer = access.get_pledge_for_signing(
        request.user, pk, queryset=queryset if posted else Pledge.objects.for_document()
    )
    initial = {"content_hash": pledge.content_hash, "form_token": secrets.token_urlsafe(24)}
    form = SignForm(request.POST or None, user=request.user, initial=initial)
    if posted and form.is_valid():
        data = form.cleaned_data
        result = run_service(
            form,
            lambda: services.signature_add(
                actor=request.user,
                pledge=pledge,
                kind=data["method"],
                image_png=data["png"],
                content_hash_seen=data["content_hash"],
                typed_name=data["typed_name"],
                form_token=data["form_token"],
                **_client(request),
            ),
        )
        if result:
            signature, created = result
            if created:
                messages.success(request, _("Your signature has been recorded."))
            return redirect("pledges:signature", pk=signature.pk)
    if posted:  # shown again with its errors: now the whole document, as it is after the refusal
        roles = pledge.roles
        pledge = Pledge.objects.for_document().get(pk=pledge.pk)
        pledge.roles = roles
    existing = next((s for s in pledge.signatures.all() if s.unit_id == request.user.unit_id), None)
    unit = request.user.unit
    capacity = request.user.capacity_lines(unit.head_title_on(timezone.localdate()) if unit else "")
    context = _document_context(pledge) | {
        "form": form,
        "digital_form": DigitalSignatureForm(),
        "page_images": services.page_images(pledge, render=False),
        "signer": signer,
        "existing": existing,
        "capacity": capacity,
        "can_sign_now": pledge.status == Pledge.Status.OPEN and signer is not None and existing is None,
    }
    return render(request, "pledges/sign.html", context)


@login_required
def signature_detail(request, pk):
    """The confirmation of one signature: who, when (Asia/Ho_Chi_Minh) and the hash seen."""
    signature = access.get_signature_for_user(request.user, pk)
    return render(request, "pledges/signature.html", {"signature": signature, "pledge": signature.pledge})


@login_required
def paper_signature(request, pk):
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    signers = pledge.required_signers.filter(excused_at__isnull=True).exclude(
        unit_id__in=pledge.signatures.values("unit_id")
    )
    form = PaperSignatureForm(request.POST or None, request.FILES or None, signers=signers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signature = run_service(
            form,
            lambda: services.paper_signature_add(
                actor=request.user,
                pledge=pledge,
                signer=data["signer"],
                signer_name=data["signer_name"],
                capacity=data["capacity"],
                capacity_title=data["capacity_title"],
                scan=data["scan"].data,
                scan_extension=data["scan"].extension,
                **_client(request),
            ),
        )
        if signature:
            messages.success(request, _("Paper signature recorded."))
            return redirect(pledge)
    title = _("Record a paper signature")
    return render(request, "pledges/paper.html", {"form": form, "title": title, "pledge": pledge})


@login_required
def signature_image(request, pk):
    signature = access.get_signature_for_user(request.user, pk)
    return private_file_response(signature.image, content_type="image/png")


@login_required
def signature_seal(request, pk):
    signature = access.get_signature_for_user(request.user, pk)
    return private_file_response(signature.seal_image, content_type="image/png")


@login_required
def signature_scan(request, pk):
    signature = access.get_signature_for_user(request.user, pk)
    if not access.get_pledge_for_user(request.user, signature.pledge_id).roles.can_edit:
        raise Http404(_("No such file."))
    name = signature.scan.name or ""
    content_type = images.CONTENT_TYPES.get(name.rsplit(".", 1)[-1])
    return private_file_response(signature.scan, content_type=content_type or "application/octet-stream")


@login_required
def pledge_pdf(request, pk):
    """Download the stored signed PDF, or a watermarked preview before completion (never sealed)."""
    pledge = access.get_pledge_for_user(request.user, pk)
    if pledge.status == Pledge.Status.COMPLETED:
        if pledge.pdf_status != Pledge.PdfStatus.READY:
            messages.info(request, _("The signed PDF is being prepared; try again in a moment."))
            return redirect(pledge)
        return private_file_response(
            pledge.pdf_file, content_type="application/pdf", filename=pdf.filename(pledge), as_attachment=True
        )
    data = pdf.render_pdf(Pledge.objects.for_document().get(pk=pledge.pk), preview=True)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="BAN-DU-THAO-{pdf.filename(pledge)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def pledge_pdf_retry(request, pk):
    """Produce a pending signed PDF again (the chair's officer or the board)."""
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    pledge = services.pledge_pdf_produce(pledge.pk)
    if pledge.pdf_status == Pledge.PdfStatus.READY:
        messages.success(request, _("The signed PDF is ready."))
    else:
        messages.error(request, _("The signed PDF could not be produced: %(error)s") % {"error": pledge.pdf_error})
    return redirect(pledge)


def verify_index(request):
    """The public verification page: type the code printed under every page."""
    code = request.GET.get("code", "").strip().upper()
    if code:
        return redirect("verify:code", code=code)
    return render(request, "pledges/verify_index.html")


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
    try:
        data = services.pledge_frozen_pdf(pledge)
    except services.PledgeError as error:
        messages.error(request, error.message)
        return redirect(pledge)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="KY-SO-{pdf.filename(pledge)}"'
    return response


@require_POST
@login_required
def sign_digital(request, pk):
    """Accept the frozen PDF signed with the head's own digital certificate (ký số)."""
    pledge, signer = access.get_pledge_for_signing(request.user, pk)
    form = DigitalSignatureForm(request.POST, request.FILES)
    if form.is_valid():
        result = run_service(
            form,
            lambda: services.digital_signature_add(
                actor=request.user, pledge=pledge, signed_pdf=form.cleaned_data["signed_pdf"].data, **_client(request)
            ),
        )
        if result:
            signature, created = result
            if created:
                messages.success(request, _("Your digital signature has been recorded."))
            return redirect("pledges:signature", pk=signature.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("pledges:sign", pk=pledge.pk)


@login_required
def page_image(request, pk, name):
    """One page of the pledge as a PNG, for whoever may see the pledge."""
    pledge = access.get_pledge_for_user(request.user, pk)
    if not name.startswith(("draft-", "frozen-")):
        raise Http404(_("No such page."))
    return private_file_response(
        f"page-images/{pledge.pk}/{name}.png", content_type="image/png", cache="private, max-age=86400"
    )


@login_required
def conference(request, pk):
    """The full-screen conference page: every member unit's state, live, and a QR code to sign."""
    pledge = access.get_pledge_for_user(request.user, pk, queryset=Pledge.objects.for_document())
    context = _document_context(pledge)
    context["signed_count"] = sum(1 for row in context["rows"] if row["signature"])
    context["qr"] = pdf_engine.qr_data_uri(settings.SITE_URL + reverse("pledges:sign", args=[pledge.pk]))
    return render(request, "pledges/conference.html", context)


@login_required
def conference_data(request, pk):
    """The conference screen's data: who has signed, when, and the pledge's state."""
    # The signers and the signatures' times only (the screen asks every few seconds): not the document.
    queryset = Pledge.objects.select_related("term__bloc").prefetch_related(
        "required_signers", Prefetch("signatures", queryset=Signature.objects.only("pledge_id", "unit_id", "signed_at"))
    )
    pledge = access.get_pledge_for_user(request.user, pk, queryset=queryset)
    signatures = {s.unit_id: s for s in pledge.signatures.all()}
    units = []
    for signer in pledge.required_signers.all():
        signature = signatures.get(signer.unit_id)
        if signature:
            state = timezone.localtime(signature.signed_at).strftime("%H:%M")
        elif signer.excused_at:
            state = _("excused")
        else:
            state = _("waiting")
        units.append({"unit": signer.unit_id, "name": signer.unit_name, "signed": bool(signature), "state": state})
    data = {
        "status": pledge.status,
        "signed": sum(1 for u in units if u["signed"]),
        "total": len(units),
        "units": units,
    }
    return JsonResponse(data, headers={"Cache-Control": "no-store"})


@require_POST
@login_required
def pledge_remind(request, pk):
    """E-mail the heads who have not signed; repeated clicks the same day send nothing more."""
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    try:
        sent = services.pledge_remind(actor=request.user, pledge=pledge)
    except services.PledgeError as error:
        messages.error(request, error.message)
    else:
        if sent:
            messages.success(request, _("Reminder sent to %(count)s head(s).") % {"count": sent})
        else:
            messages.info(request, _("Everybody who has not signed was already reminded today."))
    return redirect(pledge)


@require_POST
@login_required
def pledge_copy(request, pk, year):
    """Start the year's draft from last year's pledge (or that of a bloc this one was formed from)."""
    term = get_term_for_user(request.user, pk, year, for_edit=True)
    source = services.pledge_copy_source(term)
    if source is None:
        messages.error(request, _("There is no earlier pledge to start from."))
        return redirect(term)
    try:
        pledge = services.pledge_create_from(actor=request.user, term=term, source=source)
    except services.PledgeError as error:
        messages.error(request, error.message)
        return redirect(term)
    messages.success(request, _("Draft created from %(title)s: review the differences.") % {"title": source.title})
    return redirect("pledges:diff", pk=pledge.pk)


@login_required
def pledge_diff(request, pk):
    """Side by side: this pledge against the one it was copied from, item by item."""
    pledge = access.get_pledge_for_user(request.user, pk)
    source = pledge.copied_from
    if source is None:
        messages.info(request, _("This pledge was not copied from another one."))
        return redirect(pledge)
    from pledges.diff import fields_diff, items_diff

    names = [
        ("title", _("Title")),
        ("place", _("Place")),
        ("legal_grounds", _("Legal grounds")),
        ("introduction", _("Introduction")),
        ("slogan", _("Slogan")),
        ("implementation", _("Implementation")),
    ]
    context = {
        "pledge": pledge,
        "source": source,
        "fields": fields_diff(source, pledge, names),
        "items": items_diff(
            list(source.items.order_by("position", "id").values_list("text", flat=True)),
            list(pledge.items.order_by("position", "id").values_list("text", flat=True)),
        ),
    }
    return render(request, "pledges/diff.html", context)


@login_required
def pledge_docx(request, pk):
    """The draft (or the frozen pledge) as a Word document."""
    from pledges.docx import render_docx

    pledge = access.get_pledge_for_user(request.user, pk, queryset=Pledge.objects.for_document())
    context = _document_context(pledge)
    if pledge.status == Pledge.Status.DRAFT:
        pledge, signers, _digest = services.frozen_preview(pledge)
        context["rows"] = [{"signer": signer, "signature": None} for signer in signers]
    data = render_docx(pledge, context["items"], context["rows"])
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(pledge)[:-4]}.docx"'
    return response


@login_required
def pledge_comments(request, pk):
    """The comment round: every comment with its answer; members add theirs while it is open."""
    from pledges.forms import CommentForm
    from pledges.models import Comment

    pledge = access.get_pledge_for_user(request.user, pk)
    form = CommentForm(request.POST or None, items=pledge.items.all())
    if request.method == "POST":
        if not pledge.roles.member:
            raise PermissionDenied(_("Only the member units' staff and heads comment on the draft."))
        if form.is_valid():
            data = form.cleaned_data
            done = run_service(
                form,
                lambda: services.comment_add(actor=request.user, pledge=pledge, text=data["text"], item=data["item"]),
            )
            if done:
                messages.success(request, _("Your comment has been sent to the chair."))
                return redirect("pledges:comments", pk=pledge.pk)
    context = {
        "pledge": pledge,
        "comments": Comment.objects.filter(pledge=pledge).select_related("author", "answered_by"),
        "form": form,
        "is_open": services.comments_are_open(pledge),
        "roles": pledge.roles,
    }
    return render(request, "pledges/comments.html", context)


@login_required
def comments_open(request, pk):
    from pledges.forms import CommentsOpenForm

    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    form = CommentsOpenForm(request.POST or None, initial={"until": pledge.comments_until})
    if request.method == "POST" and form.is_valid():
        if run_service(
            form, lambda: services.comments_open(actor=request.user, pledge=pledge, until=form.cleaned_data["until"])
        ):
            messages.success(request, _("The draft is open for comments."))
            return redirect("pledges:comments", pk=pledge.pk)
    title = _("Open the draft for comments")
    return render(request, "blocs/form.html", {"form": form, "title": title, "back": pledge.get_absolute_url()})


@login_required
def comment_answer(request, pk, comment_pk):
    from pledges.forms import AnswerForm
    from pledges.models import Comment

    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    comment = get_object_or_404(Comment, pk=comment_pk, pledge=pledge)
    form = AnswerForm(request.POST or None, initial={"answer": comment.answer})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.comment_answer(
                actor=request.user, comment=comment, decision=data["decision"], answer=data["answer"]
            ),
        )
        if done:
            return redirect("pledges:comments", pk=pledge.pk)
    title = _("Answer the comment of %(unit)s") % {"unit": comment.unit_name}
    return render(
        request,
        "blocs/form.html",
        {"form": form, "title": title, "back": reverse("pledges:comments", args=[pledge.pk])},
    )
