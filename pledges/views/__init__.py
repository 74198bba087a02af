"""Thin views of the pledge: access → form → service → redirect. One module a part of the pledge's pages."""

from pledges.views.documents import (  # noqa: F401
    frozen_pdf,
    page_image,
    pledge_pdf,
    pledge_pdf_retry,
    verify_code,
    verify_index,
)
from pledges.views.drafting import (  # noqa: F401
    comment_answer,
    comments_open,
    item_add,
    item_edit,
    item_move,
    item_remove,
    pledge_cancel,
    pledge_comments,
    pledge_copy,
    pledge_create,
    pledge_detail,
    pledge_diff,
    pledge_docx,
    pledge_edit,
    pledge_open,
    pledge_remind,
    signer_excuse,
)
from pledges.views.signing import (  # noqa: F401
    conference,
    conference_data,
    paper_signature,
    pledge_sign,
    sign_digital,
    signature_detail,
    signature_dispute,
    signature_image,
    signature_scan,
    signature_seal,
)
