"""The public verification pages: no login."""

from django.urls import path

from pledges import views

app_name = "verify"

urlpatterns = [
    path("", views.verify_index, name="index"),
    path("<str:code>/", views.verify_code, name="code"),
]
