"""Site-wide pages: the home page with each role's work, and the health check."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _

# The apps' notice modules declare their kinds when imported.
import pledges.notices  # noqa: F401
import reviews.notices  # noqa: F401
from core import notify
from ops import todo


def healthz(request):
    """Check the database, the private storage and the task queue; 200 when all answer, 503 otherwise.

    The queue is healthy when a consumer ran the every-minute ``heartbeat`` task within
    ``TASKS_HEARTBEAT_MAX_AGE`` seconds: no consumer, a queue unreachable, or a backlog that keeps
    the heartbeat waiting behind it all fail. With tasks run in the caller (tests), it says so.
    Exempt from the HTTPS redirect; says nothing about the data.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "error"
    try:
        storage = storages["private"]
        name = storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        with storage.open(name, "rb") as handle:
            ok = handle.read() == b"ok"
        storage.delete(name)
        checks["storage"] = "ok" if ok else "error"
    except Exception:
        checks["storage"] = "error"
    checks["tasks"] = _tasks_health()
    healthy = all(value in ("ok", "immediate") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks},
        status=200 if healthy else 503,
        headers={"Cache-Control": "no-store"},
    )


def _tasks_health() -> str:
    from django.conf import settings

    from core.tasks import immediate
    from ops.tasks import last_heartbeat

    if immediate():
        return "immediate"
    try:
        beat = last_heartbeat()
    except Exception:
        return "error"
    if beat is None or (timezone.now() - beat).total_seconds() > settings.TASKS_HEARTBEAT_MAX_AGE:
        return "error"
    return "ok"


@login_required
def home(request):
    """Show each role its work ("Việc cần làm"), from ``ops.todo``."""
    sections, my_terms = todo.todo(request.user)
    context = {
        "sections": sections,
        "tasks": [item for section in sections for item in section.items],
        "my_terms": my_terms,
    }
    return render(request, "ops/home.html", context)


def favicon(request):
    """Send browsers that ask for /favicon.ico (without reading the page's link) to the SVG icon."""
    return redirect(static("favicon.svg"), permanent=True)


@login_required
def notification_settings(request):
    """Let a person switch optional kinds of notice e-mails off (those asking them to act stay on)."""
    kinds = notify.kinds()
    if request.method == "POST":
        wanted_on = set(request.POST.getlist("on"))
        off = {kind.code for kind in kinds if not kind.required and kind.code not in wanted_on}
        notify.opt_outs_set(user=request.user, off=off)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("ops:notification_settings")
    off = notify.opt_outs(request.user)
    rows = [{"kind": kind, "on": kind.required or kind.code not in off} for kind in kinds]
    return render(request, "ops/notifications.html", {"rows": rows})
