"""The pledge as a PDF: rendering (WeasyPrint), the audit attachment, the seal (pyHanko).

Pure helpers: they read the pledge and return bytes; storing and state live in
``pledges.services``.
"""

import base64
import hashlib
import io
import ipaddress
import json
from pathlib import Path

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from weasyprint import CSS, HTML, Attachment

from pledges.models import Pledge, PledgeEvent

FONT_FACES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}


STATIC = Path(__file__).resolve().parent.parent / "static" / "css"


def font_faces() -> str:
    """Return @font-face rules that load Liberation Serif by file: no silent fallback font."""
    return "\n".join(
        f'@font-face {{ font-family: "Liberation Serif"; font-weight: {weight}; font-style: {style};'
        f' src: url("{(settings.FONT_DIR / name).as_uri()}"); }}'
        for (weight, style), name in FONT_FACES.items()
    )


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
    return settings.SITE_URL + reverse("verify:code", args=[pledge.verification_code])


def qr_data_uri(text: str) -> str:
    image = qrcode.make(text, box_size=4, border=1)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _png_data_uri(field) -> str:
    with field.open("rb") as handle:
        return "data:image/png;base64," + base64.b64encode(handle.read()).decode()


def audit_trail(pledge: Pledge, events: list[PledgeEvent]) -> list[dict]:
    """Return the audit trail as printed and attached: local times, masked addresses, browser families."""
    trail = []
    for event in events:
        local = timezone.localtime(event.created_at)
        trail.append(
            {
                "time": local.isoformat(),
                "time_text": f"{local:%H:%M:%S} ngày {local:%d/%m/%Y} (Asia/Ho_Chi_Minh)",
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


def render_html(pledge: Pledge, *, preview: bool, certificate: bool = True, signatures: bool = True) -> str:
    """Return the HTML of the PDF: the document template of the preview, the certificate, the footer.

    *preview* adds the "BẢN DỰ THẢO" watermark; *certificate* the completion certificate page;
    without *signatures* the grid shows the frozen document as every signer received it.
    """
    by_unit = {s.unit_id: s for s in pledge.signatures.all()} if signatures else {}
    for signature in by_unit.values():
        signature.image_src = _png_data_uri(signature.image) if signature.image else ""
        signature.seal_src = _png_data_uri(signature.seal_image) if signature.seal_image else ""
    rows = [{"signer": signer, "signature": by_unit.get(signer.unit_id)} for signer in pledge.required_signers.all()]
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
            "certificate": certificate,
            "trail": trail,
            "code": code,
            "verify_url": verification_url(pledge) if code else settings.SITE_URL,
            "qr": qr_data_uri(verification_url(pledge) if code else settings.SITE_URL),
            "short_hash": (pledge.content_hash or "")[:16],
        }
        return render_to_string("pledges/pdf.html", context)


def audit_json(pledge: Pledge) -> str:
    """Return the audit trail attached to the PDF, as JSON."""
    events = list(pledge.events.select_related("actor").order_by("created_at", "id"))
    document = {
        "pledge": pledge.pk,
        "verification_code": pledge.verification_code,
        "content_hash": pledge.content_hash,
        "status": pledge.status,
        "audit_trail": audit_trail(pledge, events),
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def html_to_pdf(
    html: str,
    attachment: str,
    *,
    name: str = "nhat-ky-ky-ket.json",
    description: str = "Nhật ký ký kết (audit trail)",
    stylesheets: tuple[str, ...] = (),
) -> bytes:
    """Render *html* as PDF/A-3 with *attachment* embedded as the JSON file *name*. Pure: no database.

    Every document gets the official layout (``document.css``, ``pdf.css``) and the embedded
    fonts; *stylesheets* names further files in ``static/css``, loaded after them.
    """
    sheets = [CSS(filename=str(STATIC / sheet)) for sheet in ("document.css", "pdf.css", *stylesheets)]
    sheets.append(CSS(string=font_faces()))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=sheets,
        pdf_variant="pdf/a-3b",
        attachments=[Attachment(string=attachment, name=name, description=description, relationship="Data")],
    )


def render_pdf(pledge: Pledge, *, preview: bool) -> bytes:
    """Render the PDF/A-3 of *pledge* (the preview is watermarked), with its audit trail attached."""
    return html_to_pdf(render_html(pledge, preview=preview), audit_json(pledge))


def render_frozen_pdf(pledge: Pledge) -> bytes:
    """Render the frozen document alone (no signatures, no certificate): what a digital signature signs."""
    return html_to_pdf(render_html(pledge, preview=False, certificate=False, signatures=False), audit_json(pledge))


def filename(pledge: Pledge) -> str:
    """Return a download name like Giao-uoc-thi-dua-2022-KHVHXH.pdf (đ becomes d before slugify)."""
    from django.utils.text import slugify

    def ascii_slug(text: str) -> str:
        return slugify(text.replace("đ", "d").replace("Đ", "D"))

    title = "-".join(
        part.capitalize() if i == 0 else part for i, part in enumerate(ascii_slug(pledge.title).split("-"))
    )
    return f"{title}-{ascii_slug(pledge.term.bloc.code).upper()}.pdf"


def load_sealer():
    """Return the pyHanko signer of the system's organisation certificate (PKCS#12 from settings)."""
    from pyhanko.sign import signers

    path = Path(settings.SEAL_PKCS12)
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(path), passphrase=settings.SEAL_PASSPHRASE.encode() or None)
    if signer is None:
        raise RuntimeError(f"The seal certificate {path} cannot be loaded.")
    return signer


def seal_pdf(data: bytes) -> bytes:
    """Seal *data* with an invisible PAdES signature, as an incremental update (PDF/A kept)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    metadata = signers.PdfSignatureMetadata(
        field_name="ConDau",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Chứng thực giao ước thi đua đã ký",
        location=settings.SITE_URL,
    )
    out = signers.sign_pdf(writer, metadata, signer=load_sealer())
    return out.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inspect_signature(data: bytes) -> dict:
    """Return what the last signature of *data* proves: present, intact, covering the whole
    file, trusted (only when trust roots are configured), and its certificate's details."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    result = {
        "sealed": False,
        "intact": False,
        "whole_file": False,
        "trusted": False,
        "roots_configured": False,
        "signer": "",
        "issuer": "",
        "valid_from": None,
        "valid_until": None,
    }
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # an unreadable upload is simply not a signed document
        return result
    if not signatures:
        return result
    result["sealed"] = True
    roots = trust_roots()
    result["roots_configured"] = bool(roots)
    # Never the operating system's roots: trust is only what the province configured.
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = validate_pdf_signature(signatures[-1], context)
    except Exception:
        return result
    result["intact"] = bool(status.intact and status.valid)
    result["whole_file"] = status.coverage.name == "ENTIRE_FILE"
    result["trusted"] = bool(status.trusted) and bool(roots)
    cert = status.signing_cert
    if cert is not None:
        result["signer"] = cert.subject.human_friendly
        result["issuer"] = cert.issuer.human_friendly
        result["valid_from"] = cert.not_valid_before
        result["valid_until"] = cert.not_valid_after
    return result


def validate_seal(data: bytes) -> dict:
    """Return whether *data*'s seal is present, intact, covers the whole file, and is trusted."""
    return inspect_signature(data)


def trust_roots() -> list:
    from asn1crypto import pem, x509

    roots = []
    for path in settings.SEAL_TRUST_ROOTS:
        data = Path(path).read_bytes() if Path(path).is_file() else b""
        for _, _, der in pem.unarmor(data, multiple=True):
            roots.append(x509.Certificate.load(der))
    return roots


def pdf_to_pngs(data: bytes, *, resolution: int = 70) -> list[bytes]:
    """Return every page of *data* as a PNG (poppler's pdftoppm): phones do not show PDFs inline."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-r", str(resolution), "-png", str(source), str(Path(folder) / "page")],
            check=True,
            capture_output=True,
            timeout=120,
        )
        pages = sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        return [page.read_bytes() for page in pages]
