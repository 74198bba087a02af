"""Ký số pages: the signing page of a digitally signed pledge (a place in line, remote signing, an
upload from a signing tool, the signing plugin's one-time addresses), the current revision and the
signed original, and a person's remote-signing account."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.errors import ServiceError, run_action, run_service
from core.files import private_file_response
from pledges import access, pdf
from pledges.forms import OtpForm, RemoteAccountForm, RevisionUploadForm, TurnForm
from pledges.models import Pledge, Revision
from pledges.services import digital, remote
from pledges.views._common import _client, frozen_text

# Seconds between two looks of a page waiting for its turn (or for a remote signature).
REFRESH_SECONDS = 4


def _page(request, pledge: Pledge, signer, *, upload_form=None, otp_form=None, status=200):
    """Render the ký số signing page; it asks again by itself while its holder waits."""
    slot, refusal = None, ""
    try:
        slot = digital.slot_for(pledge, request.user)
    except ServiceError as error:
        refusal = error.message
    view = digital.turn_view(pledge, request.user)
    account = getattr(request.user, "remote_signing", None)
    provider = settings.CSC_PROVIDERS.get(account.provider, {}) if account else {}
    mine = view.turn
    holding = mine is not None and mine.granted_at is not None
    waiting = mine is not None and not holding
    remote_running = holding and mine.method == Revision.Method.CSC and provider.get("authorization") != "otp"
    needs_otp = holding and mine.method == Revision.Method.CSC and provider.get("authorization") == "otp"
    shows_forms = not refusal and view.latest is not None
    # A refused upload or password comes back here with its reason on the form; when the page no
    # longer shows that form (the turn passed on, was never held, or the head signed meanwhile) the
    # reason is shown on its own: a 400 page without it leaves the signer guessing.
    stray_errors = []
    for form, shown in (
        (upload_form, shows_forms and holding and not remote_running and not needs_otp),
        (otp_form, shows_forms and needs_otp),
    ):
        if form is not None and not shown:
            stray_errors += [e for errors in form.errors.values() for e in errors if e != refusal]
    plugin = None
    if holding and mine.method == Revision.Method.PLUGIN:
        plugin = {
            "download": request.build_absolute_uri(reverse("pledges:plugin_document", args=[mine.ticket])),
            "upload": request.build_absolute_uri(reverse("pledges:plugin_upload", args=[mine.ticket])),
        }
    context = {
        "pledge": pledge,
        "document_text": frozen_text(pledge),
        "signer": signer,
        "slot": slot,
        "refusal": refusal,
        "view": view,
        "mine": mine,
        "holding": holding,
        "waiting": waiting,
        "remote_running": remote_running,
        "needs_otp": needs_otp,
        "stray_errors": stray_errors,
        "account": account,
        "provider": provider,
        "plugin": plugin,
        "failure": digital.last_failure(pledge, request.user) if mine is None else None,
        "revisions": list(pledge.revisions.order_by("number")),
        "turn_form": TurnForm(initial={"method": "csc" if account else "upload"}),
        "upload_form": upload_form or RevisionUploadForm(),
        "otp_form": otp_form or OtpForm(),
        "refresh": REFRESH_SECONDS if (waiting or remote_running) else None,
    }
    response = render(request, "pledges/digital.html", context, status=status)
    if context["refresh"]:
        response["Refresh"] = str(REFRESH_SECONDS)  # no script: the page asks again by itself
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def digital_sign(request, pk):
    """The ký số signing page of the head or the clerk of a member unit."""
    pledge, signer = access.get_pledge_for_digital_signing(request.user, pk)
    if not pledge.is_digital:
        return redirect("pledges:sign", pk=pledge.pk)
    return _page(request, pledge, signer)


@require_POST
@login_required
def digital_turn(request, pk):
    """Take a place in line to sign, by remote signing, by upload or with the signing plugin."""
    pledge, _signer = access.get_pledge_for_digital_signing(request.user, pk)
    form = TurnForm(request.POST)
    if form.is_valid():
        run_action(
            request, lambda: digital.turn_request(actor=request.user, pledge=pledge, method=form.cleaned_data["method"])
        )
    else:
        messages.error(request, _("Choose how you sign."))
    return redirect("pledges:digital", pk=pledge.pk)


@require_POST
@login_required
def digital_cancel(request, pk):
    """Give up one's place in line (and the turn, if held)."""
    pledge, _signer = access.get_pledge_for_digital_signing(request.user, pk)
    if digital.turn_cancel(actor=request.user, pledge=pledge):
        messages.info(request, _("You gave up your place in line."))
    return redirect("pledges:digital", pk=pledge.pk)


@require_POST
@login_required
def digital_otp(request, pk):
    """Start a remote signature with the one-time password the provider sent."""
    pledge, signer = access.get_pledge_for_digital_signing(request.user, pk)
    form = OtpForm(request.POST)
    if form.is_valid() and run_service(
        form, lambda: digital.turn_confirm(actor=request.user, pledge=pledge, otp=form.cleaned_data["otp"])
    ):
        return redirect("pledges:digital", pk=pledge.pk)
    return _page(request, pledge, signer, otp_form=form, status=400)


@require_POST
@login_required
def digital_upload(request, pk):
    """Accept the current revision signed with the person's own certificate (a USB token's tool)."""
    pledge, signer = access.get_pledge_for_digital_signing(request.user, pk)
    form = RevisionUploadForm(request.POST, request.FILES)
    if form.is_valid():
        revision = run_service(
            form,
            lambda: digital.revision_upload(
                actor=request.user, pledge=pledge, signed_pdf=form.cleaned_data["signed_pdf"].data, **_client(request)
            ),
        )
        if revision:
            messages.success(
                request,
                _("Your digital signature is in the pledge (revision %(number)s).") % {"number": revision.number},
            )
            return redirect("pledges:digital", pk=pledge.pk)
    pledge.refresh_from_db()
    return _page(request, pledge, signer, upload_form=form, status=400)


def _revision_response(revision: Revision, filename: str):
    return private_file_response(revision.file, content_type="application/pdf", filename=filename, as_attachment=True)


@login_required
def original_pdf(request, pk):
    """The latest revision of a digitally signed pledge: what the next signer signs, and once every
    signature is in, the signed original (each revision keeps every earlier one intact)."""
    pledge = access.get_pledge_for_user(request.user, pk)
    revision = pledge.revisions.order_by("-number").first() if pledge.is_digital else None
    if revision is None:
        raise Http404(_("This pledge has no digitally signed original."))
    if pledge.status == Pledge.Status.COMPLETED:
        return _revision_response(revision, pdf.original_filename(pledge))
    return _revision_response(revision, f"BAN-{revision.number}-{pdf.original_filename(pledge)}")


@login_required
def revision_pdf(request, pk, number):
    """One revision of a digitally signed pledge, as stored (evidence of each step)."""
    pledge = access.get_pledge_for_user(request.user, pk)
    revision = pledge.revisions.filter(number=number).first()
    if revision is None:
        raise Http404(_("No such revision."))
    return _revision_response(revision, f"BAN-{revision.number}-{pdf.original_filename(pledge)}")


def plugin_document(request, ticket):
    """The signing plugin's one-time download: the revision the turn's holder signs (no login: the
    plugin fetches it; the address is random, used once, and only while the turn is held)."""
    turn = digital.holder_for_ticket(ticket)
    data = digital.ticket_download(turn) if turn is not None else None
    if data is None:
        raise Http404(_("This signing address has been used or has expired."))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.original_filename(turn.pledge)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt  # the plugin posts from 127.0.0.1 with no session: the one-time address is the credential
@require_POST
def plugin_upload(request, ticket):
    """The signing plugin's one-time upload: checked as an upload from a signing tool."""
    turn = digital.holder_for_ticket(ticket)
    if turn is None:
        return JsonResponse(
            {"ok": False, "message": _("This signing address has been used or has expired.")}, status=404
        )
    form = RevisionUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return JsonResponse({"ok": False, "message": " ".join(errors)}, status=400)
    try:
        revision = digital.revision_upload(
            actor=turn.user,
            pledge=turn.pledge,
            signed_pdf=form.cleaned_data["signed_pdf"].data,
            ticket=ticket,
            **_client(request),
        )
    except ServiceError as error:
        return JsonResponse({"ok": False, "message": error.message}, status=400)
    return JsonResponse({"ok": True, "revision": revision.number})


@login_required
def remote_account(request):
    """Link one's remote-signing account (Tài khoản ký số từ xa): provider and credential."""
    if not access.may_link_remote_signing(request.user):
        raise PermissionDenied(_("Only a unit's head (with signing right) or its clerk signs digitally."))
    account = getattr(request.user, "remote_signing", None)
    initial = {"provider": account.provider, "credential_id": account.credential_id} if account else None
    form = RemoteAccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        linked = run_service(
            form,
            lambda: remote.remote_account_link(
                actor=request.user,
                provider=form.cleaned_data["provider"],
                credential_id=form.cleaned_data["credential_id"],
            ),
        )
        if linked:
            messages.success(request, _("Your remote-signing account is linked."))
            return redirect("pledges:remote_account")
    return render(request, "pledges/remote_account.html", {"form": form, "account": account})
