"""Profile the benchmarked pages in-process: where a request's time goes besides the database.

    .venv/bin/python bench/profile_pages.py                  # a throwaway SQLite database, small data
    .venv/bin/python bench/profile_pages.py --requests 200 --top 30

Makes a throwaway SQLite database under a temporary folder (migrate, then ``seed_scale`` with the
small data set of bench/pages.py), picks the same targets as bench/pages.py (home and year page of a
head who has not signed an open pledge, that pledge's signing page and conference data, the board
dashboard), then for each page sends *--requests* GETs through Django's test client with DEBUG off,
under cProfile, timing every SQL statement with a database execute wrapper. Prints per page: the
mean time a request, the share spent in SQL (the database's, which a bare view replays too) and the
rest (ours: ORM query building, access checks, templates), and the functions with the most own time.
``sign_post`` is the signing form posted (a typed signature, as bench/signing_burst.py sends it) by
every head of the current year's open pledges who has not signed, once each (at most *--requests*).

This is the method behind issue 20's profile: bench/pages.py measures the ratios under gunicorn on
PostgreSQL; this script shows what to remove. SQLite answers faster than PostgreSQL over a socket,
so the SQL share here is a lower bound. All work stays in this process; nothing is sent anywhere.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["home", "board", "year", "sign", "conference", "sign_post"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="GETs a page (default 100)")
    parser.add_argument("--top", type=int, default=20, help="functions to list a page (default 20)")
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"],
                        help="order of the functions: own time (default) or with what they call")  # fmt: skip
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=PAGES, help="the pages to profile (default all)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="profile-pages-")
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "DEBUG": "false",
            "SECRET_KEY": "profile-" + "x" * 50,
            "ALLOWED_HOSTS": "testserver",
            "SITE_URL": "https://testserver",
            "PRIVATE_ROOT": f"{folder}/private",
            "TASKS_SQLITE_PATH": f"{folder}/tasks.sqlite3",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emulation.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    out = io.StringIO()
    call_command("migrate", verbosity=0, stdout=out)
    call_command("seed_scale", provinces=2, blocs=20, members=10, years=3, stdout=out)
    targets = pick_targets()
    for page in args.pages:
        if page == "sign_post":
            profile_signing(args.requests, args.top, args.sort)
        else:
            profile(page, targets[page], args.requests, args.top, args.sort)


def session_for(user) -> str:
    """Return the key of a new session logged in as *user* (no password hashing)."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[-1]
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def pick_targets() -> dict:
    from django.utils import timezone

    from accounts.models import User
    from pledges.models import Pledge

    today = timezone.localdate()
    pledge = (
        Pledge.objects.filter(status=Pledge.Status.OPEN, term__year=today.year, signing_mode="image")
        .prefetch_related("required_signers", "signatures")
        .order_by("pk")
        .first()
    )
    signed = {s.unit_id for s in pledge.signatures.all()}
    signer = next(s for s in pledge.required_signers.all() if s.unit_id not in signed)
    head = session_for(User.objects.get(unit_id=signer.unit_id, can_sign=True))
    board = session_for(User.objects.filter(province__isnull=False, unit__isnull=True).order_by("pk").first())
    return {
        "home": ("/", head),
        "year": (f"/blocs/{pledge.term.bloc_id}/{today.year}/", head),
        "sign": (f"/pledges/{pledge.pk}/sign/", head),
        "conference": (f"/pledges/{pledge.pk}/conference/data/", head),
        "board": (f"/board/{today.year}/", board),
    }


def profile_signing(requests: int, top: int, sort: str) -> None:
    """Post the signing form once for each head still to sign an open pledge of this year (image mode)."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from pledges.models import Pledge

    posts = []
    pledges = Pledge.objects.filter(
        status=Pledge.Status.OPEN, term__year=timezone.localdate().year, signing_mode="image"
    ).prefetch_related("required_signers", "signatures")
    for pledge in pledges:
        signed = {s.unit_id for s in pledge.signatures.all()}
        for signer in pledge.required_signers.all():
            if signer.unit_id not in signed and not signer.excused_at:
                head = User.objects.get(unit_id=signer.unit_id, can_sign=True)
                form = {"content_hash": pledge.content_hash, "form_token": f"profile-{head.pk}", "agree": "on",
                        "typed_name": head.full_name, "method": "typed", "drawn": ""}  # fmt: skip
                posts.append((session_for(head), reverse("pledges:sign", args=[pledge.pk]), form))
    posts = posts[:requests]
    if not posts:
        sys.exit("sign_post: no head left to sign")
    client = Client()
    client.get("/healthz")  # warm: the middleware is loaded once a client
    measure("sign_post", f"{len(posts)} posts", client, posts, top, sort)


def profile(page: str, target: tuple, requests: int, top: int, sort: str) -> None:
    from django.conf import settings
    from django.test import Client

    url, cookie = target
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    headers = {"x-forwarded-proto": "https"}
    response = client.get(url, secure=True, headers=headers)  # warm: per-process caches are not the page's cost
    if response.status_code != 200:
        sys.exit(f"{page} {url}: {response.status_code} {response.get('Location', '')}")
    measure(page, url, client, [(cookie, url, None)] * requests, top, sort)


def measure(page: str, label: str, client, calls: list, top: int, sort: str) -> None:
    """Send *calls* ((session key, url, form or None for a GET)) under cProfile, timing every SQL statement."""
    from django.conf import settings
    from django.db import connection

    headers = {"x-forwarded-proto": "https"}
    sql = [0.0, 0]

    def timed(execute, statement, params, many, context):
        start = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql[0] += time.perf_counter() - start
            sql[1] += 1

    profiler = cProfile.Profile()
    with connection.execute_wrapper(timed):
        start = time.perf_counter()
        profiler.enable()
        for cookie, url, form in calls:
            client.cookies[settings.SESSION_COOKIE_NAME] = cookie
            if form is None:
                client.get(url, secure=True, headers=headers)
            else:
                response = client.post(url, form, secure=True, headers=headers)
                if response.status_code != 302:
                    sys.exit(f"{page} {url}: {response.status_code}, the form was refused")
        profiler.disable()
        total = time.perf_counter() - start
    requests = len(calls)
    mean = total / requests * 1000
    in_sql = sql[0] / requests * 1000
    print(f"\n== {page} {label}: {mean:.1f} ms a request, SQL {in_sql:.1f} ms ({sql[1] // requests} statements),")
    print(f"   ours {mean - in_sql:.1f} ms ({(mean - in_sql) / mean:.0%}); under cProfile, so slower than served")
    stats = io.StringIO()
    pstats.Stats(profiler, stream=stats).sort_stats(sort).print_stats(top)
    lines = stats.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("ncalls"))
    print("\n".join(lines[start : start + top + 1]))


if __name__ == "__main__":
    main()
