"""Reads that several pages and commands share; no writes here (they live in ``pledges.services``)."""

from django.db.models import QuerySet

from core import pdf as pdf_engine
from pledges.models import Pledge, RequiredSigner


def pdf_verdict(data: bytes) -> dict:
    """Return whether *data* is a registered pledge PDF and whether its seal is intact."""
    digest = pdf_engine.sha256(data)
    registered = Pledge.objects.filter(pdf_sha256=digest).first()
    return {"sha256": digest, "registered": registered, **pdf_engine.validate_seal(data)}


def waiting_signers(pledge: Pledge) -> QuerySet[RequiredSigner]:
    """Return the required signers of *pledge* that are neither excused nor signed yet."""
    return pledge.required_signers.filter(excused_at__isnull=True).exclude(
        unit_id__in=pledge.signatures.values("unit_id")
    )
