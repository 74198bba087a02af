"""The PDF engine every document shares: HTML to PDF/A-3, the seal, signature checks, page images.

Pure helpers: they take and return bytes (or HTML) and know no domain model; each document's
own layout lives with its app (``pledges/pdf.py``, ``reviews/documents.py``).
"""

import base64
import hashlib
import io
from pathlib import Path

import qrcode
from django.conf import settings
from weasyprint import CSS, HTML, Attachment

# The organisation named in the self-signed development seal; the deploy checks refuse it.
DEVELOPMENT_SEAL = "Giao uoc thi dua (development)"

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


def qr_data_uri(text: str) -> str:
    """Return a QR code of *text* as a PNG data URI."""
    image = qrcode.make(text, box_size=4, border=1)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def png_data_uri(field) -> str:
    """Return a stored PNG (a file field) as a data URI for a document template."""
    with field.open("rb") as handle:
        return "data:image/png;base64," + base64.b64encode(handle.read()).decode()


def html_to_pdf(
    html: str,
    attachment: str,
    *,
    name: str,
    description: str,
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


def load_sealer():
    """Return the pyHanko signer of the system's organisation certificate (PKCS#12 from settings)."""
    from pyhanko.sign import signers

    path = Path(settings.SEAL_PKCS12)
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(path), passphrase=settings.SEAL_PASSPHRASE.encode() or None)
    if signer is None:
        raise RuntimeError(f"The seal certificate {path} cannot be loaded.")
    return signer


def seal_pdf(data: bytes, *, reason: str) -> bytes:
    """Seal *data* with an invisible PAdES signature giving *reason*, as an incremental update (PDF/A kept)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    metadata = signers.PdfSignatureMetadata(
        field_name="ConDau",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=settings.SITE_URL,
    )
    out = signers.sign_pdf(writer, metadata, signer=load_sealer())
    return out.getvalue()


def sha256(data: bytes) -> str:
    """Return the hex SHA-256 of *data*: the fingerprint stored beside every document."""
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
    """Return the certificates of SEAL_TRUST_ROOTS (PEM files): the only roots a check trusts."""
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
