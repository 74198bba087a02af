"""Each role's to-do list ("Việc cần làm"), read for the home page.

One function per role adds its section; a section lists only what waits for this person now,
so the page never says "nothing to do" beside a card that waits for them. Each query reads this
person's rows (their unit, their terms, their province): the count does not grow with the data.
"""

import dataclasses
import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from blocs import access as bloc_access
from blocs.models import Membership, Term
from core import clock
from core.templatetags.vn import long_date
from pledges.models import Comment, Pledge, RequiredSigner, Revision, Signature
from reviews.models import Ballot, Dossier, Review, SelfAssessment, Voter
from reviews.selectors import dossier_missing

# Signed PDFs stay on a member's list this long after the pledge completes.
PDF_READY_DAYS = 60
# From this month on, the board is told which blocs have not elected next year's chair.
ELECTION_SEASON_MONTH = 11


@dataclasses.dataclass
class Item:
    text: str
    url: str
    action: str = ""  # a button's label, for what the person does there


@dataclasses.dataclass
class Section:
    key: str
    title: str
    items: list[Item]


def todo(user, *, today: datetime.date | None = None) -> tuple[list[Section], list[Term]]:
    """Return *user*'s to-do sections (the empty ones left out) and the terms of their unit."""
    today = today or timezone.localdate(clock.now())
    sections = []
    my_terms = []
    if user.unit_id:
        my_terms = _unit_terms(user, today.year)
        sections += _member_sections(user, today)
        if user.is_clerk:
            sections.append(Section("clerk", _("Seals to add (văn thư)"), _seals_to_add(user)))
        chair_terms = [term for term in my_terms if term.is_chair_officer]
        if chair_terms:
            sections.append(Section("chair", _("Running your blocs"), _chair_items(chair_terms, today)))
    if bloc_access.is_board(user):
        sections.append(Section("board", _("The board's review"), _board_items(user, today)))
    return [section for section in sections if section.items], my_terms


def _unit_terms(user, year: int) -> list[Term]:
    terms = list(
        # Last year's and this year's terms, and any older one whose pledge is still open.
        Term.objects.filter(
            Q(year__gte=year - 1) | Q(pk__in=Pledge.objects.filter(status=Pledge.Status.OPEN).values("term_id")),
            pk__in=Membership.objects.filter(unit_id=user.unit_id).values("term_id"),
        )
        .select_related("bloc__province")
        .order_by("-year", "bloc__name")
    )
    for term in terms:
        # The chair's staff of a bloc that no longer exists has nothing left to do there.
        term.is_chair_officer = user.unit_id in term.running_unit_ids() and bloc_access.bloc_in_force(term.bloc)
    # Only the chair's officers read the members (the roles they must fill): no query for anyone else.
    prefetch_related_objects([term for term in terms if term.is_chair_officer], "memberships")
    return terms


# A member unit's head and staff ------------------------------------------------------


def _member_sections(user, today: datetime.date) -> list[Section]:
    unit = user.unit_id
    # One query for the unit's pledges of every kind the list shows: to sign, open for comments, signed.
    unit_signs = RequiredSigner.objects.filter(unit_id=unit, excused_at__isnull=True).values("pledge_id")
    pledges = (
        Pledge.objects.filter(
            Q(status=Pledge.Status.OPEN, pk__in=unit_signs)
            | Q(
                status=Pledge.Status.DRAFT,
                comments_until__gte=today,
                term_id__in=Membership.objects.filter(unit_id=unit, left_on__isnull=True).values("term_id"),
            )
            | Q(
                status=Pledge.Status.COMPLETED,
                pdf_status=Pledge.PdfStatus.READY,
                completed_at__gte=clock.now() - datetime.timedelta(days=PDF_READY_DAYS),
                pk__in=unit_signs,
            )
        )
        # A disputed paper signature does not count: the head is asked to sign again.
        .annotate(
            signed=Exists(Signature.objects.filter(pledge=OuterRef("pk"), unit_id=unit, disputed_at__isnull=True))
        )
        .select_related("term__bloc")
        .order_by("signing_deadline", "pk")
    )
    to_sign, drafts, ready = [], [], []
    for pledge in pledges:
        if pledge.status == Pledge.Status.OPEN and not pledge.signed:
            to_sign.append(pledge)
        elif pledge.status == Pledge.Status.DRAFT:
            drafts.append(pledge)
        elif pledge.status == Pledge.Status.COMPLETED:
            ready.append(pledge)
    ready.sort(key=lambda pledge: pledge.completed_at, reverse=True)
    sections = []
    if user.can_sign:
        sections.append(
            Section(
                "sign",
                _("Pledges waiting for your signature"),
                [
                    Item(
                        _deadline_text(f"{pledge.title} · {pledge.term.bloc.name}", pledge.signing_deadline),
                        reverse("pledges:sign", args=[pledge.pk]),
                        _("Sign"),
                    )
                    for pledge in to_sign
                ],
            )
        )
    items = []
    for pledge in drafts:
        items.append(
            Item(
                _("Comment on the draft %(title)s of %(bloc)s (until %(date)s).")
                % {"title": pledge.title, "bloc": pledge.term.bloc.name, "date": long_date(pledge.comments_until)},
                reverse("pledges:comments", args=[pledge.pk]),
                _("Comment"),
            )
        )
    assessments = SelfAssessment.objects.filter(
        unit_id=unit, status=SelfAssessment.Status.DRAFT, review__status=Review.Status.SELF_ASSESSMENT
    ).select_related("review__term__bloc")
    for assessment in assessments:
        review = assessment.review
        text = (
            _("Submit the self-assessment of %(bloc)s %(year)s")
            if user.can_sign
            else _("Fill in the self-assessment of %(bloc)s %(year)s")
        ) % {"bloc": review.term.bloc.name, "year": review.term.year}
        items.append(
            Item(
                _deadline_text(text, review.deadline),
                reverse("reviews:assessment", args=[assessment.pk]),
                _("Submit") if user.can_sign else _("Fill in"),
            )
        )
    if user.can_sign:
        ballots = (
            Ballot.objects.filter(
                status=Ballot.Status.OPEN,
                term_id__in=Membership.objects.filter(unit_id=unit, left_on__isnull=True).values("term_id"),
            )
            .exclude(pk__in=Voter.objects.filter(unit_id=unit).values("ballot_id"))
            .select_related("term__bloc")
        )
        for ballot in ballots:
            items.append(
                Item(
                    _("Vote in round %(round)s of the secret ballot of %(bloc)s %(year)s.")
                    % {"round": ballot.round, "bloc": ballot.term.bloc.name, "year": ballot.term.year},
                    reverse("reviews:ballot", args=[ballot.pk]),
                    _("Vote"),
                )
            )
    if items:
        sections.append(Section("member", _("Your unit's work"), items))
    sections.append(
        Section(
            "ready",
            _("Signed pledges ready to download"),
            [
                Item(f"{pledge.title} · {pledge.term.bloc.name}", reverse("pledges:pdf", args=[pledge.pk]), _("PDF"))
                for pledge in ready
            ],
        )
    )
    return sections


def _seals_to_add(user) -> list[Item]:
    """Return the ký số pledges where the clerk's unit head has signed and the agency's seal is not in."""
    unit = user.unit_id
    pledges = (
        Pledge.objects.filter(
            status=Pledge.Status.OPEN,
            signing_mode=Pledge.SigningMode.DIGITAL,
            seals_required=True,
            required_signers__unit_id=unit,
            required_signers__excused_at__isnull=True,
            signatures__unit_id=unit,
            signatures__disputed_at__isnull=True,
        )
        .exclude(pk__in=Revision.objects.filter(unit_id=unit, kind=Revision.Kind.SEAL).values("pledge_id"))
        .select_related("term__bloc")
        .distinct()
    )
    return [
        Item(
            _("Add the agency's seal to %(title)s of %(bloc)s: your head has signed.")
            % {"title": pledge.title, "bloc": pledge.term.bloc.name},
            reverse("pledges:digital", args=[pledge.pk]),
            _("Add the seal"),
        )
        for pledge in pledges
    ]


# The chair's officers -------------------------------------------------------------------


def _chair_items(terms: list[Term], today: datetime.date) -> list[Item]:
    ids = [term.pk for term in terms]
    pledges = (
        Pledge.objects.filter(term_id__in=ids, status=Pledge.Status.OPEN)
        .select_related("term__bloc")
        .prefetch_related(
            Prefetch("required_signers"), Prefetch("signatures", queryset=Signature.objects.filter(disputed_at=None))
        )
    )
    pending_comments = dict(
        Comment.objects.filter(pledge__term_id__in=ids, decision=Comment.Decision.PENDING)
        .values_list("pledge_id")
        .annotate(count=Count("pk"))
    )
    commented = Pledge.objects.filter(pk__in=pending_comments).select_related("term__bloc")
    reviews = {
        review.term_id: review
        for review in Review.objects.filter(term_id__in=ids).annotate(
            submitted=Count("assessments", filter=Q(assessments__status=SelfAssessment.Status.SUBMITTED)),
            total=Count("assessments"),
        )
    }
    ballots = Ballot.objects.filter(term_id__in=ids, status=Ballot.Status.OPEN).annotate(cast=Count("voters"))
    ballots_by_term = {ballot.term_id: ballot for ballot in ballots}
    dossiers = {dossier.term_id: dossier for dossier in Dossier.objects.filter(term_id__in=ids)}
    next_terms = set(Term.objects.filter(bloc_id__in=[t.bloc_id for t in terms]).values_list("bloc_id", "year"))

    items = []
    for term in terms:
        label = f"{term.bloc.name} {term.year}"
        url = term.get_absolute_url()
        for text in term.role_tasks():
            items.append(Item(f"{label}: {text}", url))
        if term.year == today.year and (term.bloc_id, term.year + 1) not in next_terms:
            items.append(
                Item(
                    _("Prepare %(year)s: roll %(bloc)s over to the next year.")
                    % {"year": term.year + 1, "bloc": term.bloc.name},
                    url,
                )
            )
        review = reviews.get(term.pk)
        if review is not None and review.status == Review.Status.SELF_ASSESSMENT:
            items.append(
                Item(
                    _deadline_text(
                        _("%(label)s: %(done)s of %(total)s units submitted their self-assessment")
                        % {"label": label, "done": review.submitted, "total": review.total},
                        review.deadline,
                    ),
                    reverse("reviews:home", args=[term.bloc_id, term.year]),
                    _("Follow up"),
                )
            )
        ballot = ballots_by_term.get(term.pk)
        if ballot is not None:
            items.append(
                Item(
                    _("%(label)s: %(cast)s of %(total)s units voted in round %(round)s (%(needed)s needed to count).")
                    % {
                        "label": label,
                        "cast": ballot.cast,
                        "total": ballot.members_at_opening,
                        "round": ballot.round,
                        "needed": ballot.min_papers,
                    },
                    reverse("reviews:ballot", args=[ballot.pk]),
                    _("Follow up"),
                )
            )
        dossier = dossiers.get(term.pk)
        if dossier is not None and dossier.status == Dossier.Status.RETURNED:
            items.append(
                Item(
                    _("%(label)s: the board returned the dossier: %(comment)s")
                    % {"label": label, "comment": dossier.return_comment},
                    reverse("reviews:dossier", args=[dossier.pk]),
                    _("Correct"),
                )
            )
        elif review is not None and (dossier is None or dossier.status == Dossier.Status.DRAFT):
            missing = dossier_missing(term)
            if missing:
                items.append(
                    Item(
                        _("%(label)s: the dossier still lacks %(missing)s.")
                        % {"label": label, "missing": "; ".join(str(part) for part in missing)},
                        reverse("reviews:dossier_prepare", args=[term.bloc_id, term.year]),
                        _("Dossier"),
                    )
                )
    for pledge in pledges:
        signed = {signature.unit_id for signature in pledge.signatures.all()}
        waiting = [
            s.unit_name for s in pledge.required_signers.all() if s.excused_at is None and s.unit_id not in signed
        ]
        if not waiting:
            continue
        total = sum(1 for s in pledge.required_signers.all() if s.excused_at is None)
        items.append(
            Item(
                _deadline_text(
                    ngettext(
                        "%(title)s of %(bloc)s: %(count)s unit of %(total)s has not signed: %(units)s",
                        "%(title)s of %(bloc)s: %(count)s units of %(total)s have not signed: %(units)s",
                        len(waiting),
                    )
                    % {
                        "title": pledge.title,
                        "bloc": pledge.term.bloc.name,
                        "count": len(waiting),
                        "total": total,
                        "units": "; ".join(waiting),
                    },
                    pledge.signing_deadline,
                ),
                reverse("pledges:detail", args=[pledge.pk]),
                _("Remind"),
            )
        )
    for pledge in commented:
        count = pending_comments[pledge.pk]
        items.append(
            Item(
                ngettext(
                    "%(title)s of %(bloc)s: %(count)s comment awaits your answer.",
                    "%(title)s of %(bloc)s: %(count)s comments await your answer.",
                    count,
                )
                % {"title": pledge.title, "bloc": pledge.term.bloc.name, "count": count},
                reverse("pledges:comments", args=[pledge.pk]),
                _("Answer"),
            )
        )
    return items


# The board --------------------------------------------------------------------------------


def _board_items(user, today: datetime.date) -> list[Item]:
    year = today.year
    provinces = bloc_access.board_province_ids(user)
    items = []
    submitted = (
        Dossier.objects.filter(status=Dossier.Status.SUBMITTED, term__bloc__province_id__in=provinces)
        .select_related("term__bloc")
        .order_by("submitted_at")
    )
    for dossier in submitted:
        items.append(
            Item(
                _("Review the dossier of %(bloc)s %(year)s (submitted %(date)s).")
                % {
                    "bloc": dossier.term.bloc.name,
                    "year": dossier.term.year,
                    "date": long_date(timezone.localdate(dossier.submitted_at)),
                },
                reverse("reviews:dossier", args=[dossier.pk]),
                _("Review"),
            )
        )
    overdue = Pledge.objects.filter(
        status=Pledge.Status.OPEN, signing_deadline__lt=today, term__bloc__province_id__in=provinces
    ).select_related("term__bloc")
    for pledge in overdue:
        items.append(
            Item(
                _("Overdue: %(title)s of %(bloc)s (deadline %(date)s) is not signed by every unit.")
                % {
                    "title": pledge.title,
                    "bloc": pledge.term.bloc.name,
                    "date": pledge.signing_deadline.strftime("%d/%m/%Y"),
                },
                pledge.get_absolute_url(),
            )
        )
    blocs = list(
        bloc_access.visible_blocs(user)
        .filter(active=True, province__successor__isnull=True)
        .prefetch_related(
            # Only this year's and next year's terms, with their members, for the role tasks.
            Prefetch(
                "terms",
                queryset=Term.objects.filter(year__in=[year, year + 1]).prefetch_related("memberships"),
            ),
        )
    )
    for bloc in blocs:
        terms = {term.year: term for term in bloc.terms.all()}
        this_year = terms.get(year)
        if this_year is None:
            items.append(
                Item(
                    _("%(bloc)s has no members for %(year)s yet.") % {"bloc": bloc.name, "year": year},
                    bloc.get_absolute_url(),
                )
            )
            continue
        for text in this_year.role_tasks():
            items.append(Item(f"{bloc.name} {year}: {text}", this_year.get_absolute_url()))
        next_year = terms.get(year + 1)
        elected = this_year.next_chair_id or (next_year is not None and next_year.chair_id)
        if today.month >= ELECTION_SEASON_MONTH and not elected:
            items.append(
                Item(
                    _("%(bloc)s has not chosen its chair for %(year)s yet.") % {"bloc": bloc.name, "year": year + 1},
                    this_year.get_absolute_url(),
                )
            )
    return items


def _deadline_text(text: str, deadline: datetime.date | None) -> str:
    if deadline is None:
        return text
    return _("%(text)s (deadline %(date)s)") % {"text": text, "date": long_date(deadline)}
