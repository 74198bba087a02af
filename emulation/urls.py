from django.contrib import admin
from django.urls import include, path

from ops import views as ops_views

urlpatterns = [
    path("", ops_views.home, name="home"),
    path("healthz", ops_views.healthz, name="healthz"),
    # Browsers that ask for /favicon.ico without reading the page's link get the SVG.
    path("favicon.ico", ops_views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("blocs/", include("blocs.urls")),
    path("pledges/", include("pledges.urls")),
    path("reviews/", include("reviews.urls")),
    path("verify/", include("pledges.verify_urls")),
    path("board/", include("board.urls")),
    path("me/", include("ops.urls")),
    path("admin/", admin.site.urls),
]
