from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared pieces that know no domain model: the lowest layer."""

    name = "core"
    verbose_name = _("Shared pieces")

    def ready(self):
        from core import checks  # noqa: F401  (registers the font check)
