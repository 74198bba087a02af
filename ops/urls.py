from django.urls import path

from ops import views

app_name = "ops"
urlpatterns = [
    path("notifications/", views.notification_settings, name="notification_settings"),
]
