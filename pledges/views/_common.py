"""What the pledge's views share: the client's address and browser, the document's context, the
frozen text and the typed-name preview (both cached)."""

import base64
import copy
import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

from core import images
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


# The frozen text is the same for every head of a bloc and every visit: render it once per content hash.
FROZEN_TEXT_SECONDS = 24 * 3600


def frozen_text(pledge: Pledge, required_signers: list | None = None) -> str:
    """Return the frozen pledge as HTML text, from the template the PDF prints (cached per content hash).

    The signature blocks show each required unit and its head's title over an empty field, as frozen:
    who has signed since is shown beside it, not in the cached text. *required_signers*: the pledge's
    rows if the caller read them already (else they are read when the text is rendered).
    """
    key = f"pledge-text:{pledge.content_hash}:{translation.get_language()}"
    html = cache.get(key)
    if html is None:
        signers = []
        for signer in required_signers if required_signers is not None else pledge.required_signers.all():
            frozen = copy.copy(signer)
            frozen.excused_at = None  # excusing a unit later does not change the frozen text
            signers.append(frozen)
        rows = [{"signer": signer, "signature": None, "disputed": []} for signer in signers]
        html = render_to_string(
            "pledges/document.html",
            {"pledge": pledge, "items": list(pledge.items.all()), "rows": rows, "original": True},
        )
        cache.set(key, html, FROZEN_TEXT_SECONDS)
    return html


def typed_preview(name: str) -> str:
    """Return the typed-name signature of *name* as a PNG data URL (cached per name)."""
    key = "typed-preview:" + hashlib.sha256(name.encode()).hexdigest()
    url = cache.get(key)
    if url is None:
        url = "data:image/png;base64," + base64.b64encode(images.typed_signature_png(name)).decode()
        cache.set(key, url, FROZEN_TEXT_SECONDS)
    return url
