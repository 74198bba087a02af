"""URL converters that refuse numbers no database column can hold.

A 30-digit id would otherwise reach SQLite as an OverflowError (a 500).
"""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


class YearConverter(IdConverter):
    regex = "[0-9]{4}"


register_converter(IdConverter, "id")
register_converter(YearConverter, "year")
