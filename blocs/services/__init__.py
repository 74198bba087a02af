"""Every write to the registry. Each function checks its rules, writes one
transaction and an event row with the acting user.

Functions raise ``RegistryError`` with a message a person can read; the views
show it next to the form, and nothing is saved.

One module per part of the registry; callers import from here
(``from blocs import services``), which names every public function.
"""

from blocs.services._common import RegistryError, event_record
from blocs.services.blocs import bloc_create, bloc_rename, bloc_update
from blocs.services.provinces import (
    MAX_TRUST_LIST_BYTES,
    MAX_TRUST_ROOTS,
    TrustRoot,
    province_board_name_set,
    province_create,
    province_merge,
    province_signing_set,
    trust_list_roots,
)
from blocs.services.terms import (
    RolloverProposal,
    membership_add,
    membership_end,
    term_assign_roles,
    term_create,
    term_next_roles_set,
    term_rollover,
    term_rollover_proposal,
    term_set_vice_chair_acting,
)
from blocs.services.units import (
    unit_close,
    unit_create,
    unit_merge,
    unit_rename,
    unit_set_seal,
    unit_update,
    units_named_alike,
)

__all__ = [
    "MAX_TRUST_LIST_BYTES",
    "MAX_TRUST_ROOTS",
    "RegistryError",
    "RolloverProposal",
    "TrustRoot",
    "bloc_create",
    "bloc_rename",
    "bloc_update",
    "event_record",
    "membership_add",
    "membership_end",
    "province_board_name_set",
    "province_create",
    "province_merge",
    "province_signing_set",
    "term_assign_roles",
    "term_create",
    "term_next_roles_set",
    "term_rollover",
    "term_rollover_proposal",
    "term_set_vice_chair_acting",
    "trust_list_roots",
    "unit_close",
    "unit_create",
    "unit_merge",
    "unit_rename",
    "unit_set_seal",
    "unit_update",
    "units_named_alike",
]
