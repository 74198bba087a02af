"""What the pledge's views share: the client's address and browser, the document's context."""

from core.network import client_ip
from pledges.models import Pledge


def _client(request) -> dict:
    """Return the client's address (behind the trusted proxies) and browser, for the audit trail."""
    return {"ip": client_ip(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")}


def _document_context(pledge: Pledge) -> dict:
    """What the document template needs, from the prefetched pledge (no further queries).

    Each row has the unit's ``signature`` that counts and the ``disputed`` ones it replaced (or that
    leave it waiting again).
    """
    every = list(pledge.signatures.all())
    live = {s.unit_id: s for s in every if s.counts}
    rows = [
        {
            "signer": signer,
            "signature": live.get(signer.unit_id),
            "disputed": [s for s in every if s.unit_id == signer.unit_id and not s.counts],
        }
        for signer in pledge.required_signers.all()
    ]
    return {"pledge": pledge, "items": list(pledge.items.all()), "rows": rows}
