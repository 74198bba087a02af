"""Every write to a pledge: its life cycle, its content while a draft, its signatures.

Each transition locks the pledge row, checks the transition table, writes an
event and schedules slow work after commit. Refusals raise ``PledgeError``
with a message a person can read; nothing half-written stays. One module a
sub-domain; callers use the names re-exported here.
"""

from pledges.services._common import TEXT_FIELDS, TRANSITIONS, PledgeError, local_time_text
from pledges.services.documents import (
    DocumentNotReady,
    page_image_key,
    page_images,
    pledge_frozen_pdf,
    pledge_pdf_produce,
    pledge_pdf_queue,
    preview_pdf,
    run_with_time_limit,
    stored_preview,
)
from pledges.services.drafting import (
    comment_add,
    comment_answer,
    comments_are_open,
    comments_open,
    item_add,
    item_move,
    item_remove,
    item_update,
    legal_ground_create,
    legal_ground_update,
    pledge_copy_source,
    pledge_create,
    pledge_create_from,
    pledge_update,
)
from pledges.services.lifecycle import (
    after_completion,
    after_opening,
    default_signing_mode,
    frozen_preview,
    new_verification_code,
    pledge_cancel,
    pledge_open,
    previews_queue,
    previews_render,
    recomputed_hash,
    signer_excuse,
    warn_if_one_hand,
)
from pledges.services.reminders import pledge_remind, reminders_send_due
from pledges.services.signing import paper_signature_add, question_send, signature_add, signature_dispute

__all__ = [
    "DocumentNotReady",
    "TEXT_FIELDS",
    "TRANSITIONS",
    "PledgeError",
    "after_completion",
    "after_opening",
    "default_signing_mode",
    "comment_add",
    "comment_answer",
    "comments_are_open",
    "comments_open",
    "frozen_preview",
    "pledge_pdf_queue",
    "previews_queue",
    "previews_render",
    "stored_preview",
    "item_add",
    "item_move",
    "item_remove",
    "item_update",
    "legal_ground_create",
    "legal_ground_update",
    "local_time_text",
    "new_verification_code",
    "page_image_key",
    "page_images",
    "paper_signature_add",
    "question_send",
    "pledge_cancel",
    "pledge_copy_source",
    "pledge_create",
    "pledge_create_from",
    "pledge_frozen_pdf",
    "pledge_open",
    "pledge_pdf_produce",
    "pledge_remind",
    "pledge_update",
    "preview_pdf",
    "recomputed_hash",
    "reminders_send_due",
    "run_with_time_limit",
    "signature_add",
    "signature_dispute",
    "signer_excuse",
    "warn_if_one_hand",
]
