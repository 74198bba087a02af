from django.urls import path

import core.converters  # noqa: F401  (registers the "id" and "year" converters)
from reviews import views

app_name = "reviews"

urlpatterns = [
    path("<id:pk>/<year:year>/", views.review_home, name="home"),
    path("<id:pk>/<year:year>/table/", views.table_detail, name="table"),
    path("<id:pk>/<year:year>/table/import/", views.table_import, name="table_import"),
    path("<id:pk>/<year:year>/table/copy/", views.table_copy, name="table_copy"),
    path("<id:pk>/<year:year>/table.json", views.table_json, name="table_json"),
    path("<id:pk>/<year:year>/open/", views.review_open, name="open"),
    path("<id:pk>/<year:year>/start/", views.review_start, name="start"),
    path("<id:pk>/<year:year>/close/", views.review_close, name="close"),
    path("<id:pk>/<year:year>/remind/", views.review_remind, name="remind"),
    path("<id:pk>/<year:year>/ranking/", views.ranking, name="ranking"),
    path("<id:pk>/<year:year>/ranking.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
    path("assessments/<id:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<id:pk>/submit/", views.assessment_submit, name="assessment_submit"),
    path("assessments/<id:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<id:pk>/", views.evidence_file, name="evidence"),
    path("evidence/<id:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    # Nominations: award forms, quotas, the secret ballot.
    path("<id:pk>/<year:year>/ballot/", views.ballot_home, name="ballot_home"),
    path("<id:pk>/<year:year>/ballot/open/", views.ballot_open, name="ballot_open"),
    path("<id:pk>/<year:year>/ballot/quota/", views.quota_set, name="quota_set"),
    path("ballots/<id:pk>/", views.ballot_detail, name="ballot"),
    path("ballots/<id:pk>/close/", views.ballot_close, name="ballot_close"),
    path("ballots/<id:pk>/runoff/", views.ballot_runoff, name="ballot_runoff"),
    path("awards/<year:year>/", views.award_forms, name="award_forms"),
    path("results/<year:year>.xlsx", views.year_xlsx, name="year_xlsx"),
    path("<id:pk>/<year:year>/election/", views.election, name="election"),
    # The dossier to the board, and the board's review of it.
    path("<id:pk>/<year:year>/dossier/", views.dossier_prepare, name="dossier_prepare"),
    path("dossiers/<id:pk>/", views.dossier_detail, name="dossier"),
    path("dossiers/<id:pk>/submit/", views.dossier_submit, name="dossier_submit"),
    path("dossiers/<id:pk>/return/", views.dossier_return, name="dossier_return"),
    path("dossiers/<id:pk>/proposals/<id:proposal_pk>/", views.proposal_decide, name="proposal_decide"),
    path("dossiers/<id:pk>/decide/", views.dossier_decide, name="dossier_decide"),
    path("dossiers/<id:pk>/<slug:part>.pdf", views.dossier_pdf, name="dossier_pdf"),
]
