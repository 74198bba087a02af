from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Emulation pledges")

    def ready(self):
        from emulation import after_response
        from pledges import checks  # noqa: F401  (registers the font check)

        after_response.connect()  # the signed PDF is produced after the last signer's response
