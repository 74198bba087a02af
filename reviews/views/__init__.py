"""Thin views of the year-end review: access → form → service → redirect. One module a part of the review's pages."""

from reviews.views.assessments import (  # noqa: F401
    assessment_detail,
    assessment_submit,
    evidence_add,
    evidence_file,
    evidence_remove,
    ranking,
    ranking_xlsx,
    review_close,
    review_home,
    review_open,
    review_remind,
    review_start,
)
from reviews.views.ballots import (  # noqa: F401
    award_forms,
    ballot_close,
    ballot_detail,
    ballot_home,
    ballot_open,
    ballot_runoff,
    election,
    quota_set,
)
from reviews.views.dossiers import (  # noqa: F401
    dossier_decide,
    dossier_detail,
    dossier_pdf,
    dossier_prepare,
    dossier_return,
    dossier_submit,
    proposal_decide,
    year_xlsx,
)
from reviews.views.tables import table_copy, table_detail, table_import, table_json  # noqa: F401
