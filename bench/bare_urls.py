"""A bare view per benchmarked page: replay the SQL that page ran, and nothing else.

bench/pages.py captures each page's statements from a real request and writes
them to the JSON file named by BENCH_REPLAY; ``replay`` loads the session (the
one statement it does not replay: SessionMiddleware runs it), then runs every
other statement and fetches its rows. No forms, templates, image handling or
middleware beyond sessions. Served with ``gunicorn bench.bare_urls:application``.
"""

import json
import os
from pathlib import Path

from django.contrib.auth import SESSION_KEY
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bare_settings")

STATEMENTS: dict[str, list[str]] = json.loads(Path(os.environ["BENCH_REPLAY"]).read_text("utf-8"))


def is_session_load(sql: str) -> bool:
    return 'FROM "django_session"' in sql


def replay(request, page: str):
    statements = STATEMENTS.get(page)
    if statements is None:
        return HttpResponseNotFound()
    if not request.session.get(SESSION_KEY):  # the session load, as the real page's first statement
        return HttpResponseForbidden()
    rows = 0
    with connection.cursor() as cursor:
        for sql in statements:
            if is_session_load(sql):
                continue
            cursor.execute(sql)
            rows += len(cursor.fetchall())
    return HttpResponse(f"{rows}\n", content_type="text/plain")


urlpatterns = [path("bare/<slug:page>/", replay)]

application = get_wsgi_application()
