"""Template filters for Vietnamese dates and times."""

import datetime
from decimal import Decimal

from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language

register = template.Library()


def long_date(day: datetime.date) -> str:
    """Return *day* as "ngày 30 tháng 3 năm 2022" in Vietnamese, "30 March 2022" otherwise."""
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date()
    if (get_language() or "vi").startswith("vi"):
        return f"ngày {day.day} tháng {day.month} năm {day.year}"
    return formats.date_format(day, "j F Y")


@register.filter(name="long_date")
def long_date_filter(value):
    return long_date(value) if value else ""


@register.filter(name="long_datetime")
def long_datetime_filter(value):
    """Return a time with its date, in Asia/Ho_Chi_Minh: "14:05, ngày 30 tháng 3 năm 2022"."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H:%M}, {long_date(local.date())}"


def document_date(day: datetime.date) -> str:
    """Return *day* as official documents write it: "ngày 05 tháng 02 năm 2025".

    Two digits for days below 10 and for months 1 and 2 (Nghị định 30/2020).
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@register.filter(name="document_date")
def document_date_filter(value):
    return document_date(value) if value else ""


@register.filter(name="points")
def points_filter(value):
    """Return points with a decimal only when there is one, in the language's style: "8,5" / "8.5", "90"."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    return formats.number_format(value, 0 if value == value.to_integral_value() else 1)
