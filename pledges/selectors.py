"""Reads that several pages and commands share; no writes here (they live in ``pledges.services``)."""

from collections import Counter

from django.db.models import QuerySet

from core import pdf as pdf_engine
from pledges.models import Pledge, RequiredSigner, Signature


def _levels(data: bytes) -> dict[str, str]:
    """{field: PAdES level} of the signatures of *data*; nothing for a file pyHanko cannot read."""
    from core import signing

    try:
        return signing.levels(data)
    except Exception:  # a crafted or damaged upload: no levels, its verdicts say the rest
        return {}


def _timestamp_time(data: bytes, field: str):
    from core import signing

    try:
        return signing.signature_timestamp_time(data, field)
    except Exception:
        return None


def roots_ever_trusted(province) -> list:
    """Every root *province*'s trust list ever held, removed ones included: what ``/verify/`` checks a
    file against (a root removed later does not make a signature made while it was trusted untrusted;
    the revision records which root its signature chained to when it was signed)."""
    from core import signing

    certs = {}
    for row in province.trusted_roots.all():
        try:
            certs[row.sha256] = signing.load_pem_certificates(row.pem.encode())[0]
        except ValueError:
            continue
    return list(certs.values()) or trust_roots(province)


def trust_roots(province) -> list:
    """Return the root certificates of *province*'s trust list (none if it has none or it is unreadable)."""
    from core import signing

    if not (province.trust_list or "").strip():
        return []
    try:
        return signing.load_pem_certificates(province.trust_list.encode())
    except ValueError:
        return []


def pdf_verdict(data: bytes) -> dict:
    """Return what *data* is against the registered PDFs: the verdict of ``/verify/`` and ``verify_pdf``.

    Registered are a completed pledge's signed PDF (image mode; in ký số mode its completion
    certificate) and every revision of a digitally signed original. ``registered`` is the pledge
    whose registered file is the whole of *data* (``exact``) or its beginning, followed by changes
    (``changed_after``: ``appended`` bytes, of which ``later_revisions`` incremental updates and
    ``later_signatures`` further signatures). ``revision`` is the matched revision of a ký số
    original, ``revision_latest`` whether no signature was added to the original after it. Every
    signature in the file has its own verdict (``signatures``, ``core.pdf.inspect_pdf``, trusted
    against the configured roots and the pledge's province's trust list); a ký số signature also
    carries ``revision``: what was checked when it was signed (root, revocation). ``ok`` is true
    only for a registered file exactly as registered, each signature intact and the last one
    covering the whole file.
    """
    from pledges.models import Revision

    digest = pdf_engine.sha256(data)
    ends = pdf_engine.revision_ends(data)
    wanted = [digest, *ends]
    candidates = {
        pledge.pdf_sha256: (pledge, None)
        for pledge in Pledge.objects.filter(pdf_sha256__in=wanted).select_related("term__bloc__province")
    }
    for revision in Revision.objects.filter(sha256__in=wanted).select_related("pledge__term__bloc__province"):
        candidates[revision.sha256] = (revision.pledge, revision)
    exact = candidates.get(digest)
    prefixes = [(ends[sha], found) for sha, found in candidates.items() if sha != digest]
    registered, revision = exact or (max(prefixes, key=lambda item: item[0])[1] if prefixes else (None, None))
    registered_end = (
        len(data) if exact else (ends[revision.sha256 if revision else registered.pdf_sha256] if registered else 0)
    )
    extra_roots = roots_ever_trusted(registered.term.bloc.province) if registered is not None else []
    report = pdf_engine.inspect_pdf(data, extra_roots=extra_roots)
    signatures = report["signatures"]
    levels = _levels(data)
    for signature in signatures:
        signature["level"] = levels.get(signature["field"], "")
        signature["timestamp"] = _timestamp_time(data, signature["field"]) if signature["level"] != "B-B" else None
    if registered is not None and registered.is_digital:
        by_end = {r.size: r for r in registered.revisions.exclude(number=0)}
        for signature in signatures:
            signature["revision"] = by_end.get(signature["revision_end"])
    later = [s for s in signatures if s["revision_end"] > registered_end] if registered else []
    last = signatures[-1] if signatures else None
    latest = registered.revisions.order_by("-number").first() if revision is not None else None
    return {
        "sha256": digest,
        "registered": registered,
        "revision": revision,
        "revision_latest": revision is not None and latest is not None and latest.pk == revision.pk,
        "exact": exact is not None,
        "changed_after": registered is not None and exact is None,
        "appended": len(data) - registered_end if registered else 0,
        # Each incremental update ends with its own end-of-file marker.
        "later_revisions": data.count(b"%%EOF", registered_end) if registered else 0,
        "later_signatures": len(later),
        "signatures": signatures,
        "more_signatures": report["more_signatures"],
        "roots_configured": report["roots_configured"],
        # What the last signature says, as the page and the command summed it up before.
        "sealed": last is not None,
        "intact": bool(signatures) and all(s["intact"] for s in signatures),
        "whole_file": bool(last and last["whole_file"]),
        # The last signature covers the whole file, or only long-term validation data follows it (B-LTA).
        "ok": exact is not None
        and bool(signatures)
        and all(s["intact"] for s in signatures)
        and (last["whole_file"] or last["changes_after"] == "lta_updates"),
    }


def waiting_signers(pledge: Pledge) -> QuerySet[RequiredSigner]:
    """Return the required signers of *pledge* that are neither excused nor signed yet (a disputed
    signature does not count)."""
    return pledge.required_signers.filter(excused_at__isnull=True).exclude(
        unit_id__in=pledge.signatures.filter(disputed_at__isnull=True).values("unit_id")
    )


def waiting_seals(pledge: Pledge) -> QuerySet[RequiredSigner]:
    """Return the required signers of a digitally signed *pledge*, not excused, whose agency's seal
    is not in yet (where the province requires seals)."""
    from pledges.models import Revision

    sealed = Revision.objects.filter(pledge=pledge, kind=Revision.Kind.SEAL).values("unit_id")
    return pledge.required_signers.filter(excused_at__isnull=True).exclude(unit_id__in=sealed)


def one_hand_counts(signers: list[RequiredSigner], signatures: list[Signature]) -> Counter:
    """Return {user id: how many of the signers that user recorded on paper or excused}.

    Pure: from the pledge's signers and signatures, read already (a page's prefetch).
    """
    counts = Counter(s.recorded_by_id for s in signatures if s.recorded_by_id and s.counts)
    counts.update(s.excused_by_id for s in signers if s.excused_at and s.excused_by_id)
    return counts


def one_hand_warnings(signers: list[RequiredSigner], signatures: list[Signature]) -> list[dict]:
    """Return, for the board, each person who recorded on paper or excused more than half of the signers.

    Pure, like ``one_hand_counts``; the people come from the rows' ``recorded_by``/``excused_by``.
    """
    people = {s.recorded_by_id: s.recorded_by for s in signatures if s.recorded_by_id}
    people |= {s.excused_by_id: s.excused_by for s in signers if s.excused_by_id}
    total = len(signers)
    return [
        {"user": people[user_id], "count": count, "total": total}
        for user_id, count in one_hand_counts(signers, signatures).items()
        if count * 2 > total
    ]
