"""Ký số originals kept verifiable for decades (PAdES B-LTA): on completion, the validation data of
every signature (chains, OCSP responses or CRLs, in the document security store) and a document
timestamp; later, a new archive timestamp before the last one's certificate expires."""

import datetime

from django.conf import settings
from django.db import transaction

from core import clock, signing
from pledges.models import Pledge, PledgeEvent, Revision
from pledges.selectors import trust_roots
from pledges.services._common import Status, _event, _locked, logger
from pledges.services.digital import _new_revision, latest_revision, revision_bytes, signing_run


def _append_revisions(pledge: Pledge, base: Revision, files: list[tuple[str, bytes]], kind_event: str, **details):
    """Store *files* ([(kind, bytes)]) as the revisions after *base*, if *base* is still the latest."""
    with transaction.atomic():
        pledge = _locked(pledge)
        latest = latest_revision(pledge)
        if latest.pk != base.pk:
            return []
        stored, now, number = [], clock.now(), base.number
        for kind, data in files:
            number += 1
            revision = _new_revision(pledge, number, kind, data, created_at=now)
            revision.save()
            stored.append(revision)
        _event(pledge, kind_event, revision=number, sha256=stored[-1].sha256, **details)
    return stored


def original_make_long_term(pledge_id: int) -> str:
    """Add to a completed original the validation data of every signature (chains, OCSP responses or
    CRLs, fetched now, in the document security store with a VRI entry each) and a document
    timestamp over it all: PAdES B-LTA, from then on verifiable without a network. Once."""
    pledge = Pledge.objects.select_related("term__bloc__province").filter(pk=pledge_id).first()
    if pledge is None or not pledge.is_digital or pledge.status != Status.COMPLETED:
        return "gone"
    if pledge.revisions.filter(kind=Revision.Kind.ARCHIVE).exists():
        return "done"
    if not settings.TSA_URL:
        logger.warning("no TSA_URL: the original of pledge %s stays without an archive timestamp", pledge_id)
        return "no time-stamping authority"
    base = latest_revision(pledge)
    try:
        with_dss, stamped = signing_run(
            signing.async_make_long_term(
                revision_bytes(base), roots=trust_roots(pledge.term.bloc.province), tsa_url=settings.TSA_URL
            )
        )
    except Exception as error:  # retried by the task; the board sees each failure in the audit trail
        _event(pledge, PledgeEvent.Kind.ARCHIVE_FAILED, reason=str(error)[:200])
        raise
    files = [(Revision.Kind.VALIDATION, with_dss), (Revision.Kind.ARCHIVE, stamped)]
    stored = _append_revisions(pledge, base, files, PledgeEvent.Kind.LONG_TERM)
    return "stored" if stored else "superseded"


def archive_renew_due(pledge: Pledge, *, now=None) -> bool:
    """Whether the newest archive timestamp of *pledge*'s original expires within the margin."""
    latest = latest_revision(pledge)
    if latest is None or latest.kind != Revision.Kind.ARCHIVE:
        return False
    expiry = signing.last_timestamp_expiry(revision_bytes(latest))
    margin = datetime.timedelta(days=settings.ARCHIVE_TIMESTAMP_MARGIN_DAYS)
    return expiry is not None and expiry - margin <= (now or clock.now())


def archive_renew(pledge_id: int, *, force: bool = False) -> str:
    """Store the last archive timestamp's validation data and add a new document timestamp over the
    original, when the last one's certificate expires within the margin (or *force*)."""
    pledge = Pledge.objects.select_related("term__bloc__province").filter(pk=pledge_id).first()
    if pledge is None or not settings.TSA_URL or not (force or archive_renew_due(pledge)):
        return "not due"
    base = latest_revision(pledge)
    try:
        renewed = signing_run(
            signing.async_renew_archive_timestamp(
                revision_bytes(base), roots=trust_roots(pledge.term.bloc.province), tsa_url=settings.TSA_URL
            )
        )
    except Exception as error:
        _event(pledge, PledgeEvent.Kind.ARCHIVE_FAILED, reason=str(error)[:200])
        raise
    stored = _append_revisions(pledge, base, [(Revision.Kind.ARCHIVE, renewed)], PledgeEvent.Kind.ARCHIVE_RENEWED)
    return "renewed" if stored else "superseded"
