"""Provinces: the tenants of the registry, their mergers, their board's name and their rules for ký số."""

import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Event, Province, ProvinceName
from blocs.services._common import RegistryError, _date_text, event_record, refuse_line_breaks
from blocs.services.units import unit_create, unit_merge
from core import clock, signing
from core.text import nfc

# A province trusts a handful of roots (Ban Cơ yếu Chính phủ's, perhaps a licensed public CA's);
# the bounds keep one form post from storing, and every signature check from parsing, a bundle.
MAX_TRUST_LIST_BYTES = 200 * 1024
MAX_TRUST_ROOTS = 20

_PEM_BEGIN = re.compile(r"^-----BEGIN ([A-Z0-9 ]+)-----", re.MULTILINE)


def province_create(*, actor, code: str, name: str, board_name: str = "") -> Province:
    """Create a province (the tenant) with its first name and, if it has its own, its board's name."""
    code, name, board_name = nfc(code).upper(), nfc(name), nfc(board_name)
    refuse_line_breaks(code=code, name=name, board_name=board_name)
    if Province.objects.filter(code=code).exists():
        raise RegistryError(_("A province with code %(code)s exists.") % {"code": code}, field="code")
    with transaction.atomic():
        province = Province.objects.create(code=code, name=name, board_name=board_name)
        ProvinceName.objects.create(province=province, valid_from=None, name=name)
        event_record(actor=actor, province=province, kind=Event.Kind.PROVINCE_CREATED, summary=name)
    return province


def province_merge(*, actor, sources: list[Province], target: Province, on: datetime.date) -> None:
    """Merge *sources* into *target* on *on*.

    The old provinces' units and blocs stay on record under their names. Each
    living unit of an old province gets a successor in *target*: the unit of
    *target* with the same code where there is one, otherwise a copy.
    """
    if target in sources:
        raise RegistryError(_("A province cannot be merged into itself."))
    if target.successor_id is not None:
        raise RegistryError(_("%(name)s has itself been merged.") % {"name": target.name})
    with transaction.atomic():
        for source in sources:
            source = Province.objects.select_for_update().get(pk=source.pk)
            if source.successor_id == target.pk:
                continue  # already merged: nothing changes
            if source.successor_id is not None:
                raise RegistryError(_("%(name)s has already been merged.") % {"name": source.name})
            source.successor, source.merged_on = target, on
            source.save(update_fields=["successor", "merged_on"])
            source.blocs.update(active=False)  # on record; the new province forms its own blocs
            living = source.units.filter(successor__isnull=True, closed_on__isnull=True)
            for unit in living.prefetch_related("versions"):
                successor = target.units.filter(code=unit.code).first()
                if successor is None:
                    successor = unit_create(
                        actor=actor,
                        province=target,
                        code=unit.code,
                        name=unit.name,
                        short_name=unit.short_name,
                        head_title=unit.head_title,
                    )
                unit_merge(actor=actor, sources=[unit], target=successor, on=on)
            event_record(
                actor=actor,
                province=source,
                kind=Event.Kind.PROVINCE_MERGED,
                summary=_("%(source)s merged into %(target)s on %(date)s")
                % {"source": source.name, "target": target.name, "date": _date_text(on)},
                target=target.name,
                date=on.isoformat(),
            )


@dataclass(frozen=True)
class TrustRoot:
    """A root certificate of a province's trust list, as the board's page shows it."""

    subject: str
    not_valid_after: datetime.datetime
    sha256_fingerprint: str
    pem: str

    @property
    def expired(self) -> bool:
        return self.not_valid_after <= clock.now()


def _roots(certs: list) -> list[TrustRoot]:
    from asn1crypto import pem

    return [
        TrustRoot(
            subject=cert.subject.human_friendly,
            not_valid_after=cert.not_valid_after,
            sha256_fingerprint=cert.sha256_fingerprint,
            pem=pem.armor("CERTIFICATE", cert.dump()).decode("ascii"),
        )
        for cert in certs
    ]


def trust_list_roots(text: str) -> list[TrustRoot]:
    """Return the roots of a stored trust list; raise ValueError if it cannot be read (set outside this service)."""
    if not (text or "").strip():
        return []
    return _roots(signing.load_pem_certificates(text.encode("ascii", errors="replace")))


def _check_trust_list(text: str) -> list[TrustRoot]:
    """Return the distinct roots of the PEM *text*, or refuse it (``RegistryError`` on ``trust_list``) with the reason."""
    if len(text.encode()) > MAX_TRUST_LIST_BYTES:
        raise RegistryError(
            _("The trust list is too large (at most %(kb)s KB).") % {"kb": MAX_TRUST_LIST_BYTES // 1024},
            field="trust_list",
        )
    # Named before parsing: a private key pasted here would be stored and shown as public data.
    for kind in _PEM_BEGIN.findall(text):
        if "PRIVATE" in kind:
            raise RegistryError(
                _(
                    "The text holds a private key (%(kind)s). Never share a private key: "
                    "paste only the root certificates (BEGIN CERTIFICATE)."
                )
                % {"kind": kind},
                field="trust_list",
            )
        if kind != "CERTIFICATE":
            raise RegistryError(
                _("Only certificates (BEGIN CERTIFICATE) belong in the trust list, not %(kind)s.") % {"kind": kind},
                field="trust_list",
            )
    if not _PEM_BEGIN.search(text):
        raise RegistryError(
            _("The trust list must hold root certificates in PEM form (-----BEGIN CERTIFICATE-----)."),
            field="trust_list",
        )
    try:
        certs = signing.load_pem_certificates(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise RegistryError(
            _("A certificate in the trust list is damaged or incomplete: copy it again, from BEGIN to END."),
            field="trust_list",
        ) from error
    roots: dict[str, TrustRoot] = {}
    for cert, root in zip(certs, _roots(certs), strict=True):
        if not cert.ca:
            raise RegistryError(
                _(
                    "“%(name)s” is not a certification authority's certificate: the trust list holds roots, "
                    "not the certificates of people or agencies."
                )
                % {"name": root.subject},
                field="trust_list",
            )
        roots.setdefault(root.sha256_fingerprint, root)  # the same root pasted twice counts once
    if len(roots) > MAX_TRUST_ROOTS:
        raise RegistryError(
            _("The trust list holds %(count)s certificates; at most %(max)s are allowed.")
            % {"count": len(roots), "max": MAX_TRUST_ROOTS},
            field="trust_list",
        )
    return list(roots.values())


def _trusted_roots_sync(province: Province, roots: list, actor) -> None:
    """Record in the trust list's history the roots added and removed by this change."""
    from blocs.models import TrustedRoot

    now = clock.now()
    wanted = {root.sha256_fingerprint.replace(" ", "").lower(): root for root in roots}
    active = {row.sha256: row for row in TrustedRoot.objects.filter(province=province, removed_at__isnull=True)}
    for sha256, row in active.items():
        if sha256 not in wanted:
            TrustedRoot.objects.filter(pk=row.pk).update(removed_at=now, removed_by=actor)
    for sha256, root in wanted.items():
        if sha256 not in active:
            TrustedRoot.objects.create(
                province=province, sha256=sha256, subject=root.subject[:500], pem=root.pem, added_at=now, added_by=actor
            )


def province_signing_set(*, actor, province: Province, trust_list: str, requires_agency_seal: bool) -> Province:
    """Set *province*'s rules for ký số: the roots signing certificates must chain to, and agency seals.

    *trust_list* is PEM text of at most ``MAX_TRUST_LIST_BYTES`` holding at most
    ``MAX_TRUST_ROOTS`` certificates of certification authorities (empty: none yet);
    it is stored re-encoded, one block per distinct root, without the text around
    the blocks. *requires_agency_seal* is kept whatever the list holds: it only
    matters to pledges signed digitally. A province merged into another is refused.
    Return the province as re-read under lock; nothing is written when nothing changes.
    """
    text = (trust_list or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    roots = _check_trust_list(text) if text else []
    stored = "".join(root.pem for root in roots)
    requires_agency_seal = bool(requires_agency_seal)
    with transaction.atomic():
        # Lock the row: two officers saving at once would each record an event for the other's list.
        province = Province.objects.select_for_update().get(pk=province.pk)
        if province.successor_id is not None and (
            province.merged_on is None or province.merged_on <= timezone.localdate(clock.now())
        ):
            raise RegistryError(
                _("%(name)s has merged into another province: set the signing rules of the province it merged into.")
                % {"name": province.name}
            )
        if province.trust_list == stored and province.requires_agency_seal == requires_agency_seal:
            return province
        province.trust_list, province.requires_agency_seal = stored, requires_agency_seal
        province.save(update_fields=["trust_list", "requires_agency_seal"])
        _trusted_roots_sync(province, roots, actor)
        subjects = "; ".join(root.subject for root in roots) or _("none")
        seals = (
            _("the unit's clerk adds the agency's signature after its head")
            if requires_agency_seal
            else _("no agency signatures")
        )
        event_record(
            actor=actor,
            province=province,
            kind=Event.Kind.PROVINCE_SIGNING_SET,
            summary=_("Trusted roots: %(roots)s. Agency seals: %(seals)s.") % {"roots": subjects, "seals": seals},
            roots=[{"subject": root.subject, "sha256": root.sha256_fingerprint} for root in roots],
            requires_agency_seal=requires_agency_seal,
        )
    return province


def province_board_name_set(*, actor, province: Province, board_name: str) -> Province:
    """Name *province*'s emulation board as its documents address it (empty: the default name).

    Since 2025 most provinces run the board inside Sở Nội vụ ("Phòng Thi đua - Khen thưởng");
    cover requests and e-mails use ``Province.board_title()``. A province merged into another
    is refused. Return the province as re-read under lock; nothing is written when nothing changes.
    """
    board_name = nfc(board_name)
    refuse_line_breaks(board_name=board_name)
    if len(board_name) > Province._meta.get_field("board_name").max_length:
        raise RegistryError(_("The name is too long (at most 255 characters)."), field="board_name")
    with transaction.atomic():
        province = Province.objects.select_for_update().get(pk=province.pk)
        if province.successor_id is not None and (
            province.merged_on is None or province.merged_on <= timezone.localdate(clock.now())
        ):
            raise RegistryError(
                _("%(name)s has merged into another province: name the board of the province it merged into.")
                % {"name": province.name},
                field="board_name",
            )
        if province.board_name == board_name:
            return province
        old = province.board_title()
        province.board_name = board_name
        province.save(update_fields=["board_name"])
        event_record(
            actor=actor,
            province=province,
            kind=Event.Kind.PROVINCE_BOARD_NAMED,
            summary=_("The board is now named %(new)s (was %(old)s).") % {"new": province.board_title(), "old": old},
            old=old,
            new=province.board_title(),
        )
    return province
