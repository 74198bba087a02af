"""The scoring table of a term: set it from data, copy last year's, freeze it when self-assessment opens."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from blocs.models import Term
from core import clock
from core.text import nfc
from reviews import scoring, selectors
from reviews.models import AdjustmentLine, Band, Criterion, ReviewEvent, ScoreGroup, ScoringTable
from reviews.services._common import ReviewError


def table_set(*, actor, term: Term, data: dict) -> ScoringTable:
    """Make *data* (the form of examples/scoring-table-100.json) *term*'s scoring table.

    Replaces a table that is not frozen; a frozen one (self-assessment has opened) is refused.
    """
    try:
        scoring.table_from_json(data)  # every rule of the format, before anything is written
    except scoring.ScoringError as error:
        raise ReviewError(str(error)) from error
    with transaction.atomic():
        old = ScoringTable.objects.select_for_update().filter(term=term).first()
        if old is not None:
            if old.frozen_at:
                raise ReviewError(_("The scoring table is frozen: self-assessment has opened."))
            old.delete()
        criteria_total = sum(
            (Decimal(str(c["max"])) for group in data["groups"] for c in group["criteria"]), Decimal("0")
        )
        table = ScoringTable.objects.create(
            term=term,
            created_at=clock.now(),
            total=criteria_total,
            bonus_limit=_decimal((data.get("bonus") or {}).get("limit")),
            penalty_limit=_decimal((data.get("penalty") or {}).get("limit")),
        )
        for g, group in enumerate(data["groups"], start=1):
            row = ScoreGroup.objects.create(
                table=table, code=nfc(group.get("code", str(g))), title=nfc(group.get("title", "")), order=g
            )
            for c, criterion in enumerate(group["criteria"], start=1):
                Criterion.objects.create(
                    group=row,
                    code=nfc(criterion["code"]),
                    title=nfc(criterion.get("title", "")),
                    max_points=Decimal(str(criterion["max"])),
                    guidance=nfc(criterion.get("guidance", "")),
                    pledge_item_number=criterion.get("pledge_item"),
                    order=c,
                )
        for kind in (AdjustmentLine.Kind.BONUS, AdjustmentLine.Kind.PENALTY):
            for n, line in enumerate((data.get(kind) or {}).get("lines", []), start=1):
                AdjustmentLine.objects.create(
                    table=table,
                    kind=kind,
                    code=nfc(line["code"]),
                    title=nfc(line.get("title", "")),
                    points=Decimal(str(line["points"])),
                    repeatable=bool(line.get("repeatable")),
                    order=n,
                )
        for n, band in enumerate(data.get("bands", []), start=1):
            Band.objects.create(
                table=table,
                name=nfc(band["name"]),
                min_total=Decimal(str(band["min_total"])),
                min_share=Decimal(str(band.get("min_share_per_criterion", 0))),
                order=n,
            )
        ReviewEvent.record(
            term=term, actor=actor, kind=ReviewEvent.Kind.TABLE_SET, details={"total": str(criteria_total)}
        )
    return table


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def table_copy(*, actor, term: Term, source: ScoringTable) -> ScoringTable:
    """Give *term* a copy of *source* (last year's table, typically)."""
    source = ScoringTable.objects.with_parts().get(pk=source.pk)
    return table_set(actor=actor, term=term, data=selectors.table_as_json(source))


def table_freeze(*, actor, table: ScoringTable) -> ScoringTable:
    """Freeze the table: from now on the members score against it (self-assessment opens)."""
    with transaction.atomic():
        table = ScoringTable.objects.select_for_update().get(pk=table.pk)
        if table.frozen_at is None:
            table.frozen_at = clock.now()
            table.save(update_fields=["frozen_at"])
            ReviewEvent.record(term=table.term, actor=actor, kind=ReviewEvent.Kind.TABLE_FROZEN)
    return table
