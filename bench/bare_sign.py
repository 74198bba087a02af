"""A bare signing view for bench/signing_burst.py: replay one pledge's signing SQL, then roll it back.

bench/signing_burst.py captures, per pledge, the statements of one real signing
post (rolled back) and writes them to the JSON file named by BENCH_REPLAY.
``replay`` loads the session (SessionMiddleware runs that statement), reads the
posted form, runs every captured statement in one transaction (the row lock,
the inserts, the completion check) and rolls it back, so the unique
constraints see the same rows on every post. No forms, images, templates or
further middleware. Served with ``gunicorn bench.bare_sign:application``.
"""

import json
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.wsgi import get_wsgi_application
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare_settings"

STATEMENTS: dict[str, list[str]] = json.loads(Path(os.environ["BENCH_REPLAY"]).read_text("utf-8"))


@csrf_exempt
def replay(request, pk: int):
    statements = STATEMENTS.get(str(pk))
    if statements is None:
        return HttpResponseNotFound()
    if not request.session.get(SESSION_KEY) or "form_token" not in request.POST:
        return HttpResponseForbidden()
    rows = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:
                rows += len(cursor.fetchall())
        transaction.set_rollback(True)
    return HttpResponse(f"{rows}\n", content_type="text/plain")


urlpatterns = [path("pledges/<int:pk>/sign/", replay)]

application = get_wsgi_application()
settings.ROOT_URLCONF = __name__
