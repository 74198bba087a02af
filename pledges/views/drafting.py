"""Drafting a pledge: its texts and commitments, opening, cancelling, excusing, copying, comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blocs.access import get_term_for_user
from core import clock
from core.errors import run_action, run_service
from pledges import access, limits, pdf, services
from pledges.forms import (
    ItemForm,
    LegalGroundForm,
    OpenForm,
    PledgeForm,
    ReasonForm,
)
from pledges.models import LegalGround, Pledge, PledgeItem, RequiredSigner
from pledges.selectors import (
    collapse_edits,
    grounds_with_suggestions,
    legal_ground_warnings,
    one_hand_warnings,
    suggested_grounds,
)
from pledges.services import drafting as drafting_services
from pledges.views._common import _document_context


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
    # Who recorded on paper or excused more than half of the signers: the board is told (pledge.roles.can_edit).
    context["one_hand"] = one_hand_warnings(list(pledge.required_signers.all()), list(pledge.signatures.all()))
    if pledge.status == Pledge.Status.DRAFT:
        pledge, signers, digest = services.frozen_preview(pledge)
        context["rows"] = [{"signer": signer, "signature": None} for signer in signers]
        context["preview_hash"] = digest
        context["page_images"] = services.page_images(pledge, render=False, draft_digest=digest)
        if not context["page_images"] and pledge.roles.can_edit:
            # Never rendered in the request: a task renders them, the page says so meanwhile.
            services.previews_queue(pledge, digest)
            context["page_images"] = services.page_images(pledge, render=False, draft_digest=digest)
            if not context["page_images"]:
                context["pages_note"] = _("The document is being prepared; try again in a moment.")
    else:
        context["page_images"] = services.page_images(pledge, render=False)
    context["roles"] = pledge.roles
    user = request.user
    context["may_sign_digitally"] = bool(
        user.unit_id
        and (user.can_sign or user.is_clerk)
        and any(row["signer"].unit_id == user.unit_id for row in context["rows"])
    )
    context["my_signature"] = next(
        (row["signature"] for row in context["rows"] if row["signer"].unit_id == request.user.unit_id), None
    )
    context["signed_count"] = sum(1 for row in context["rows"] if row["signature"])
    context["disputed_count"] = sum(1 for row in context["rows"] for _ in row.get("disputed", ()))
    context["events"] = list(pledge.events.select_related("actor").order_by("-created_at", "-id")[:100])
    # Thirty saves of a draft by one person show as one line: ``run.first`` (the latest), ``run.last``, ``run.count``.
    context["event_runs"] = collapse_edits(context["events"])
    return render(request, "pledges/detail.html", context)


@login_required
def pledge_edit(request, pk):
    """The draft's texts; "use the suggested grounds" fills the grounds in force without saving."""
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    if pledge.is_frozen:
        messages.info(request, _("This pledge is frozen: its content cannot change."))
        return redirect(pledge)
    initial = {name: getattr(pledge, name) for name in (*services.TEXT_FIELDS, "signing_date")}
    form = PledgeForm(request.POST or None, initial=initial)
    if request.method == "POST" and "suggest_grounds" in request.POST:
        form.is_valid()  # for the signing date typed; nothing is saved
        day = form.cleaned_data.get("signing_date") or pledge.signing_date
        data = request.POST.copy()
        data["legal_grounds"] = grounds_with_suggestions(
            form.cleaned_data.get("legal_grounds", request.POST.get("legal_grounds", "")),
            day,
            pledge.term.bloc.province,
        )
        messages.info(request, _("The suggested grounds are in the form: check them, then save."))
        return _edit_page(request, pledge, PledgeForm(data), None)
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.pledge_update(actor=request.user, pledge=pledge, **form.cleaned_data)):
            messages.success(request, _("Saved."))
            return redirect("pledges:edit", pk=pledge.pk)
    return _edit_page(request, pledge, form, None)


def _edit_page(request, pledge: Pledge, form, item_form):
    """The draft's edit page: its texts and its commitments (with the add form, unless the draft is full),
    the legal grounds in force on the signing date, and warnings (a ground no longer in force, a past date)."""
    items = list(pledge.items.all())
    if item_form is None:
        item_form = ItemForm(count=len(items))
    province = pledge.term.bloc.province
    day, grounds = pledge.signing_date, pledge.legal_grounds
    if form.is_bound and form.is_valid():  # what the officer is looking at, saved or not
        day, grounds = form.cleaned_data["signing_date"], form.cleaned_data["legal_grounds"]
    today = timezone.localdate(clock.now())
    context = {
        "pledge": pledge,
        "form": form,
        "items": items,
        "item_form": item_form,
        "items_full": len(items) >= limits.MAX_ITEMS,
        "max_items": limits.MAX_ITEMS,
        "grounds_day": day,
        "suggested_grounds": suggested_grounds(grounds, day, province),
        "ground_warnings": legal_ground_warnings(grounds, day, province),
        "date_in_past": day < today,
    }
    return render(request, "pledges/edit.html", context)


@require_POST
@login_required
def item_add(request, pk):
    """Add a commitment; a refused one is shown again on the edit page with its text and the reason."""
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    if pledge.is_frozen:
        messages.info(request, _("This pledge is frozen: its content cannot change."))
        return redirect(pledge)
    form = ItemForm(request.POST, count=pledge.items.count())
    if form.is_valid() and run_service(
        form, lambda: services.item_add(actor=request.user, pledge=pledge, text=form.cleaned_data["text"])
    ):
        messages.success(request, _("Commitment added."))
        return redirect("pledges:edit", pk=pledge.pk)
    initial = {name: getattr(pledge, name) for name in (*services.TEXT_FIELDS, "signing_date")}
    return _edit_page(request, pledge, PledgeForm(initial=initial), form)


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
    run_action(request, lambda: services.item_move(actor=request.user, item=item, offset=offset))
    return redirect("pledges:edit", pk=pledge.pk)


@require_POST
@login_required
def item_remove(request, pk, item_pk):
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    item = get_object_or_404(PledgeItem, pk=item_pk, pledge=pledge)
    run_action(request, lambda: services.item_remove(actor=request.user, item=item))
    return redirect("pledges:edit", pk=pledge.pk)


@login_required
def pledge_open(request, pk):
    """Show what will be frozen and its hash; open on confirmation."""
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    if pledge.status != Pledge.Status.DRAFT:
        messages.info(request, _("This pledge is no longer a draft."))
        return redirect(pledge)
    pledge, signers, digest = services.frozen_preview(pledge)
    today = timezone.localdate(clock.now())
    # A deadline proposed when the draft was copied from last year's, if it is still ahead.
    proposed = pledge.signing_deadline if pledge.signing_deadline and pledge.signing_deadline >= today else None
    form = OpenForm(
        request.POST or None,
        initial={
            "content_hash": digest,
            "signing_mode": services.default_signing_mode(pledge),
            "deadline": proposed,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        opened = run_service(
            form,
            lambda: services.pledge_open(
                actor=request.user,
                pledge=pledge,
                deadline=data["deadline"],
                expected_hash=data["content_hash"],
                signing_mode=data["signing_mode"] or None,
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
        # Opening ends the comment round: members can no longer comment on a frozen pledge.
        "comments_open": services.comments_are_open(pledge),
        "pending_comments": pledge.comments.filter(decision="pending").count(),
        "ground_warnings": legal_ground_warnings(pledge.legal_grounds, pledge.signing_date, pledge.term.bloc.province),
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


@require_POST
@login_required
def pledge_remind(request, pk):
    """E-mail the heads who have not signed; repeated clicks the same day send nothing more."""
    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    done = run_action(
        request,
        lambda: services.pledge_remind(actor=request.user, pledge=pledge),
        lambda sent: _("Reminder sent to %(count)s head(s).") % {"count": sent} if sent else None,
    )
    if done and not done.result:
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
    done = run_action(
        request,
        lambda: services.pledge_create_from(actor=request.user, term=term, source=source),
        _("Draft created from %(title)s: review the differences.") % {"title": source.title},
    )
    if not done:
        return redirect(term)
    # The edit page shows what to check: the dates, the place, the grounds no longer in force.
    return redirect("pledges:edit", pk=done.result.pk)


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
    """Answer one comment: the comments page with the comment answered and the form under it."""
    from pledges.forms import AnswerForm
    from pledges.models import Comment

    pledge = access.get_pledge_for_user(request.user, pk, for_edit=True)
    comment = get_object_or_404(Comment.objects.select_related("author", "answered_by"), pk=comment_pk, pledge=pledge)
    initial = {"answer": comment.answer}
    if comment.decision != Comment.Decision.PENDING:
        initial["decision"] = comment.decision
    form = AnswerForm(request.POST or None, initial=initial)
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
    context = {
        "pledge": pledge,
        "comments": [comment],
        "answering": comment,
        "answer_form": form,
        "is_open": services.comments_are_open(pledge),
        "roles": pledge.roles,
        "back": reverse("pledges:comments", args=[pledge.pk]),
    }
    return render(request, "pledges/comments.html", context)


# The province's own legal grounds (the board) -----------------------------------------------


@login_required
def legal_grounds(request):
    """The grounds pledges may cite, with their dates: the national ones, and the board's province's own,
    which the board adds here."""
    province = access.get_legal_grounds_province(request.user)
    form = LegalGroundForm(request.POST or None)
    if request.method == "POST":
        province = access.get_legal_grounds_province(request.user, for_edit=True)
        if province is None:
            raise PermissionDenied(_("A province's grounds are entered by its board."))
        if form.is_valid():
            ground = run_service(
                form,
                lambda: drafting_services.legal_ground_create(
                    actor=request.user, province=province, **form.cleaned_data
                ),
            )
            if ground:
                messages.success(request, _("%(name)s added.") % {"name": ground.short_name})
                return redirect("pledges:legal_grounds")
    grounds = LegalGround.objects.filter(province__isnull=True)
    if province is not None:
        grounds = LegalGround.objects.filter(province__isnull=True) | LegalGround.objects.filter(province=province)
    today = timezone.localdate(clock.now())
    grounds = grounds.select_related("province").order_by("province", "order", "valid_from", "id")
    context = {
        "rows": [{"ground": ground, "in_force": ground.in_force_on(today)} for ground in grounds],
        "form": form if province is not None else None,
        "province": province,
    }
    return render(request, "pledges/legal_grounds.html", context)


@login_required
def legal_ground_edit(request, pk):
    """Change one of the province's own grounds, e.g. the date another regulation replaced it."""
    ground = access.get_legal_ground_for_board(request.user, pk)
    fields = ("text", "short_name", "number", "valid_from", "valid_until", "order")
    form = LegalGroundForm(request.POST or None, initial={name: getattr(ground, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        if run_service(
            form,
            lambda: drafting_services.legal_ground_update(actor=request.user, ground=ground, **form.cleaned_data),
        ):
            messages.success(request, _("Saved."))
            return redirect("pledges:legal_grounds")
    return render(
        request,
        "blocs/form.html",
        {"form": form, "title": ground.short_name, "back": reverse("pledges:legal_grounds")},
    )
