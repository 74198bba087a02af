"""Thin views of the pledge: access → form → service → redirect. One module a part of the pledge's pages."""

from pledges.views.digital import (  # noqa: F401
    digital_cancel,
    digital_otp,
    digital_sign,
    digital_turn,
    digital_upload,
    original_pdf,
    plugin_document,
    plugin_upload,
    remote_account,
    revision_pdf,
)
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
    pledge_question,
    pledge_sign,
    signature_detail,
    signature_dispute,
    signature_image,
    signature_scan,
    signature_seal,
)
