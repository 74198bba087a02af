"""Reads that several pages and commands share; no writes here (they live in ``pledges.services``)."""

from core import pdf as pdf_engine
from pledges.models import Pledge


def pdf_verdict(data: bytes) -> dict:
    """Return whether *data* is a registered pledge PDF and whether its seal is intact."""
    digest = pdf_engine.sha256(data)
    registered = Pledge.objects.filter(pdf_sha256=digest).first()
    return {"sha256": digest, "registered": registered, **pdf_engine.validate_seal(data)}
