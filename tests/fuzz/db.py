"""A fingerprint of the database: one hash of each table's rows."""

import unicodedata

from django.apps import apps
from django.db import connection, models

# Written by every request or every failed login, whatever the outcome: not the application's data.
IGNORED_TABLES = {"django_session", "axes_accessattempt", "axes_accessfailurelog", "axes_accesslog"}


def _tables() -> dict[str, type[models.Model]]:
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy and model._meta.db_table not in IGNORED_TABLES:
            tables[model._meta.db_table] = model
    return tables


def fingerprint() -> dict[str, str]:
    """Return {table: md5 of its rows} in one PostgreSQL query."""
    quote = connection.ops.quote_name
    parts = [
        f"SELECT %s, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {quote(table)} t"
        for table in sorted(_tables())
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), sorted(_tables()))
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(table for table in after if before.get(table) != after[table])


def non_nfc_texts(tables: list[str]) -> list[tuple[str, str, str]]:
    """Return (table, column, value) for each stored text of *tables* that is not in NFC."""
    found = []
    by_table = _tables()
    for table in tables:
        model = by_table[table]
        columns = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        if not columns:
            continue
        for row in model._base_manager.values_list(*columns):
            for column, value in zip(columns, row, strict=True):
                if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
                    found.append((table, column, value))
    return found
