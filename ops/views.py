"""Site-wide pages: the home page with each role's work, and the health check."""

import uuid

from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs import access as bloc_access
from blocs.models import Term
from pledges.models import Pledge, Signature


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
    """Show each role its work ("Việc cần làm")."""
    user = request.user
    year = timezone.localdate().year
    tasks = []
    if bloc_access.is_board(user):
        blocs = list(
            bloc_access.visible_blocs(user)
            .filter(active=True, province__successor__isnull=True)
            .prefetch_related(
                "versions",
                # Only this year's term, with its members, for the role tasks.
                Prefetch("terms", queryset=Term.objects.filter(year=year).prefetch_related("memberships")),
            )
        )
        for bloc in blocs:
            terms = bloc.terms.all()
            if not terms:
                tasks.append(
                    {
                        "text": _("%(bloc)s has no members for %(year)s yet.") % {"bloc": bloc.name, "year": year},
                        "url": bloc.get_absolute_url(),
                    }
                )
            for term in terms:
                for text in term.role_tasks():
                    tasks.append({"text": f"{bloc.name} {year}: {text}", "url": term.get_absolute_url()})
    if bloc_access.is_board(user):
        overdue = Pledge.objects.filter(
            status=Pledge.Status.OPEN,
            signing_deadline__lt=timezone.localdate(),
            term__bloc__province_id__in=bloc_access.board_province_ids(user),
        ).select_related("term__bloc")
        for pledge in overdue:
            tasks.append(
                {
                    "text": _("Overdue: %(title)s of %(bloc)s (deadline %(date)s) is not signed by every unit.")
                    % {
                        "title": pledge.title,
                        "bloc": pledge.term.bloc.name,
                        "date": pledge.signing_deadline.strftime("%d/%m/%Y"),
                    },
                    "url": pledge.get_absolute_url(),
                }
            )
    my_terms = []
    if user.unit_id:
        my_terms = list(
            Term.objects.filter(memberships__unit_id=user.unit_id, year__gte=year - 1)
            .select_related("bloc__province")
            .prefetch_related("memberships")
            .order_by("-year", "bloc__name")
        )
        for term in my_terms:
            # The chair's staff of a bloc that no longer exists has nothing left to do there.
            chair_officer = (
                user.unit_id == term.chair_id or (term.vice_chair_acting and user.unit_id == term.vice_chair_id)
            ) and bloc_access.bloc_in_force(term.bloc)
            term.is_chair_officer = chair_officer
            if not chair_officer:
                continue
            for text in term.role_tasks():
                tasks.append({"text": f"{term.bloc.name} {term.year}: {text}", "url": term.get_absolute_url()})
            if term.year == year and not Term.objects.filter(bloc_id=term.bloc_id, year=year + 1).exists():
                tasks.append(
                    {
                        "text": _("Prepare %(year)s: roll %(bloc)s over to the next year.")
                        % {"year": year + 1, "bloc": term.bloc.name},
                        "url": term.get_absolute_url(),
                    }
                )
    to_sign = []
    if user.unit_id and user.can_sign:
        to_sign = list(
            Pledge.objects.filter(
                status=Pledge.Status.OPEN,
                required_signers__unit_id=user.unit_id,
                required_signers__excused_at__isnull=True,
            )
            # A disputed paper signature does not count: the head is asked to sign again.
            .exclude(
                pk__in=Signature.objects.filter(unit_id=user.unit_id, disputed_at__isnull=True).values("pledge_id")
            )
            .select_related("term__bloc")
        )
    context = {"tasks": tasks, "my_terms": my_terms, "year": year, "to_sign": to_sign}
    return render(request, "ops/home.html", context)
