from django.urls import path

import core.converters  # noqa: F401  (registers the "id" and "year" converters)
from blocs import views

app_name = "blocs"

urlpatterns = [
    path("", views.bloc_list, name="bloc_list"),
    path("new/", views.bloc_create, name="bloc_create"),
    path("<id:pk>/", views.bloc_detail, name="bloc_detail"),
    path("<id:pk>/edit/", views.bloc_edit, name="bloc_edit"),
    path("<id:pk>/rename/", views.bloc_rename, name="bloc_rename"),
    path("<id:pk>/years/new/", views.term_create, name="term_create"),
    path("<id:pk>/<year:year>/", views.term_detail, name="term_detail"),
    path("<id:pk>/<year:year>/members/add/", views.membership_add, name="membership_add"),
    path("<id:pk>/<year:year>/members/<id:membership_pk>/end/", views.membership_end, name="membership_end"),
    path("<id:pk>/<year:year>/roles/", views.term_roles, name="term_roles"),
    path("<id:pk>/<year:year>/acting/", views.term_acting, name="term_acting"),
    path("<id:pk>/<year:year>/rollover/", views.term_rollover, name="term_rollover"),
    path("import/", views.registry_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("provinces/<id:pk>/signing/", views.province_signing, name="province_signing"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<id:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<id:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<id:pk>/rename/", views.unit_rename, name="unit_rename"),
    path("units/<id:pk>/merge/", views.unit_merge, name="unit_merge"),
    path("units/<id:pk>/close/", views.unit_close, name="unit_close"),
    path("units/<id:pk>/seal/", views.unit_seal, name="unit_seal"),
    path("units/<id:pk>/seal.png", views.unit_seal_image, name="unit_seal_image"),
]
