from django.urls import path

import core.converters  # noqa: F401  (registers the "id" and "year" converters)
from board import views

app_name = "board"

urlpatterns = [
    path("", views.index, name="index"),
    path("<year:year>/", views.dashboard, name="dashboard"),
]
