from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Site-wide pages and commands: the top layer, which may use every app."""

    name = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from ops import checks, tasks  # noqa: F401  (production checks; the failed-task signal handler)
