"""What every service of the registry shares: its refusal, its audit trail and its renaming."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from blocs.models import DatedNamesMixin, Event
from blocs.validators import LINE_BREAK_MESSAGE, has_line_break
from core.errors import ServiceError
from core.text import nfc


class RegistryError(ServiceError):
    """A rule of the registry refused the change; the message says which."""


def refuse_line_breaks(*, field: str | None = None, **values: str) -> None:
    """Refuse (``RegistryError`` on *field*, else on the value's own name) a name, title or code with a line break."""
    for name, value in values.items():
        if has_line_break(value):
            raise RegistryError(str(LINE_BREAK_MESSAGE), field=field or name)


def event_record(*, actor, province, kind, summary, bloc=None, term=None, unit=None, **details) -> Event:
    """Append one row to the registry's audit trail (accounts record their invitations here too)."""
    return Event.record(
        province=province,
        bloc=bloc,
        term=term,
        unit=unit,
        actor=actor,
        kind=kind,
        summary=summary[:500],
        details=details,
    )


def _date_text(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _rename(
    *,
    actor,
    owner: DatedNamesMixin,
    on: datetime.date,
    names: dict[str, str],
    later_name_message: str,
    kind: str,
) -> DatedNamesMixin:
    """Give *owner* (a unit or a bloc) the dated *names* from *on*; return it as re-read under lock.

    *names* maps the fields of the owner's dated-name row to their new text; both
    the row and the owner carry them. Every owner is checked in the same order:

    1. *on* must not come before the owner's latest dated name (*later_name_message*
       otherwise): a name is only ever added after the ones on record, so the
       owner's own fields always hold its latest name and older dates keep theirs.
       This comes first because the date is what the user must change, whatever
       the name: checked second, a name equal to the current one would be
       accepted as "nothing to do" and the dated history the user meant to
       record would silently not be.
    2. If the names in force on *on* are already *names*, nothing is written and
       no event is recorded (a form sent twice).

    Then the row for *on* is added (or corrected, when *on* is the latest date
    itself), the owner's fields follow it, and the event keeps the old and new name.
    The fields follow even when *on* is still ahead: nothing would update them on
    the day, so they hold the latest name and pages read a date's name through
    ``name_on``.
    """
    names = {field: nfc(value) for field, value in names.items()}
    refuse_line_breaks(**names)
    with transaction.atomic():
        # Lock the owner: two renames at once would both pass the date check.
        owner = type(owner).objects.select_for_update().prefetch_related("versions").get(pk=owner.pk)
        if any(version.valid_from and version.valid_from > on for version in owner.versions.all()):
            raise RegistryError(later_name_message, field="on")
        in_force = owner.version_on(on) or owner
        if all(getattr(in_force, field) == value for field, value in names.items()):
            return owner
        old = in_force.name
        owner.versions.update_or_create(valid_from=on, defaults=names)
        for field, value in names.items():
            setattr(owner, field, value)
        owner.save(update_fields=list(names))
        event_record(
            actor=actor,
            province=owner.province,
            **{owner._meta.model_name: owner},  # the event's unit or bloc
            kind=kind,
            summary=_("%(old)s renamed %(new)s from %(date)s")
            % {"old": old, "new": names["name"], "date": _date_text(on)},
            old=old,
            new=names["name"],
            date=on.isoformat(),
        )
    return owner
