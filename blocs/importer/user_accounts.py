"""The accounts sheet: its rows checked against the users, then the invitations sent.

This is the one module of ``blocs`` that imports ``accounts``, against the
layers (``accounts`` comes after ``blocs``): the board's import creates the
accounts it lists, through ``accounts.services.user_invite``, in the same
transaction as the registry's records. Nothing else in ``blocs`` may import
``accounts``: the layers contract in ``pyproject.toml`` allows this module alone.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import User
from blocs.importer.report import Report, _at, _Plan
from blocs.importer.sheets import ACCOUNTS, UNITS, _fill, _flag, _seen_before, _text
from blocs.models import Province, Unit
from core.text import fold

# How a signing capacity may be written: the template's Vietnamese words, their short forms and the codes.
_CAPACITIES = {
    User.Capacity.HEAD: {"", "cap truong", "truong", "thu truong", "ky truc tiep", "head"},
    User.Capacity.DEPUTY: {"cap pho kt", "cap pho", "pho", "kt", "ky thay", "deputy"},
    User.Capacity.ACTING: {"quyen q", "quyen", "q", "quyen thu truong", "acting"},
}


def _capacity(value) -> str | None:
    """Return the signing capacity a cell names ("Cấp phó (KT.)", "KT.", "deputy" …), or None if none."""
    text = " ".join(re.sub(r"[().]", " ", fold(_text(value))).split())
    return next((code for code, spellings in _CAPACITIES.items() if text in spellings), None)


def _check_accounts(rows, report: Report, plan: _Plan, units: dict[str, Unit | None]) -> None:
    parsed = []
    for row in rows:
        problems: list[str] = []
        values = _fill(ACCOUNTS, row.values, problems, required=("username", "full_name", "email"))
        values["email"] = values["email"].lower()
        values["unit"] = values["unit"].upper()
        parsed.append((row, values, problems))
    taken_names = set(
        User.objects.annotate(key=Lower("username"))
        .filter(key__in=[values["username"].lower() for _row, values, _p in parsed])
        .values_list("key", flat=True)
    )
    taken_emails = set(
        User.objects.annotate(key=Lower("email"))
        .filter(key__in=[values["email"] for _row, values, _p in parsed])
        .values_list("key", flat=True)
    )
    seen_names: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    sign_header, clerk_header, capacity_header = (ACCOUNTS.columns[i].header for i in (5, 6, 7))
    for row, values, problems in parsed:
        username, email, unit_code = values["username"], values["email"], values["unit"]
        if username:
            try:
                User.username_validator(username)
            except ValidationError as error:
                problems.extend(error.messages)
            if username.lower() in seen_names:
                problems.append(_seen_before(username, seen_names[username.lower()]))
            elif username.lower() in taken_names:
                problems.append(_("This user name is taken."))
            seen_names.setdefault(username.lower(), row.number)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("%(value)s is not a valid e-mail address.") % {"value": email})
            if email in seen_emails:
                problems.append(_seen_before(email, seen_emails[email]))
            elif email in taken_emails:
                problems.append(_("An account with this e-mail address exists."))
            seen_emails.setdefault(email, row.number)
        if unit_code and unit_code not in units:
            problems.append(
                _("Unknown unit code %(code)s: it is neither on the sheet “%(sheet)s” nor in this province.")
                % {"code": unit_code, "sheet": UNITS.title}
            )
        elif unit_code and units[unit_code] is not None and not units[unit_code].is_active:
            problems.append(_("The unit %(code)s was merged or left the registry.") % {"code": unit_code})
        board_officer_refusals = {
            # A flag that needs a unit, and what a board officer (no unit) is told about it.
            "can_sign": (
                sign_header,
                _("A board officer (no unit) has no signing right: leave “%(column)s” empty or give a unit."),
            ),
            "is_clerk": (
                clerk_header,
                _("A clerk (văn thư) seals for a unit: give the unit, or leave “%(column)s” empty."),
            ),
        }
        for key, (header, without_unit) in board_officer_refusals.items():
            flag = _flag(row.values[key])
            if flag is None:
                problems.append(_("Write có or không in “%(column)s”.") % {"column": header})
            elif flag and not unit_code:
                problems.append(without_unit % {"column": header})
            values[key] = bool(flag)
        capacity = _capacity(row.values["signing_capacity"])
        if capacity is None:
            problems.append(
                _("Write Cấp trưởng, Cấp phó (KT.) or Quyền (Q.) in “%(column)s”, not %(value)s.")
                % {"column": capacity_header, "value": values["signing_capacity"]}
            )
        elif capacity != User.Capacity.HEAD and not unit_code:
            problems.append(
                _("A board officer (no unit) signs nothing: leave “%(column)s” empty or give a unit.")
                % {"column": capacity_header}
            )
        elif capacity == User.Capacity.DEPUTY and not values["position"]:
            problems.append(
                _("A deputy signs “KT.” over his or her own position: fill in “%(column)s”, e.g. Phó Giám đốc.")
                % {"column": ACCOUNTS.columns[4].header}
            )
        values["signing_capacity"] = capacity
        for problem in problems:
            report.reject(ACCOUNTS, row.number, problem)
        if not problems:
            plan.accounts.append({"row": row.number, **values})


def _write_accounts(plan: _Plan, *, actor, province: Province, units: dict[str, Unit], site_url: str) -> int:
    """Invite the accounts of *plan*, after the units they belong to exist; return how many."""
    for row in plan.accounts:
        _at(
            ACCOUNTS,
            row["row"],
            # Looked up at each call, not bound at import, so that a test's replacement is the one called.
            account_services.user_invite,
            actor=actor,
            province=province,
            username=row["username"],
            email=row["email"],
            full_name=row["full_name"],
            unit=units[row["unit"]] if row["unit"] else None,
            position=row["position"],
            can_sign=row["can_sign"],
            is_clerk=row["is_clerk"],
            signing_capacity=row["signing_capacity"],
            site_url=site_url,
        )
    return len(plan.accounts)
