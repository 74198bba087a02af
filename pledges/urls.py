from django.urls import path

import core.converters  # noqa: F401  (registers the "id" and "year" converters)
from pledges import views
from pledges.views import drafting

app_name = "pledges"

urlpatterns = [
    path("new/<id:pk>/<year:year>/", views.pledge_create, name="create"),
    path("copy/<id:pk>/<year:year>/", views.pledge_copy, name="copy"),
    path("<id:pk>/", views.pledge_detail, name="detail"),
    path("<id:pk>/diff/", views.pledge_diff, name="diff"),
    path("<id:pk>/edit/", views.pledge_edit, name="edit"),
    path("<id:pk>/items/add/", views.item_add, name="item_add"),
    path("<id:pk>/items/<id:item_pk>/", views.item_edit, name="item_edit"),
    path("<id:pk>/items/<id:item_pk>/move/", views.item_move, name="item_move"),
    path("<id:pk>/items/<id:item_pk>/remove/", views.item_remove, name="item_remove"),
    path("<id:pk>/open/", views.pledge_open, name="open"),
    path("<id:pk>/comments/", views.pledge_comments, name="comments"),
    path("<id:pk>/comments/open/", views.comments_open, name="comments_open"),
    path("<id:pk>/comments/<id:comment_pk>/answer/", views.comment_answer, name="comment_answer"),
    path("<id:pk>/cancel/", views.pledge_cancel, name="cancel"),
    path("<id:pk>/excuse/<id:signer_pk>/", views.signer_excuse, name="excuse"),
    path("<id:pk>/sign/", views.pledge_sign, name="sign"),
    path("<id:pk>/sign/question/", views.pledge_question, name="question"),
    path("<id:pk>/paper/", views.paper_signature, name="paper"),
    path("<id:pk>/frozen.pdf", views.frozen_pdf, name="frozen_pdf"),
    path("<id:pk>/conference/", views.conference, name="conference"),
    path("<id:pk>/remind/", views.pledge_remind, name="remind"),
    path("<id:pk>/conference/data/", views.conference_data, name="conference_data"),
    path("<id:pk>/pages/<slug:name>.png", views.page_image, name="page_image"),
    path("<id:pk>/ky-so/", views.digital_sign, name="digital"),
    path("<id:pk>/ky-so/turn/", views.digital_turn, name="digital_turn"),
    path("<id:pk>/ky-so/cancel/", views.digital_cancel, name="digital_cancel"),
    path("<id:pk>/ky-so/otp/", views.digital_otp, name="digital_otp"),
    path("<id:pk>/ky-so/upload/", views.digital_upload, name="digital_upload"),
    path("<id:pk>/original.pdf", views.original_pdf, name="original_pdf"),
    path("<id:pk>/revisions/<int:number>.pdf", views.revision_pdf, name="revision_pdf"),
    path("ky-so/plugin/<slug:ticket>/document.pdf", views.plugin_document, name="plugin_document"),
    path("ky-so/plugin/<slug:ticket>/upload/", views.plugin_upload, name="plugin_upload"),
    path("ky-so/account/", views.remote_account, name="remote_account"),
    path("<id:pk>/pdf/", views.pledge_pdf, name="pdf"),
    path("<id:pk>/docx/", views.pledge_docx, name="docx"),
    path("<id:pk>/pdf/retry/", views.pledge_pdf_retry, name="pdf_retry"),
    path("signatures/<id:pk>/", views.signature_detail, name="signature"),
    path("signatures/<id:pk>/image.png", views.signature_image, name="signature_image"),
    path("signatures/<id:pk>/seal.png", views.signature_seal, name="signature_seal"),
    path("signatures/<id:pk>/scan", views.signature_scan, name="signature_scan"),
    path("signatures/<id:pk>/dispute/", views.signature_dispute, name="signature_dispute"),
    path("legal-grounds/", drafting.legal_grounds, name="legal_grounds"),
    path("legal-grounds/<id:pk>/", drafting.legal_ground_edit, name="legal_ground_edit"),
]
