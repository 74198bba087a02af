"""Reads that several pages and commands share; no writes here (they live in ``pledges.services``)."""

import datetime
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet

from core import pdf as pdf_engine
from core.text import fold
from pledges.models import LegalGround, Pledge, PledgeEvent, RequiredSigner, Signature


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


def unit_signatures(pledge: Pledge, unit_id: int | None) -> list[Signature]:
    """Return the signatures of *unit_id* on *pledge*, the one that counts and any disputed (1 query).

    Each carries ``recorded_by_name`` and ``disputed_by_name`` (who entered a paper signature, who
    disputed it), read in the same query.
    """
    return list(
        Signature.objects.filter(pledge=pledge, unit_id=unit_id)
        .annotate(recorded_by_name=F("recorded_by__full_name"), disputed_by_name=F("disputed_by__full_name"))
        .order_by("signed_at", "id")
    )


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


# Legal grounds ----------------------------------------------------------------------


def legal_grounds_in_force(day: datetime.date, province=None) -> list[LegalGround]:
    """Return the national grounds and *province*'s own in force on *day*, in printing order (one query)."""
    return list(LegalGround.objects.in_force_on(day, province))


def _key(text: str) -> str:
    return " ".join(fold(text).split())


_CAN_CU = re.compile(r"^can cu\s+")


def _core(text: str) -> str:
    """The words that name a ground in its line: without "Căn cứ" and the closing punctuation."""
    return _CAN_CU.sub("", _key(text)).rstrip(" ;.,")


def ground_cited(line: str, ground: LegalGround) -> bool:
    """Return True if *line* of a draft cites *ground*: it holds its number, or the words of its line.

    Compared without diacritics, case or extra spaces ("Nghị định số 98/2023/NĐ-CP" cites
    "98/2023/NĐ-CP").
    """
    key = _key(line)
    if ground.number and _key(ground.number) in key:
        return True
    core = _core(ground.text)
    return bool(core) and core in key


def ground_lines(legal_grounds: str) -> list[str]:
    """Return the non-empty lines of a pledge's legal grounds field."""
    return [line.strip() for line in (legal_grounds or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class GroundWarning:
    """A line of a draft that cites a ground not in force on the signing date."""

    line: str
    ground: LegalGround
    expired: bool  # True: no longer in force; False: not yet in force


def legal_ground_warnings(legal_grounds: str, day: datetime.date, province=None) -> list[GroundWarning]:
    """Return the lines of *legal_grounds* that cite only grounds not in force on *day* (one query).

    A line that also cites a ground in force on *day* is not warned about (a law cited with its
    amendments). Warnings, not refusals: a pledge may still cite what its bloc decides.
    """
    lines = ground_lines(legal_grounds)
    if not lines:
        return []
    scope = Q(province__isnull=True) | Q(province=province) if province is not None else Q(province__isnull=True)
    grounds = list(LegalGround.objects.filter(scope).order_by("order", "valid_from", "id"))
    warnings = []
    for line in lines:
        cited = [ground for ground in grounds if ground_cited(line, ground)]
        if cited and not any(ground.in_force_on(day) for ground in cited):
            ground = cited[-1]
            warnings.append(GroundWarning(line=line, ground=ground, expired=ground.valid_from <= day))
    return warnings


def suggested_grounds(legal_grounds: str, day: datetime.date, province=None) -> list[dict]:
    """Return the grounds in force on *day*, each with ``cited``: whether a line of *legal_grounds* cites it."""
    lines = ground_lines(legal_grounds)
    return [
        {"ground": ground, "cited": any(ground_cited(line, ground) for line in lines)}
        for ground in legal_grounds_in_force(day, province)
    ]


def grounds_with_suggestions(legal_grounds: str, day: datetime.date, province=None) -> str:
    """Return *legal_grounds* with the lines of the grounds in force on *day* that it does not cite yet.

    The lines it has are kept as they are (a ground of the bloc's own, its rules), minus those citing
    only grounds no longer in force on *day*; the missing grounds in force come first, in their order.
    """
    lines = ground_lines(legal_grounds)
    stale = {warning.line for warning in legal_ground_warnings(legal_grounds, day, province)}
    missing = [row["ground"].text for row in suggested_grounds(legal_grounds, day, province) if not row["cited"]]
    return "\n".join([*missing, *(line for line in lines if line not in stale)])


# The audit trail --------------------------------------------------------------------


@dataclass(frozen=True)
class EventRun:
    """Consecutive events shown as one line: ``first`` and ``last`` in the order given, ``count`` of them."""

    first: Any
    last: Any
    count: int

    @property
    def collapsed(self) -> bool:
        return self.count > 1


def _event_key(event) -> tuple:
    if isinstance(event, dict):  # an entry of ``pledges.pdf.audit_trail``
        return event["kind"], event["actor"]
    return event.kind, event.actor_id


def collapse_edits(
    events: Sequence, *, kinds: tuple[str, ...] = (PledgeEvent.Kind.EDITED,), key: Callable | None = None
) -> list[EventRun]:
    """Return *events* as runs: consecutive events of one of *kinds* by the same actor make one run.

    Pure (no queries): *events* are ``PledgeEvent`` rows (their ``kind`` and ``actor_id``) or the
    dicts of ``pledges.pdf.audit_trail`` (``kind`` and ``actor``), in any order (oldest or newest
    first: ``first`` is the first in that order). Every other event is a run of one. Thirty saves of
    a draft then print as one line, "Chỉnh sửa dự thảo × 30", with the times of the first and last.
    """
    key = key or _event_key
    runs: list[EventRun] = []
    for event in events:
        kind, actor = key(event)
        if runs and kind in kinds:
            previous = runs[-1]
            previous_kind, previous_actor = key(previous.last)
            if previous_kind == kind and previous_actor == actor:
                runs[-1] = EventRun(first=previous.first, last=event, count=previous.count + 1)
                continue
        runs.append(EventRun(first=event, last=event, count=1))
    return runs
