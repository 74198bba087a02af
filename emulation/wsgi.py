import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emulation.settings")
application = get_wsgi_application()


def _refuse_unsafe_production() -> None:
    """Do not serve with DEBUG off and an unsafe configuration: say what to fix instead."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from blocs.management.commands.check_production import problems

    if settings.DEBUG:
        return
    found = problems()
    if found:
        raise ImproperlyConfigured(
            "This configuration is not safe for production:\n" + "\n".join(f"  - {problem}" for problem in found)
        )


_refuse_unsafe_production()
