from django.contrib import admin
from django.urls import include, path

from blocs import views as bloc_views
from emulation import views as operations

urlpatterns = [
    path("", bloc_views.home, name="home"),
    path("healthz", operations.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("blocs/", include("blocs.urls")),
    path("pledges/", include("pledges.urls")),
    path("reviews/", include("reviews.urls")),
    path("verify/", include("pledges.verify_urls")),
    path("board/", include("board.urls")),
    path("admin/", admin.site.urls),
]
