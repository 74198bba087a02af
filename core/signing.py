"""Ký số, the engine: signature fields in a rendered document, incremental PAdES signatures into them,
and the checks a signature must pass before it counts for someone.

Pure helpers: bytes and certificates in, bytes and verdicts out; no domain model, no database. Who
may sign which field, turns and storage live in ``pledges.services.digital``.

A document signed in turn is one PDF: revision 0 is the rendered document with an empty signature
field for each signer; every signature is an incremental update (CAdES detached, SHA-256, with the
signing-certificate-v2 attribute) filling one field, so that every earlier signature stays valid.
"""

import asyncio
import datetime
import hashlib
import io
import unicodedata
from dataclasses import dataclass, field

# Refusal codes of ``check_appended`` and ``check_certificate``; the caller words them for people.
NOT_APPENDED = "not_appended"  # the upload does not start with the current revision's exact bytes
NO_SIGNATURE = "no_signature"  # nothing new was signed
SEVERAL = "several"  # more than one signature, or more than one revision, was added
WRONG_FIELD = "wrong_field"  # the new signature is not in the expected field
BROKEN = "broken"  # the signature does not verify or does not cover the whole file
CHANGED = "changed"  # the new revision changes more than the signature field
UNTRUSTED = "untrusted"  # no chain to a root of the trust list
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
REVOKED = "revoked"
REVOCATION_UNKNOWN = "revocation_unknown"  # neither OCSP nor CRL answered
KEY_USAGE = "key_usage"  # neither digital signature nor non-repudiation allowed
UNREADABLE = "unreadable"

# A revision holds one signature: its CMS is small; the room reserved for it is fixed.
SIGNATURE_ROOM = 16 * 1024
# Seconds a revocation or timestamp service may take to answer.
SERVICE_TIMEOUT = 10


def fold(text: str) -> str:
    """Return *text* without diacritics, case or spacing differences: names on certificates often
    drop diacritics (“Tran Van Hung”) or place tone marks differently."""
    text = unicodedata.normalize("NFD", text or "").replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


# Fields ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldBox:
    """A signature field: its name, page (from 0) and rectangle in PDF points (x1, y1, x2, y2)."""

    name: str
    page: int
    box: tuple[int, int, int, int]


def field_boxes(document, names: dict[str, str]) -> list[FieldBox]:
    """Return the fields of a laid-out WeasyPrint *document* whose HTML marks each field's box.

    *names* maps an element id to a field name; the element's border box is the field's (a
    WeasyPrint anchor: CSS pixels from the page's top left; PDF points count from the bottom left).
    """
    boxes = []
    for number, page in enumerate(document.pages):
        height = page.height * 0.75
        for element_id, name in names.items():
            if element_id in page.anchors:
                x1, y1, x2, y2 = page.anchors[element_id]
                box = (round(x1 * 0.75), round(height - y2 * 0.75), round(x2 * 0.75), round(height - y1 * 0.75))
                boxes.append(FieldBox(name=name, page=number, box=box))
    return boxes


def html_to_pdf_with_fields(
    html: str, attachment: str, *, name: str, description: str, fields: dict[str, str], stylesheets=()
) -> bytes:
    """Render *html* as ``core.pdf.html_to_pdf`` does, then add an empty signature field over each
    element named in *fields* ({element id: field name})."""
    from core import pdf

    document = pdf.layout(html, stylesheets)
    data = pdf.write(document, attachment, name=name, description=description)
    return add_fields(data, field_boxes(document, fields))


def add_fields(data: bytes, boxes: list[FieldBox]) -> bytes:
    """Return *data* with an empty signature field for each box, in one incremental update."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    for box in boxes:
        fields.append_signature_field(
            writer, fields.SigFieldSpec(sig_field_name=box.name, on_page=box.page, box=box.box)
        )
    # SignaturesExist | AppendOnly from the start, as every signature sets them: a signature's
    # revision then changes nothing of the form but its own field (the difference analysis checks).
    form = writer.root["/AcroForm"]
    form[generic.NameObject("/SigFlags")] = generic.NumberObject(3)
    writer.update_container(form)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def field_names(data: bytes) -> dict[str, bool]:
    """Return {field name: filled} for every signature field of *data*."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    return {name: value is not None for name, value, _ in fields.enumerate_sig_fields(reader)}


# Appearance -----------------------------------------------------------------------

BLUE = (26, 63, 168)  # the signature image (Đồng Tháp QĐ 144/2025, Art. 13)
RED = (200, 16, 46)  # the seal image


@dataclass(frozen=True)
class Appearance:
    """What a signature shows in its field: an image in one ink above lines of text."""

    lines: tuple[str, ...]
    image_png: bytes | None = None
    ink: tuple[int, int, int] = BLUE
    font_size: int = 7
    # An agency's seal: without a seal image, a round red stamp with the lines inside.
    seal: bool = False


def inked(png: bytes, ink: tuple[int, int, int]):
    """Return *png* as an RGBA PIL image drawn in *ink*: dark pixels opaque, the paper transparent."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(png)) as source:
        source.load()
        rgba = source.convert("RGBA")
    grey = ImageOps.grayscale(rgba.convert("RGB"))
    alpha = Image.eval(grey, lambda value: 255 - value)  # dark ink shows, white paper does not
    alpha = Image.composite(alpha, Image.new("L", rgba.size, 0), rgba.getchannel("A"))
    image = Image.new("RGBA", rgba.size, (*ink, 0))
    image.putalpha(alpha)
    return image


def appearance_pdf(appearance: Appearance, width: float, height: float) -> bytes:
    """Return *appearance* as a one-page PDF of *width* × *height* points, laid out by WeasyPrint:
    the text in the embedded Liberation Serif with every diacritic, wrapped to the field."""
    import base64
    import html

    from weasyprint import CSS, HTML

    from core.pdf import font_faces

    image = ""
    if appearance.image_png:
        out = io.BytesIO()
        inked(appearance.image_png, appearance.ink).save(out, format="PNG")
        image = f'<img src="data:image/png;base64,{base64.b64encode(out.getvalue()).decode()}" alt="">'
    lines = "".join(f"<p>{html.escape(line)}</p>" for line in appearance.lines)
    if appearance.seal and not image:
        red = "rgb({}, {}, {})".format(*appearance.ink)
        side = min(width, height) - 2
        css = (
            f"@page {{ size: {width}pt {height}pt; margin: 0 }}"
            f"html, body {{ margin: 0; }} div.seal {{ width: {side}pt; height: {side}pt; border: 1.4pt solid {red};"
            " border-radius: 50%; box-sizing: border-box; display: flex; flex-direction: column;"
            " justify-content: center; align-items: center; text-align: center; margin: 1pt auto;"
            f" font-family: 'Liberation Serif'; font-weight: 700; font-size: {appearance.font_size}pt;"
            f" line-height: 1.1; color: {red}; padding: 3pt; }} p {{ margin: 0; }}"
        )
        document = f'<html lang="vi"><body><div class="seal">{lines}</div></body></html>'
        return HTML(string=document).write_pdf(stylesheets=[CSS(string=css + font_faces())])
    css = (
        f"@page {{ size: {width}pt {height}pt; margin: 0 }}"
        "html, body { margin: 0; height: 100%; }"
        "body { display: flex; flex-direction: column; font-family: 'Liberation Serif';"
        f" font-size: {appearance.font_size}pt; line-height: 1.15; color: #111; }}"
        "div.image { flex: 1 1 auto; min-height: 0; text-align: center; }"
        "img { max-width: 100%; max-height: 100%; height: 100%; object-fit: contain; }"
        "p { margin: 0 2pt; }"
    )
    document = f'<html lang="vi"><body><div class="image">{image}</div>{lines}</body></html>'
    return HTML(string=document).write_pdf(stylesheets=[CSS(string=css + font_faces())])


def _field_size(data: bytes, field_name: str) -> tuple[float, float]:
    """Return the width and height of the empty signature field *field_name* of *data*."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    for name, _, reference in fields.enumerate_sig_fields(reader):
        if name == field_name:
            widget = reference.get_object()
            if "/Rect" not in widget and "/Kids" in widget:
                widget = widget["/Kids"][0].get_object()
            x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
            return abs(x2 - x1), abs(y2 - y1)
    raise KeyError(field_name)


# Signing --------------------------------------------------------------------------


async def async_sign_field(
    data: bytes,
    *,
    field_name: str,
    signer,
    appearance: Appearance | None,
    reason: str,
    location: str = "",
    timestamper=None,
) -> bytes:
    """Return *data* with *signer*'s signature in its empty field *field_name*, as one incremental
    PAdES revision. *signer* is any pyHanko signer: a PKCS#12, or a remote CSC credential."""
    import tempfile

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:  # pyHanko reads the appearance lazily
        stamp_style = None
        if appearance:
            handle.write(appearance_pdf(appearance, *_field_size(data, field_name)))
            handle.flush()
            stamp_style = StaticStampStyle.from_pdf_file(handle.name, border_width=0)
        metadata = signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason,
            location=location,
        )
        pdf_signer = signers.PdfSigner(metadata, signer=signer, timestamper=timestamper, stamp_style=stamp_style)
        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        out = await pdf_signer.async_sign_pdf(writer, bytes_reserved=SIGNATURE_ROOM)
        return out.getvalue()


def sign_field(data: bytes, **kwargs) -> bytes:
    """``async_sign_field`` for callers without an event loop."""
    return asyncio.run(async_sign_field(data, **kwargs))


# Checks ---------------------------------------------------------------------------


@dataclass
class CertificateVerdict:
    """What a signing certificate is, and the first rule it fails (``problem``; "" when none)."""

    problem: str = ""
    detail: str = ""
    subject: str = ""
    common_name: str = ""
    organisation: str = ""
    issuer: str = ""
    serial: str = ""
    fingerprint: str = ""  # SHA-256 of the certificate
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None
    root: str = ""  # the trust list's root the chain ends in
    revocation: str = ""  # "ocsp" or "crl": what said it was not revoked
    certificate: object = field(default=None, repr=False)


def describe(cert) -> CertificateVerdict:
    """Return a verdict with *cert*'s names and dates, not yet checked."""
    names = cert.subject.native
    organisation = names.get("organization_name") or ""
    if isinstance(organisation, list):
        organisation = ", ".join(organisation)
    return CertificateVerdict(
        subject=unicodedata.normalize("NFC", cert.subject.human_friendly)[:500],
        common_name=unicodedata.normalize("NFC", str(names.get("common_name") or ""))[:255],
        organisation=unicodedata.normalize("NFC", str(organisation))[:255],
        issuer=unicodedata.normalize("NFC", cert.issuer.human_friendly)[:500],
        serial=format(cert.serial_number, "x")[:64],
        fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
        valid_from=cert.not_valid_before,
        valid_until=cert.not_valid_after,
        certificate=cert,
    )


async def async_check_certificate(cert, *, roots: list, other_certs: list = (), at=None) -> CertificateVerdict:
    """Check *cert* as a signing certificate at *at* (now by default): it chains to one of *roots*,
    is valid then, is not revoked (OCSP or CRL fetched now, from the addresses the chain names: a
    revocation service that does not answer is a refusal), and allows digital signature or
    non-repudiation. Return its verdict; ``problem`` names the first rule it fails."""
    from pyhanko_certvalidator import CertificateValidator, ValidationContext, errors

    verdict = describe(cert)
    usage = cert.key_usage_value.native if cert.key_usage_value is not None else set()
    if not roots:
        verdict.problem = UNTRUSTED
        return verdict
    at = at or datetime.datetime.now(datetime.UTC)
    if cert.not_valid_after < at:
        verdict.problem = EXPIRED
        return verdict
    if cert.not_valid_before > at:
        verdict.problem = NOT_YET_VALID
        return verdict
    if not ({"digital_signature", "non_repudiation"} & set(usage)):
        verdict.problem = KEY_USAGE
        return verdict
    import aiohttp
    from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=SERVICE_TIMEOUT)) as session:
            context = ValidationContext(
                trust_roots=list(roots),
                other_certs=list(other_certs),
                allow_fetching=True,
                revocation_mode="hard-fail",
                moment=at,
                retroactive_revinfo=True,
                fetcher_backend=AIOHttpFetcherBackend(session, per_request_timeout=SERVICE_TIMEOUT),
            )
            validator = CertificateValidator(cert, validation_context=context)
            path = await asyncio.wait_for(validator.async_validate_usage(set()), timeout=SERVICE_TIMEOUT * 3)
    except errors.RevokedError as error:
        verdict.problem, verdict.detail = REVOKED, str(error)[:300]
    except errors.ExpiredError as error:
        verdict.problem, verdict.detail = EXPIRED, str(error)[:300]
    except errors.NotYetValidError as error:
        verdict.problem, verdict.detail = NOT_YET_VALID, str(error)[:300]
    except (errors.PathBuildingError, errors.InvalidCertificateError) as error:
        verdict.problem, verdict.detail = UNTRUSTED, str(error)[:300]
    except errors.InsufficientRevinfoError as error:
        verdict.problem, verdict.detail = REVOCATION_UNKNOWN, str(error)[:300]
    except (errors.PathValidationError, errors.ValidationError) as error:
        verdict.problem, verdict.detail = UNTRUSTED, str(error)[:300]
    except (TimeoutError, OSError, aiohttp.ClientError) as error:
        verdict.problem, verdict.detail = REVOCATION_UNKNOWN, str(error)[:300] or "timed out"
    else:
        verdict.root = unicodedata.normalize("NFC", path.trust_anchor.authority.name.human_friendly)[:255]
        verdict.revocation = "ocsp" if context.ocsps else "crl"
    return verdict


def check_certificate(cert, **kwargs) -> CertificateVerdict:
    """``async_check_certificate`` for callers without an event loop."""
    return asyncio.run(async_check_certificate(cert, **kwargs))


@dataclass
class AppendedSignature:
    """The one signature a new revision adds: its field, its certificate and what it brought along."""

    problem: str = ""
    detail: str = ""
    field_name: str = ""
    certificate: object = None
    other_certs: list = field(default_factory=list)


def check_appended(base: bytes, data: bytes, *, max_signatures: int = 64) -> AppendedSignature:
    """Check that *data* is *base*'s exact bytes plus one revision that adds one signature, intact and
    covering the whole file, and changes nothing else (pyHanko's difference analysis: at most the
    signature field filled and its appearance)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from core.pdf import changes_beyond_signatures

    if len(data) <= len(base) or not data.startswith(base):
        return AppendedSignature(problem=NOT_APPENDED)
    try:
        base_count = PdfFileReader(io.BytesIO(base), strict=False).xrefs.total_revisions
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.xrefs.total_revisions != base_count + 1:
            return AppendedSignature(problem=SEVERAL if reader.xrefs.total_revisions > base_count else NO_SIGNATURE)
        embedded = list(reader.embedded_signatures)
    except Exception as error:  # a crafted or damaged file
        return AppendedSignature(problem=UNREADABLE, detail=str(error)[:200])
    if len(embedded) > max_signatures:
        return AppendedSignature(problem=SEVERAL)
    added = [s for s in embedded if s.signed_revision == base_count]
    if not added:
        return AppendedSignature(problem=NO_SIGNATURE)
    if len(added) > 1:
        return AppendedSignature(problem=SEVERAL)
    signature = added[0]
    found = AppendedSignature(field_name=str(signature.field_name or ""))
    try:
        found.certificate = signature.signer_cert
        found.other_certs = [c for c in signature.other_embedded_certs]
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=[], allow_fetching=False))
    except Exception as error:
        found.problem, found.detail = BROKEN, str(error)[:200]
        return found
    if not (status.intact and status.valid) or status.coverage is None or status.coverage.name != "ENTIRE_FILE":
        found.problem = BROKEN
        return found
    changes = changes_beyond_signatures(data, len(base))
    if changes:
        found.problem, found.detail = CHANGED, changes
    return found


def name_matches(certificate_name: str, name: str) -> bool:
    """Whether a certificate's name is *name*: diacritics-, case- and tone-placement-insensitive."""
    return bool(fold(certificate_name)) and fold(certificate_name) == fold(name)


def organisation_matches(certificate_organisation: str, names: list[str]) -> bool:
    """Whether a certificate's organisation is one of *names* (the unit's names over time): either
    contains the other, folded (“Sở Y tế tỉnh Ninh Bình” names “Sở Y tế”)."""
    organisation = fold(certificate_organisation)
    return any(fold(n) and (fold(n) in organisation or organisation in fold(n)) for n in names if n)


def load_pem_certificates(data: bytes) -> list:
    """Return the certificates in PEM *data* (or one DER certificate); raise ValueError if none or damaged."""
    from asn1crypto import pem, x509

    try:
        if pem.detect(data):
            certs = [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
        else:
            certs = [x509.Certificate.load(data)]
        for cert in certs:
            _ = cert.native  # parse now: a damaged certificate fails here, not later
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError(f"not a certificate: {error}") from error
    if not certs:
        raise ValueError("no certificate")
    return certs


# Timestamps and long-term validation ---------------------------------------------------


def timestamper(url: str):
    """Return pyHanko's RFC 3161 client of the time-stamping authority at *url*."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=SERVICE_TIMEOUT)


async def async_probe_timestamps(url: str) -> None:
    """Ask the time-stamping authority at *url* for one token; raise TimestampUnavailable if it does not
    answer. Signing waits for this before anything is signed: never a signature without its timestamp."""
    import os

    try:
        await timestamper(url).async_timestamp(hashlib.sha256(os.urandom(16)).digest(), "sha256")
    except Exception as error:  # any failure of the service is the same answer: not now
        raise TimestampUnavailable(str(error)[:200] or "no answer") from error


class TimestampUnavailable(Exception):
    """The time-stamping authority did not answer: the signature waits and is tried again."""


def _signature_token(embedded):
    """Return the signature timestamp token (RFC 3161) of an embedded signature, or None."""
    from pyhanko.sign.general import find_unique_cms_attribute

    try:
        return find_unique_cms_attribute(embedded.signer_info["unsigned_attrs"], "signature_time_stamp_token")
    except (KeyError, ValueError):
        return None


def signature_timestamp_time(data: bytes, field_name: str) -> datetime.datetime | None:
    """Return the time the signature timestamp of *field_name* proves, or None if it carries none."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    for embedded in reader.embedded_signatures:
        if str(embedded.field_name or "") == field_name:
            token = _signature_token(embedded)
            if token is None:
                return None
            return token["content"]["encap_content_info"]["content"].parsed["gen_time"].native
    return None


def _validation_context(roots: list, session, *, moment=None, fetch: bool = True):
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

    return ValidationContext(
        trust_roots=list(roots),
        allow_fetching=fetch,
        revocation_mode="hard-fail",
        moment=moment,
        fetcher_backend=AIOHttpFetcherBackend(session, per_request_timeout=SERVICE_TIMEOUT) if fetch else None,
    )


async def async_make_long_term(data: bytes, *, roots: list, tsa_url: str) -> tuple[bytes, bytes]:
    """Return (*data* with the validation data of every signature in its document security store,
    then that with a document timestamp): PAdES B-LTA, two incremental revisions.

    The chains of every signing certificate and of the timestamps, with their OCSP responses or
    CRLs fetched now, go into the DSS with a VRI entry per signature; the document timestamp then
    covers them all, so that validation needs no network from then on.
    """
    import aiohttp
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.validation.dss import DocumentSecurityStore, collect_validation_info

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=SERVICE_TIMEOUT * 3)) as session:
        context = _validation_context(roots, session)
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        for embedded in reader.embedded_signatures:
            paths = await collect_validation_info(embedded, context)
            DocumentSecurityStore.supply_dss_in_writer(
                writer, embedded.pkcs7_content.hex().encode("ascii"), validation_context=context, paths=paths
            )
        out = io.BytesIO()
        writer.write(out)
        with_dss = out.getvalue()
        stamper = signers.PdfTimeStamper(timestamper(tsa_url))
        stamped = await stamper.async_timestamp_pdf(
            IncrementalPdfFileWriter(io.BytesIO(with_dss)), "sha256", validation_context=context
        )
        return with_dss, stamped.getvalue()


async def async_renew_archive_timestamp(data: bytes, *, roots: list, tsa_url: str) -> bytes:
    """Return *data* with the validation data of its last document timestamp stored and a new document
    timestamp over it (PAdES B-LTA renewal), before the last one's certificate expires."""
    import aiohttp
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=SERVICE_TIMEOUT * 3)) as session:
        context = _validation_context(roots, session)
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        stamper = signers.PdfTimeStamper(timestamper(tsa_url))
        out = await stamper.async_update_archival_timestamp_chain(reader, context, in_place=False)
        return out.getvalue()


def last_timestamp_expiry(data: bytes) -> datetime.datetime | None:
    """Return when the certificate of the newest document timestamp of *data* expires (None if none)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    stamps = [s for s in reader.embedded_signatures if s.sig_object_type == "/DocTimeStamp"]
    if not stamps:
        return None
    return stamps[-1].signer_cert.not_valid_after


def levels(data: bytes) -> dict[str, str]:
    """Return {field name: PAdES level} for each signature of *data*: B-B (signed), B-T (with a
    signature timestamp), B-LT (its validation data in the document security store), B-LTA (and a
    document timestamp after it). Read from the file's structure; the validation is ``core.pdf``'s."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    embedded = list(reader.embedded_signatures)
    dss = reader.root.get("/DSS")
    vri = dss.get_object().get("/VRI") if dss is not None else None
    vri_keys = set(vri.get_object().keys()) if vri is not None else set()
    stamps = [s for s in embedded if s.sig_object_type == "/DocTimeStamp"]
    result = {}
    for signature in embedded:
        if signature.sig_object_type == "/DocTimeStamp":
            continue
        level = "B-T" if _signature_token(signature) is not None else "B-B"
        # pyHanko names a VRI entry by the SHA-1 of the signature's contents as hex (PAdES: as DER): either.
        contents = signature.pkcs7_content
        keys = {"/" + hashlib.sha1(c).hexdigest().upper() for c in (contents, contents.hex().encode("ascii"))}
        if level == "B-T" and keys & vri_keys:
            level = "B-LT"
            if any(stamp.signed_revision > signature.signed_revision for stamp in stamps):
                level = "B-LTA"
        result[str(signature.field_name or "")] = level
    return result
