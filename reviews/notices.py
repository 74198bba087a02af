"""The year-end review's notices (``core.notify``): self-assessment opens, a ballot opens, the
board returns or decides a dossier. Called by the services inside their transactions."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.notify import notify, register
from core.templatetags.vn import long_date
from pledges.notices import chair_officers, link, people

REVIEW_OPENED = register("review_opened", gettext_lazy("Self-assessment is open"), required=True)
BALLOT_OPENED = register("ballot_opened", gettext_lazy("A secret ballot is open"), required=True)
DOSSIER_RETURNED = register(
    "dossier_returned", gettext_lazy("The board returned the bloc's dossier (the chair's officers)"), required=True
)
DOSSIER_DECIDED = register("dossier_decided", gettext_lazy("The board decided the bloc's dossier"))


def _members(term):
    from reviews import selectors

    return selectors.term_members(term).values("unit_id")


def review_opened(review) -> int:
    """Tell the member units' users that self-assessment is open, until its deadline."""
    term = review.term
    return notify(
        people().filter(unit_id__in=_members(term)),
        kind=REVIEW_OPENED,
        key=f"review:{review.pk}",
        subject=_("Self-assessment %(year)s: %(bloc)s") % {"year": term.year, "bloc": term.bloc.name},
        lines=[
            _("The self-assessment of %(bloc)s for %(year)s is open until %(date)s.")
            % {"bloc": term.bloc.name, "year": term.year, "date": long_date(review.deadline)},
            _("Score your unit against each criterion, attach the evidence, and submit before the deadline."),
        ],
        action_url=link(reverse("reviews:home", args=[term.bloc_id, term.year])),
        action_label=_("Open the self-assessment"),
        sender=term.bloc.name,
    )


def ballot_opened(ballot) -> int:
    """Tell the member units' heads that a round of the secret ballot is open."""
    term = ballot.term
    return notify(
        people().filter(unit_id__in=_members(term), can_sign=True),
        kind=BALLOT_OPENED,
        key=f"ballot:{ballot.pk}",
        subject=_("Secret ballot %(year)s: %(bloc)s") % {"year": term.year, "bloc": term.bloc.name},
        lines=[
            _("A round of the secret ballot on the award proposals of %(bloc)s for %(year)s is open.")
            % {"bloc": term.bloc.name, "year": term.year},
            _("Each unit casts one ballot paper; the result stays secret until the round closes."),
        ],
        action_url=link(reverse("reviews:ballot", args=[ballot.pk])),
        action_label=_("Vote"),
        sender=term.bloc.name,
    )


def dossier_returned(dossier) -> int:
    """Tell the chair's officers that the board returned the dossier, and what to correct."""
    term = dossier.term
    province = term.bloc.province
    return notify(
        chair_officers(term),
        kind=DOSSIER_RETURNED,
        key=f"dossier:{dossier.pk}:returned:{clock.now():%Y%m%d%H%M%S}",
        subject=_("Dossier returned: %(bloc)s %(year)s") % {"bloc": term.bloc.name, "year": term.year},
        lines=[
            _("%(board)s returned the dossier of %(bloc)s for %(year)s.")
            % {"board": province.board_title(), "bloc": term.bloc.name, "year": term.year},
            _("To correct: %(comment)s") % {"comment": dossier.return_comment},
        ],
        action_url=link(reverse("reviews:dossier", args=[dossier.pk])),
        action_label=_("Open the dossier"),
        sender=province.board_title(),
    )


def dossier_decided(dossier) -> int:
    """Tell the member units' users that the board decided the dossier (decision number and date)."""
    term = dossier.term
    province = term.bloc.province
    return notify(
        people().filter(unit_id__in=_members(term)),
        kind=DOSSIER_DECIDED,
        key=f"dossier:{dossier.pk}:decided",
        subject=_("Awards decided: %(bloc)s %(year)s") % {"bloc": term.bloc.name, "year": term.year},
        lines=[
            _("The awards of %(bloc)s for %(year)s were decided: decision %(number)s of %(date)s.")
            % {
                "bloc": term.bloc.name,
                "year": term.year,
                "number": dossier.decision_number,
                "date": long_date(dossier.decision_date),
            },
        ],
        action_url=link(reverse("reviews:dossier", args=[dossier.pk])),
        action_label=_("Open the dossier"),
        sender=province.board_title(),
    )
