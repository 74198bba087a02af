from django.contrib import admin
from django.urls import include, path

from ops import views as ops_views

urlpatterns = [
    path("", ops_views.home, name="home"),
    path("healthz", ops_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("blocs/", include("blocs.urls")),
    path("pledges/", include("pledges.urls")),
    path("reviews/", include("reviews.urls")),
    path("verify/", include("pledges.verify_urls")),
    path("board/", include("board.urls")),
    path("admin/", admin.site.urls),
]
