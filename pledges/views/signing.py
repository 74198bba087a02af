"""Signing a pledge: the signing page, paper and digital signatures, their files, the conference screen."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blocs.access import access_columns
from core import images
from core import pdf as pdf_engine
from core.errors import run_service
from core.files import private_file_response
from pledges import access, services
from pledges.forms import (
    DisputeForm,
    PaperSignatureForm,
    QuestionForm,
    SignForm,
)
from pledges.models import Pledge, PledgeEvent, Signature
from pledges.selectors import unit_signatures, waiting_signers
from pledges.views._common import _client, _document_context, frozen_text, typed_preview


@login_required
def pledge_sign(request, pk):
    """The signing page: the frozen document as text, the capacity, the name check and the signature."""
    posted = request.method == "POST"
    # The pledge alone (a post's service reads the signers under its lock); the page reads the rest below.
    pledge = access.get_pledge_for_head(request.user, pk)
    if pledge.is_digital:
        return redirect("pledges:digital", pk=pledge.pk)
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
    if posted:  # shown again with its errors, as the pledge is after the refusal
        pledge = access.get_pledge_for_head(request.user, pk)
    signers = list(pledge.required_signers.all())  # the user's row, and the frozen text's grid on a first look
    signer = next((s for s in signers if s.unit_id == request.user.unit_id), None)
    own = unit_signatures(pledge, request.user.unit_id)
    existing = next((s for s in own if s.counts), None)
    disputed = [s for s in own if not s.counts]
    unit = request.user.unit
    capacity = request.user.capacity_lines(unit.head_title_on(timezone.localdate()) if unit else "")
    can_sign_now = pledge.status == Pledge.Status.OPEN and signer is not None and existing is None
    context = {
        "pledge": pledge,
        "document_text": frozen_text(pledge, signers),
        "form": form,
        "signer": signer,
        "existing": existing,
        "disputed": disputed,
        "capacity": capacity,
        "can_sign_now": can_sign_now,
        # The drawing sent with a refused form is drawn again on the pad: nobody signs twice for one typo.
        "drawn": _drawn_again(form) if posted else "",
        "typed_preview": typed_preview(request.user.full_name) if can_sign_now else "",
        "question_form": QuestionForm(),
    }
    return render(request, "pledges/sign.html", context)


def _drawn_again(form) -> str:
    drawn = form.data.get("drawn", "")
    prefix = "data:image/png;base64,"
    if drawn.startswith(prefix) and len(drawn) <= form.fields["drawn"].max_length:
        return drawn
    return ""


@login_required
@require_POST
def pledge_question(request, pk):
    """ "Tôi có ý kiến": a head's question to the chair's officers before signing."""
    pledge, _signer = access.get_pledge_for_signing(request.user, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        sent = run_service(
            form, lambda: services.question_send(actor=request.user, pledge=pledge, text=form.cleaned_data["text"])
        )
        if sent is not None:
            if sent:
                messages.success(request, _("Your question was sent to the chair's officers; they answer by e-mail."))
            else:
                messages.warning(
                    request,
                    _("This question was sent already, or the chair's officers have no e-mail address: call them."),
                )
            return redirect("pledges:sign", pk=pledge.pk)
    for error in [*form.non_field_errors(), *form.errors.get("text", [])]:
        messages.error(request, error)
    return redirect(reverse("pledges:sign", args=[pledge.pk]) + "#question")


@login_required
def signature_detail(request, pk):
    """The confirmation of one signature: who, when (Asia/Ho_Chi_Minh) and the hash seen.

    A paper signature says who recorded it; its unit's people and the chair's officers and the
    board get its scan, and the unit's people may dispute it.
    """
    signature = access.get_signature_for_user(request.user, pk)
    own_unit = request.user.unit_id is not None and request.user.unit_id == signature.unit_id
    context = {
        "signature": signature,
        "pledge": signature.pledge,
        "can_see_scan": bool(signature.scan) and (own_unit or signature.roles.can_oversee),
        "can_dispute": own_unit and signature.from_paper and signature.counts,
    }
    return render(request, "pledges/signature.html", context)


@login_required
def paper_signature(request, pk):
    """Record a head's signature on paper: the chair's officers and the board, for a registered head."""
    from accounts.models import User

    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    people = (
        User.objects.filter(is_active=True, can_sign=True, unit_id__in=waiting_signers(pledge).values("unit_id"))
        .select_related("unit")
        .order_by("unit__name", "full_name", "pk")
    )
    form = PaperSignatureForm(request.POST or None, request.FILES or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signature = run_service(
            form,
            lambda: services.paper_signature_add(
                actor=request.user,
                pledge=pledge,
                signer_user=data["signer_user"],
                scan=data["scan"].data,
                **_client(request),
            ),
        )
        if signature:
            messages.success(
                request,
                _("Paper signature of %(name)s recorded; the people of %(unit)s are told by e-mail.")
                % {"name": signature.signer_name, "unit": signature.unit_name},
            )
            return redirect(pledge)
    title = _("Record a paper signature")
    return render(request, "pledges/paper.html", {"form": form, "title": title, "pledge": pledge})


@login_required
def signature_dispute(request, pk):
    """The people of a unit dispute the paper signature recorded in its name, with a reason."""
    signature = access.get_signature_for_dispute(request.user, pk)
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.signature_dispute(
                actor=request.user, signature=signature, reason=form.cleaned_data["reason"], **_client(request)
            ),
        )
        if done:
            messages.success(
                request, _("Your dispute is recorded; the chair's officers and the board see it on the pledge.")
            )
            return redirect("pledges:signature", pk=signature.pk)
    title = _("Dispute the paper signature of %(unit)s") % {"unit": signature.unit_name}
    back = reverse("pledges:signature", args=[signature.pk])
    return render(request, "blocs/form.html", {"form": form, "title": title, "back": back})


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
    """The scan of a paper signature, as a download that a browser runs nothing of (it was rebuilt from pixels)."""
    signature = access.get_scan_for_user(request.user, pk)
    extension = (signature.scan.name or "").rsplit(".", 1)[-1]
    return private_file_response(
        signature.scan,
        content_type=images.CONTENT_TYPES.get(extension, "application/octet-stream"),
        filename=f"ban-quet-chu-ky-{signature.pk}.{extension}",
        as_attachment=True,
        sandbox=True,
    )


@login_required
def conference(request, pk):
    """The full-screen conference page: every member unit's state, live, and a QR code to sign."""
    pledge = access.get_pledge_for_user(request.user, pk, queryset=Pledge.objects.for_document())
    context = _document_context(pledge)
    context["signed_count"] = sum(1 for row in context["rows"] if row["signature"])
    context["qr"] = pdf_engine.qr_data_uri(settings.SITE_URL + reverse("pledges:sign", args=[pledge.pk]))
    return render(request, "pledges/conference.html", context)


# A version's data stays this long at most (a new version takes its place at once).
CONFERENCE_CACHE_SECONDS = 3600


def _conference_data(pledge: Pledge) -> dict:
    """Return who must sign *pledge*, who has (and when) and its state, read from the database."""
    signers = list(pledge.required_signers.all())
    signatures = {
        s.unit_id: s
        for s in Signature.objects.filter(pledge=pledge).only("pledge_id", "unit_id", "signed_at", "disputed_at")
        if s.counts
    }
    units = []
    for signer in signers:
        signature = signatures.get(signer.unit_id)
        if signature:
            state = timezone.localtime(signature.signed_at).strftime("%H:%M")
        elif signer.excused_at:
            state = _("excused")
        else:
            state = _("waiting")
        units.append({"unit": signer.unit_id, "name": signer.unit_name, "signed": bool(signature), "state": state})
    return {
        "status": pledge.status,
        "signed": sum(1 for u in units if u["signed"]),
        "total": len(units),
        "units": units,
    }


@login_required
def conference_data(request, pk):
    """The conference screen's data: who has signed, when, and the pledge's state.

    Every projector asks every few seconds: the data is cached per pledge *version* — the id of its
    latest audit-trail event, read in the access check's own query — so a signature, a dispute, an
    excuse or a change of state (each writes an event) makes the next look read it afresh, and
    nothing else does.
    """
    latest_event = PledgeEvent.objects.filter(pledge=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    # Only the columns the access check and the state need: not the pledge's text.
    queryset = Pledge.objects.only("term_id", "status", *access_columns("term__")).annotate(
        version=Subquery(latest_event)
    )
    pledge = access.get_pledge_for_user(request.user, pk, queryset=queryset)
    key = f"conference:{pledge.pk}:{pledge.version}:{translation.get_language()}"
    data = cache.get(key)
    if data is None:
        data = _conference_data(pledge)
        cache.set(key, data, CONFERENCE_CACHE_SECONDS)
    return JsonResponse(data, headers={"Cache-Control": "no-store"})
