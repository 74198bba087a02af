"""The project's settings with the middleware reduced to sessions, for bench/pages.py's bare views.

Same database, same session engine and SECRET_KEY (the benchmark's session cookies work on both servers).
"""

from emulation.settings import *  # noqa: F403

MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware"]
ROOT_URLCONF = "bench.bare_urls"
WSGI_APPLICATION = "bench.bare_urls.application"
