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


PDF_VARIANT = "pdf/a-3b"
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


def layout(html: str, stylesheets: tuple[str, ...] = ()):
    """Return *html* laid out by WeasyPrint with the official layout (``document.css``, ``pdf.css``),
    the embedded fonts and *stylesheets* (further files in ``static/css``), loaded after them."""
    sheets = [CSS(filename=str(STATIC / sheet)) for sheet in ("document.css", "pdf.css", *stylesheets)]
    sheets.append(CSS(string=font_faces()))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).render(stylesheets=sheets, pdf_variant=PDF_VARIANT)


def write(document, attachment: str, *, name: str, description: str) -> bytes:
    """Write a laid-out *document* as PDF/A-3 with *attachment* embedded as the JSON file *name*."""
    return document.write_pdf(
        pdf_variant=PDF_VARIANT,
        attachments=[Attachment(string=attachment, name=name, description=description, relationship="Data")],
    )


def html_to_pdf(
    html: str,
    attachment: str,
    *,
    name: str,
    description: str,
    stylesheets: tuple[str, ...] = (),
) -> bytes:
    """Render *html* as PDF/A-3 with *attachment* embedded as the JSON file *name*. Pure: no database."""
    return write(layout(html, stylesheets), attachment, name=name, description=description)


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
    timestamper = None
    if settings.TSA_URL:  # a trusted time on the seal too; a TSA that does not answer fails the task (retried)
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(settings.TSA_URL, timeout=10)
    out = signers.sign_pdf(writer, metadata, signer=load_sealer(), timestamper=timestamper)
    return out.getvalue()


def sha256(data: bytes) -> str:
    """Return the hex SHA-256 of *data*: the fingerprint stored beside every document."""
    return hashlib.sha256(data).hexdigest()


# How a signature's certificate stands against the configured trust roots: three different answers.
TRUSTED, UNTRUSTED, NO_ROOTS = "trusted", "untrusted", "no_roots"
# Signatures inspected in one file: a pledge's PDF carries one seal; a crafted file may carry thousands.
MAX_SIGNATURES = 20
# Revision ends looked at in one file: the registered PDF's own few come first; a crafted file may carry millions.
MAX_REVISION_ENDS = 1000


def _signature_verdict(embedded, context, roots_configured: bool) -> dict:
    """Return what one embedded signature proves, with pyHanko's validation (and its difference analysis).

    A document timestamp (PAdES B-LTA's archive timestamp) is validated as one: its "signer" is the
    time-stamping authority.
    """
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp

    _, _, start, length = (list(embedded.byte_range) + [0, 0, 0, 0])[:4]
    verdict = {
        "field": str(embedded.field_name or ""),
        "revision_end": int(start) + int(length),
        "intact": False,
        "coverage": "unclear",
        "whole_file": False,
        "changes_after": "unknown",
        "trust": NO_ROOTS if not roots_configured else UNTRUSTED,
        "signer": "",
        "common_name": "",
        "issuer": "",
        "valid_from": None,
        "valid_until": None,
        "error": "",
    }
    try:
        cert = embedded.signer_cert
        verdict |= {
            "signer": cert.subject.human_friendly,
            "common_name": str(cert.subject.native.get("common_name") or ""),
            "issuer": cert.issuer.human_friendly,
            "valid_from": cert.not_valid_before,
            "valid_until": cert.not_valid_after,
        }
        if embedded.sig_object_type == "/DocTimeStamp":
            status = validate_pdf_timestamp(embedded, context)
        else:
            status = validate_pdf_signature(embedded, context)
    except Exception as error:  # a damaged or crafted signature: reported, never raised
        verdict["error"] = str(error)[:200]
        return verdict
    level = status.modification_level
    verdict |= {
        "intact": bool(status.intact and status.valid),
        "coverage": status.coverage.name.lower() if status.coverage is not None else "unclear",
        "whole_file": status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
        # What later revisions did: nothing, added signatures or filled forms only, or anything else.
        "changes_after": "none" if level is None or level.name == "NONE" else level.name.lower(),
    }
    if roots_configured:
        verdict["trust"] = TRUSTED if status.trusted else UNTRUSTED
    return verdict


def inspect_pdf(data: bytes, extra_roots: list = ()) -> dict:
    """Return every signature of *data*, oldest first, each with its own verdict.

    A verdict says whose certificate signed (``signer``, ``common_name``, ``issuer``, validity),
    whether the signature is ``intact``, what it covers (``coverage``: ``entire_file`` only for the
    last revision; ``entire_revision`` for an earlier one), what the revisions after it changed
    (``changes_after``: ``none``, ``lta_updates``, ``form_filling`` — only signatures added —, or
    ``annotations``/``other``), where its revision ends (``revision_end``, a byte offset) and its
    trust: ``trusted`` (chains to a configured root), ``untrusted`` (roots are configured and it does
    not chain to one) or ``no_roots`` (none configured: not checked). Never the operating system's
    roots. *extra_roots* adds a province's trust list to the configured roots. At most
    ``MAX_SIGNATURES`` are inspected (``more_signatures`` tells).
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko_certvalidator import ValidationContext

    report = {"readable": False, "signatures": [], "more_signatures": False, "roots_configured": False}
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # an unreadable upload is simply not a signed document
        return report
    roots = trust_roots() + list(extra_roots)
    report |= {"readable": True, "roots_configured": bool(roots), "more_signatures": len(embedded) > MAX_SIGNATURES}
    for signature in embedded[:MAX_SIGNATURES]:
        # A fresh context for each: what one path validation caches must not decide the next.
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        report["signatures"].append(_signature_verdict(signature, context, bool(roots)))
    report["signatures"].sort(key=lambda verdict: verdict["revision_end"])
    return report


def inspect_signature(data: bytes) -> dict:
    """Return what the last signature of *data* proves: present, intact, covering the whole
    file, trusted (only when trust roots are configured), and its certificate's details."""
    report = inspect_pdf(data)
    last = report["signatures"][-1] if report["signatures"] else None
    return {
        "sealed": last is not None,
        "intact": bool(last and last["intact"]),
        "whole_file": bool(last and last["whole_file"]),
        "trusted": bool(last and last["trust"] == TRUSTED),
        "roots_configured": report["roots_configured"],
        "signer": last["signer"] if last else "",
        "issuer": last["issuer"] if last else "",
        "valid_from": last["valid_from"] if last else None,
        "valid_until": last["valid_until"] if last else None,
    }


def validate_seal(data: bytes) -> dict:
    """Return whether *data*'s seal is present, intact, covers the whole file, and is trusted."""
    return inspect_signature(data)


def revision_ends(data: bytes) -> dict[str, int]:
    """Return {SHA-256 of the bytes up to a revision's end: that end} for each ``%%EOF`` in *data*.

    An incremental update appends a revision after the previous one's ``%%EOF``: the registered
    PDF, followed by anything, has the registered PDF's SHA-256 among these (at the marker, or
    after its line end). Hashed in one pass; at most ``MAX_REVISION_ENDS`` markers are looked at.
    """
    import re

    digest, position, ends = hashlib.sha256(), 0, {}
    for number, match in enumerate(re.finditer(rb"%%EOF(\r\n|\r|\n)?", data)):
        if number >= MAX_REVISION_ENDS:
            break
        for end in sorted({match.start() + 5, match.end()}):
            digest.update(data[position:end])
            position = end
            ends[digest.hexdigest()] = end
    return ends


class _BaseWithEmptyForm:
    """A revision without a form (the frozen PDF has none), read as having an empty one.

    pyHanko's difference analysis compares a signed revision's form with a later one's and needs a
    form in the older; a signature added to a PDF without one creates it. Everything but the
    catalogue is the revision's own; the empty form carries the new form's ``/SigFlags`` only.
    """

    def __init__(self, base, new_root):
        from pyhanko.pdf_utils import generic

        self._base = base
        root = generic.DictionaryObject(base.root)
        form = generic.DictionaryObject({generic.NameObject("/Fields"): generic.ArrayObject()})
        new_form = new_root.get("/AcroForm")
        new_form = new_form.get_object() if new_form is not None else None
        if isinstance(new_form, generic.DictionaryObject) and "/SigFlags" in new_form:
            form[generic.NameObject("/SigFlags")] = new_form["/SigFlags"]
        root[generic.NameObject("/AcroForm")] = form
        self.root = root

    def __getattr__(self, name):
        return getattr(self._base, name)


def changes_beyond_signatures(data: bytes, base_length: int) -> str:
    """Return "" if what *data* adds after its first *base_length* bytes only adds signatures, else what.

    pyHanko's difference analysis of every revision after the base: the modification level must be
    at most form filling (a signature field created and signed, its appearance); a changed page,
    an annotation or anything else is named in the answer.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel, SuspiciousModification

    try:
        base_revision = PdfFileReader(io.BytesIO(data[:base_length]), strict=False).xrefs.total_revisions - 1
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.xrefs.total_revisions <= base_revision + 1:
            return "no revision after the base"
        base = reader.get_historical_resolver(base_revision)
        if "/AcroForm" not in base.root:
            base = _BaseWithEmptyForm(base, reader.root)
        result = DEFAULT_DIFF_POLICY.review_file(reader, base)
    except Exception as error:  # unreadable revisions are not "only a signature"
        return f"unreadable: {str(error)[:200]}"
    if isinstance(result, SuspiciousModification):
        return str(result)[:200] or "suspicious modification"
    if result.modification_level > ModificationLevel.FORM_FILLING:
        return result.modification_level.name.lower()
    return ""


def trust_roots() -> list:
    """Return the certificates of SEAL_TRUST_ROOTS (PEM files): the only roots a check trusts."""
    from asn1crypto import pem, x509

    roots = []
    for path in settings.SEAL_TRUST_ROOTS:
        data = Path(path).read_bytes() if Path(path).is_file() else b""
        for _, _, der in pem.unarmor(data, multiple=True):
            roots.append(x509.Certificate.load(der))
    return roots


def pdf_to_pngs(
    data: bytes,
    *,
    resolution: int = 70,
    timeout: float = 120,
    last_page: int | None = None,
    scale_to: int | None = None,
    image_format: str = "png",
) -> list[bytes]:
    """Return the pages of *data* as PNGs (poppler's pdftoppm): phones do not show PDFs inline.

    *timeout* kills pdftoppm after that many seconds (``subprocess.TimeoutExpired``); *last_page*
    renders only the pages up to it; *scale_to* fits each page in a square of that many pixels,
    whatever size the file declares (an upload's page may claim to be metres wide); *image_format*
    "jpeg" gives JPEGs instead (for scans). Poppler runs no script a file carries.
    """
    import subprocess
    import tempfile

    size = ["-scale-to", str(scale_to)] if scale_to else ["-r", str(resolution)]
    pages = ["-l", str(last_page)] if last_page else []
    kind = ["-jpeg", "-jpegopt", "quality=85"] if image_format == "jpeg" else ["-png"]
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(data)
        subprocess.run(
            ["pdftoppm", *size, *pages, *kind, str(source), str(Path(folder) / "page")],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        found = sorted(Path(folder).glob("page-*.*"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        return [page.read_bytes() for page in found]
