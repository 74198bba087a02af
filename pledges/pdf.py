"""The pledge's own document: its HTML, audit trail, attachment, seal reason and file name.

The engine (HTML to PDF/A, the seal, signature checks) is ``core.pdf``; storing and state
live in ``pledges.services``.
"""

import ipaddress
import json

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core import pdf as pdf_engine
from pledges.models import Pledge, PledgeEvent
from pledges.selectors import collapse_edits

AUDIT_ATTACHMENT = {"name": "nhat-ky-ky-ket.json", "description": "Nhật ký ký kết (audit trail)"}
ZONE_LABEL = " (Asia/Ho_Chi_Minh)"
SEAL_REASON = "Chứng thực giao ước thi đua đã ký"
# The reason a ký số signature gives, by role: the head's, and the agency's seal (văn thư).
SIGNING_REASONS = {"head": "Ký giao ước thi đua", "seal": "Đóng dấu cơ quan (chữ ký số của cơ quan)"}


def html_to_pdf(html: str, attachment: str) -> bytes:
    """Render the pledge's *html* as PDF/A-3 with its audit trail *attachment* embedded."""
    return pdf_engine.html_to_pdf(html, attachment, **AUDIT_ATTACHMENT)


def seal_pdf(data: bytes) -> bytes:
    """Seal a completed pledge's PDF with the organisation's certificate."""
    return pdf_engine.seal_pdf(data, reason=SEAL_REASON)


def mask_ip(value: str | None) -> str:
    """Return the address masked to its first two parts: personal data (Nghị định 13/2023)."""
    if not value:
        return ""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return ""
    if address.version == 4:
        first, second, *_ = str(address).split(".")
        return f"{first}.{second}.x.x"
    groups = address.exploded.split(":")
    return f"{groups[0]}:{groups[1]}:…"


def browser_family(user_agent: str) -> str:
    """Return a browser's family name from its user agent, without version or device details."""
    agent = user_agent or ""
    for marker, name in (
        ("Zalo", "Zalo"),
        ("FBAN", "Facebook"),
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("CocCoc", "Cốc Cốc"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ):
        if marker in agent:
            return name
    return "khác" if agent else ""


def verification_url(pledge: Pledge) -> str:
    """Return the public verification address printed on every page of *pledge*."""
    return settings.SITE_URL + reverse("verify:code", args=[pledge.verification_code])


def audit_trail(pledge: Pledge, events: list[PledgeEvent]) -> list[dict]:
    """Return the audit trail as printed and attached: local times, masked addresses, browser families."""
    trail = []
    for event in events:
        local = timezone.localtime(event.created_at)
        trail.append(
            {
                "time": local.isoformat(),
                "time_text": f"{local:%H:%M:%S} ngày {local:%d/%m/%Y}{ZONE_LABEL}",
                "kind": event.kind,
                "label": str(event.get_kind_display()),
                "actor": event.actor.full_name if event.actor else "",
                "network": mask_ip(event.ip),
                "browser": browser_family(event.user_agent),
                "unit": event.details.get("unit", ""),
                "reason": event.details.get("reason", ""),
            }
        )
    return trail


def printed_trail(trail: list[dict]) -> list[dict]:
    """Return the rows of the printed audit trail: consecutive edits of the draft by one person as one
    row, "Chỉnh sửa dự thảo × 30", with the times of the first and the last (the attached JSON keeps
    every event)."""
    rows = []
    for run in collapse_edits(trail):
        if not run.collapsed:
            rows.append(run.first)
            continue
        rows.append(
            run.first
            | {
                "label": f"Chỉnh sửa dự thảo × {run.count}",
                "time_text": f"từ {run.first['time_text'].removesuffix(ZONE_LABEL)} đến {run.last['time_text']}",
                "count": run.count,
            }
        )
    return rows


def render_html(
    pledge: Pledge,
    *,
    preview: bool,
    certificate: bool = True,
    signatures: bool = True,
    document: bool = True,
    original: bool = False,
) -> str:
    """Return the HTML of the PDF: the document template of the preview, the certificate, the footer.

    *preview* adds the "BẢN DỰ THẢO" watermark; *certificate* the completion certificate page;
    without *signatures* the grid shows the frozen document as every signer received it; without
    *document* only the certificate; *original* gives each block its empty signature field (ký số).
    """
    every = list(pledge.signatures.all()) if signatures else []
    by_unit = {s.unit_id: s for s in every if s.counts}
    for signature in by_unit.values():
        signature.image_src = pdf_engine.png_data_uri(signature.image) if signature.image else ""
        signature.seal_src = pdf_engine.png_data_uri(signature.seal_image) if signature.seal_image else ""
    rows = [
        {
            "signer": signer,
            "signature": by_unit.get(signer.unit_id),
            "disputed": [s for s in every if s.unit_id == signer.unit_id and not s.counts],
        }
        for signer in pledge.required_signers.all()
    ]
    events = list(pledge.events.select_related("actor").order_by("created_at", "id"))
    with translation.override("vi"):
        trail = audit_trail(pledge, events)
        code = pledge.verification_code or ""
        context = {
            "pledge": pledge,
            "items": list(pledge.items.all()),
            "rows": rows,
            "signature_images": True,
            "preview": preview,
            "document": document,
            "original": original,
            "revisions": list(pledge.revisions.order_by("number")) if pledge.is_digital and certificate else [],
            "certificate": certificate,
            "trail": printed_trail(trail),
            "code": code,
            "verify_url": verification_url(pledge) if code else settings.SITE_URL,
            "qr": pdf_engine.qr_data_uri(verification_url(pledge) if code else settings.SITE_URL),
            "short_hash": (pledge.content_hash or "")[:16],
        }
        return render_to_string("pledges/pdf.html", context)


def audit_json(pledge: Pledge) -> str:
    """Return the audit trail attached to the PDF, as JSON (in Vietnamese, as the document: whoever asks)."""
    events = list(pledge.events.select_related("actor").order_by("created_at", "id"))
    with translation.override("vi"):
        trail = audit_trail(pledge, events)
    document = {
        "pledge": pledge.pk,
        "verification_code": pledge.verification_code,
        "content_hash": pledge.content_hash,
        "status": pledge.status,
        "audit_trail": trail,
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def render_pdf(pledge: Pledge, *, preview: bool) -> bytes:
    """Render the PDF/A-3 of *pledge* (the preview is watermarked), with its audit trail attached."""
    return html_to_pdf(render_html(pledge, preview=preview), audit_json(pledge))


def render_frozen_html(pledge: Pledge) -> tuple[str, str]:
    """Return the HTML and attachment of the frozen document alone (no signatures, no certificate)."""
    return render_html(pledge, preview=False, certificate=False, signatures=False), audit_json(pledge)


def render_frozen_pdf(pledge: Pledge) -> bytes:
    """Render the frozen document alone (no signatures, no certificate): what a digital signature signs."""
    return html_to_pdf(*render_frozen_html(pledge))


def field_name(order: int, seal: bool = False) -> str:
    """Return the name of a member's signature field (its head's, or its agency's seal) in the original."""
    return f"{'DauCoQuan' if seal else 'KySo'}-{order:02d}"


def render_original(pledge: Pledge) -> bytes:
    """Render revision 0 of a digitally signed pledge: the frozen document (PDF/A-3, audit trail
    attached) with an empty signature field in each member's block, and one for its agency's seal
    where the province asks for seals."""
    from core import signing

    fields = {}
    for signer in pledge.required_signers.all():
        if not signer.excused_at:
            fields[f"ky-so-{signer.order}"] = field_name(signer.order)
            if pledge.seals_required:
                fields[f"dau-{signer.order}"] = field_name(signer.order, seal=True)
    html = render_html(pledge, preview=False, certificate=False, signatures=False, original=True)
    return signing.html_to_pdf_with_fields(html, audit_json(pledge), fields=fields, **AUDIT_ATTACHMENT)


def render_certificate(pledge: Pledge) -> bytes:
    """Render the completion certificate and audit trail of a digitally signed pledge: a separate
    PDF/A (the application seals it), never appended to the signed original."""
    return html_to_pdf(render_html(pledge, preview=False, document=False), audit_json(pledge))


def original_filename(pledge: Pledge) -> str:
    """Return the download name of the signed original (ký số)."""
    return "BAN-GOC-KY-SO-" + filename(pledge)


def certificate_filename(pledge: Pledge) -> str:
    return "CHUNG-NHAN-HOAN-TAT-" + filename(pledge)


def filename(pledge: Pledge) -> str:
    """Return a download name like Giao-uoc-thi-dua-2022-KHVHXH.pdf (đ becomes d before slugify)."""
    from django.utils.text import slugify

    def ascii_slug(text: str) -> str:
        return slugify(text.replace("đ", "d").replace("Đ", "D"))

    title = "-".join(
        part.capitalize() if i == 0 else part for i, part in enumerate(ascii_slug(pledge.title).split("-"))
    )
    return f"{title}-{ascii_slug(pledge.term.bloc.code).upper()}.pdf"
