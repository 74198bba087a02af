"""Thin views of the registry: access → form → service → redirect.

One module per part of the registry; ``blocs/urls.py`` reads them all from here.
"""

from blocs.views.blocs import bloc_create, bloc_detail, bloc_edit, bloc_list, bloc_rename
from blocs.views.imports import import_template, registry_import
from blocs.views.provinces import province_signing
from blocs.views.terms import (
    membership_add,
    membership_end,
    term_acting,
    term_create,
    term_detail,
    term_roles,
    term_rollover,
)
from blocs.views.units import (
    unit_close,
    unit_create,
    unit_detail,
    unit_edit,
    unit_list,
    unit_merge,
    unit_rename,
    unit_seal,
    unit_seal_image,
)

__all__ = [
    "bloc_create",
    "bloc_detail",
    "bloc_edit",
    "bloc_list",
    "bloc_rename",
    "import_template",
    "membership_add",
    "membership_end",
    "province_signing",
    "registry_import",
    "term_acting",
    "term_create",
    "term_detail",
    "term_roles",
    "term_rollover",
    "unit_close",
    "unit_create",
    "unit_detail",
    "unit_edit",
    "unit_list",
    "unit_merge",
    "unit_rename",
    "unit_seal",
    "unit_seal_image",
]
