from django.urls import path

from blocs import views

app_name = "blocs"

urlpatterns = [
    path("", views.bloc_list, name="bloc_list"),
    path("new/", views.bloc_create, name="bloc_create"),
    path("<int:pk>/", views.bloc_detail, name="bloc_detail"),
    path("<int:pk>/edit/", views.bloc_edit, name="bloc_edit"),
    path("<int:pk>/rename/", views.bloc_rename, name="bloc_rename"),
    path("<int:pk>/years/new/", views.term_create, name="term_create"),
    path("<int:pk>/<int:year>/", views.term_detail, name="term_detail"),
    path("<int:pk>/<int:year>/members/add/", views.membership_add, name="membership_add"),
    path("<int:pk>/<int:year>/members/<int:membership_pk>/end/", views.membership_end, name="membership_end"),
    path("<int:pk>/<int:year>/roles/", views.term_roles, name="term_roles"),
    path("<int:pk>/<int:year>/acting/", views.term_acting, name="term_acting"),
    path("<int:pk>/<int:year>/rollover/", views.term_rollover, name="term_rollover"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/rename/", views.unit_rename, name="unit_rename"),
    path("units/<int:pk>/merge/", views.unit_merge, name="unit_merge"),
    path("units/<int:pk>/close/", views.unit_close, name="unit_close"),
]
