"""The election of next year's chair and vice-chair at the year-end meeting."""

from django.db import transaction
from django.utils.translation import gettext as _

from blocs import services as registry
from blocs.models import Term
from core import clock
from core.text import nfc
from reviews import selectors
from reviews.models import Election, ReviewEvent
from reviews.services._common import ReviewError, refuse_line_breaks


def election_record(
    *,
    actor,
    term: Term,
    chair,
    vice_chair,
    method: str,
    reference: str,
    chair_votes: int | None = None,
    vice_chair_votes: int | None = None,
) -> Election:
    """Record next year's chair and vice-chair as the year-end meeting elected them.

    By ballot each needs more than half of the members' votes; by acclamation no
    count is kept. Where next year's term exists, its roles are assigned at once
    through the registry's service (with the minutes' reference and its event);
    otherwise the election is what the rollover proposes.
    """
    reference = nfc(reference).strip()
    if not reference:
        raise ReviewError(_("Give the minutes' reference (số biên bản)."), field="reference")
    refuse_line_breaks(reference, field="reference")
    if chair == vice_chair:
        raise ReviewError(_("The chair and the vice-chair must be different units."), field="vice_chair")
    candidates = {unit.pk for unit in selectors.election_candidates(term)}
    if chair.pk not in candidates or vice_chair.pk not in candidates:
        raise ReviewError(_("Only next year's member units can be elected."))
    members = selectors.term_members(term).count()
    if method == Election.Method.BALLOT:
        needed = members // 2 + 1
        for field, votes in (("chair_votes", chair_votes), ("vice_chair_votes", vice_chair_votes)):
            if votes is None or not needed <= votes <= members:
                raise ReviewError(
                    _("Elected by ballot means between %(needed)s and %(members)s votes.")
                    % {"needed": needed, "members": members},
                    field=field,
                )
    elif method == Election.Method.ACCLAMATION:
        chair_votes = vice_chair_votes = None
    else:
        raise ReviewError(_("Choose how they were elected."), field="method")
    with transaction.atomic():
        term = Term.objects.select_for_update().select_related("bloc__province").get(pk=term.pk)
        election, _created = Election.objects.update_or_create(
            term=term,
            defaults={
                "chair": chair,
                "vice_chair": vice_chair,
                "method": method,
                "chair_votes": chair_votes,
                "vice_chair_votes": vice_chair_votes,
                "members": members,
                "reference": reference,
                "recorded_at": clock.now(),
                "recorded_by": actor,
            },
        )
        ReviewEvent.record(
            term=term,
            actor=actor,
            kind=ReviewEvent.Kind.ELECTED,
            details={"chair": chair.name, "vice_chair": vice_chair.name, "method": method, "reference": reference},
        )
        try:  # the registry owns next year's roles
            registry.term_next_roles_set(
                actor=actor, term=term, chair=chair, vice_chair=vice_chair, reference=reference
            )
        except registry.RegistryError as error:
            raise ReviewError(error.message) from error
    return election
