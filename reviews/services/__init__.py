"""Writes to a term's review, one module per sub-domain; refusals raise ``ReviewError`` with a message a person
can read. Reads that pages share live in ``reviews.selectors``.

Callers keep writing ``from reviews import services; services.ballot_open(...)``: every public
service is re-exported here.
"""

from reviews.services._common import ReviewError
from reviews.services.assessments import (
    MAX_CLAIM_NOTE,
    MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_FILES,
    MAX_EVIDENCE_NOTE,
    MAX_REASON,
    assessment_save,
    assessment_submit,
    claim_set,
    evidence_add,
    evidence_remove,
    reminders_send_due,
    review_close,
    review_open,
    review_remind,
    review_start,
    score_adjust,
    score_set,
    scores_adjust,
)
from reviews.services.ballots import (
    award_form_set,
    award_quota_set,
    ballot_close,
    ballot_open,
    ballot_rule_set,
    ballot_runoff,
    vote_cast,
)
from reviews.services.dossiers import (
    dossier_decide,
    dossier_prepare,
    dossier_return,
    dossier_submit,
    proposal_decide,
)
from reviews.services.election import election_record
from reviews.services.tables import table_copy, table_freeze, table_set

__all__ = [
    "MAX_CLAIM_NOTE",
    "MAX_EVIDENCE_BYTES",
    "MAX_EVIDENCE_FILES",
    "MAX_EVIDENCE_NOTE",
    "MAX_REASON",
    "ReviewError",
    "assessment_save",
    "assessment_submit",
    "award_form_set",
    "award_quota_set",
    "ballot_close",
    "ballot_open",
    "ballot_rule_set",
    "ballot_runoff",
    "claim_set",
    "dossier_decide",
    "dossier_prepare",
    "dossier_return",
    "dossier_submit",
    "election_record",
    "evidence_add",
    "evidence_remove",
    # A read, kept here for the callers outside reviews that start a table from it (tests/test_access_matrix.py).
    "proposal_decide",
    "reminders_send_due",
    "review_close",
    "review_open",
    "review_remind",
    "review_start",
    "score_adjust",
    "score_set",
    "scores_adjust",
    "table_copy",
    "table_freeze",
    "table_set",
    "vote_cast",
]
