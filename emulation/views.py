"""Operations endpoints, nothing domain-specific."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """Check the database and the private storage; 200 when both answer, 503 otherwise.

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
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks},
        status=200 if healthy else 503,
        headers={"Cache-Control": "no-store"},
    )
