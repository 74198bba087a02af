import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emulation.settings")
application = get_wsgi_application()


def _refuse_unsafe_production() -> None:
    """Do not serve with DEBUG off and an unsafe configuration: say what to fix instead."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from ops.checks import production_problems

    if settings.DEBUG:
        return
    found = production_problems()
    if found:
        raise ImproperlyConfigured(
            "This configuration is not safe for production:\n" + "\n".join(f"  - {problem}" for problem in found)
        )


_refuse_unsafe_production()
