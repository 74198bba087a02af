"""Every permission decision of the year-end review: fetch and authorise in one step.

Who sees what (on top of ``blocs.access``: whoever may see the bloc's year):
- the chair's officers and the province's board see every self-assessment, the
  evidence and the ranking as it forms, and run the review;
- a member unit sees and fills its own self-assessment; the others' and the
  ranking only once the review is closed;
- evidence files are for the unit itself, the chair's officers and the board.
404 for what the user may not see, 403 for what the user may see but not do.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from blocs.access import get_term_for_user, require_board_writer, writable_provinces
from blocs.models import Term
from reviews.models import Ballot, Dossier, Evidence, Review, SelfAssessment


def get_term(user, bloc_pk: int, year: int, *, for_edit: bool = False) -> Term:
    """Return the bloc's year with ``term.roles``, its review (or None) and its table (or None) attached."""
    term = get_term_for_user(
        user,
        bloc_pk,
        year,
        for_edit=for_edit,
        queryset=Term.objects.select_related("bloc__province", "review", "scoring_table"),
    )
    term.review_or_none = getattr(term, "review", None)  # select_related: no query, None when absent
    term.table_or_none = getattr(term, "scoring_table", None)
    return term


def get_review(user, bloc_pk: int, year: int, *, for_edit: bool = False) -> Review:
    """Return the year's review (404 if self-assessment has not opened), with ``review.term`` set as above."""
    term = get_term(user, bloc_pk, year, for_edit=for_edit)
    if term.review_or_none is None:
        raise Http404(_("Self-assessment has not opened for this year."))
    review = term.review_or_none
    review.term = term
    return review


def can_see_ranking(term: Term) -> bool:
    return term.roles.can_oversee or (
        term.review_or_none is not None and term.review_or_none.status == Review.Status.CLOSED
    )


def require_ranking(term: Term) -> None:
    if term.review_or_none is None:
        raise Http404(_("Self-assessment has not opened for this year."))
    if not can_see_ranking(term):
        raise PermissionDenied(_("The ranking is shown to the members once the bloc's review is closed."))


def get_assessment(user, pk: int) -> SelfAssessment:
    """Return self-assessment *pk* with ``assessment.review.term`` (roles set) and what the user may do on it."""
    assessment = SelfAssessment.objects.select_related("review__term").filter(pk=pk).first()
    if assessment is None:
        raise Http404(_("No such self-assessment."))
    term = get_term(user, assessment.review.term.bloc_id, assessment.review.term.year)
    roles = term.roles
    own = user.unit_id == assessment.unit_id and roles.member
    review = term.review_or_none
    if not (roles.can_oversee or own or review.status == Review.Status.CLOSED):
        raise Http404(_("No such self-assessment."))
    assessment.review = review
    review.term = term
    draft_open = assessment.status == SelfAssessment.Status.DRAFT and review.status == Review.Status.SELF_ASSESSMENT
    assessment.own = own
    assessment.can_fill = own and draft_open
    assessment.can_submit = assessment.can_fill and roles.head
    assessment.can_adjust = (
        roles.can_edit
        and review.status == Review.Status.REVIEW
        and assessment.status == SelfAssessment.Status.SUBMITTED
    )
    assessment.can_see_evidence = own or roles.can_oversee
    return assessment


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def get_evidence(user, pk: int) -> Evidence:
    """Return evidence file *pk* for the unit itself, the chair's officers and the board (404 otherwise)."""
    evidence = Evidence.objects.filter(pk=pk).first()
    if evidence is None:
        raise Http404(_("No such file."))
    try:
        assessment = get_assessment(user, evidence.assessment_id)
    except Http404:
        raise Http404(_("No such file.")) from None
    if not assessment.can_see_evidence:
        raise Http404(_("No such file."))
    evidence.assessment = assessment
    return evidence


def get_ballot(user, pk: int, *, for_edit: bool = False) -> Ballot:
    """Return ballot round *pk* with ``ballot.term.roles``, for whoever may see the bloc's year."""
    return _with_term(user, Ballot.objects.filter(pk=pk).select_related("term").first(), for_edit, _("No such ballot."))


def require_board_of(user, term: Term) -> None:
    """Refuse (403) anyone but the board of the term's province: quotas are the board's."""
    if not term.roles.board:
        raise PermissionDenied(term.roles.read_only_reason or _("Only the provincial board sets the quotas."))


def get_board_province(user, requested=None):
    """Return the living province whose award forms *user* (a board officer) sets; 403 for anyone else.

    A board officer works on their own province; a superuser picks one (``requested``, else the first).
    """
    require_board_writer(user)
    provinces = writable_provinces(user)
    if requested and str(requested).isdigit() and len(str(requested)) < 19:
        province = provinces.filter(pk=int(requested)).first()
    else:
        province = provinces.order_by("name").first()
    if province is None:
        raise Http404(_("No such province."))
    return province


def get_dossier(user, pk: int, *, for_edit: bool = False) -> Dossier:
    """Return dossier *pk* with ``dossier.term.roles``, for whoever may see the bloc's year."""
    return _with_term(
        user, Dossier.objects.filter(pk=pk).select_related("term").first(), for_edit, _("No such dossier.")
    )


def _with_term(user, row, for_edit: bool, missing: str):
    """Give *row* (a ballot or a dossier) its term with the user's roles; 404 if absent or not visible."""
    if row is None:
        raise Http404(missing)
    row.term = get_term(user, row.term.bloc_id, row.term.year, for_edit=for_edit)
    return row


def require_board_for(dossier: Dossier) -> None:
    if not dossier.term.roles.board:
        raise PermissionDenied(
            dossier.term.roles.read_only_reason or _("Only the provincial board reviews the dossier.")
        )
