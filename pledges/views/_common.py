"""What the pledge's views share: the client's address and browser, the document's context."""

from pledges.models import Pledge


def _client(request) -> dict:
    return {"ip": request.META.get("REMOTE_ADDR"), "user_agent": request.META.get("HTTP_USER_AGENT", "")}


def _document_context(pledge: Pledge) -> dict:
    """What the document template needs, from the prefetched pledge (no further queries)."""
    signatures = {s.unit_id: s for s in pledge.signatures.all()}
    rows = [{"signer": signer, "signature": signatures.get(signer.unit_id)} for signer in pledge.required_signers.all()]
    return {"pledge": pledge, "items": list(pledge.items.all()), "rows": rows}
