"""Every permission decision about pledges: fetch and authorise in one step.

A pledge is seen by whoever may see its bloc's year (``blocs.access``);
drafting is for the chair's officers and the board; signing is for the head of
a required unit.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from blocs.access import authorize_term, require_board, require_board_writer, with_membership
from pledges.models import LegalGround, Pledge, RequiredSigner, Signature


def get_pledge_for_user(user, pk: int, *, for_edit: bool = False, queryset=None) -> Pledge:
    """Return pledge *pk* with ``pledge.roles`` set; 404 if unseen, 403 if *for_edit* and not allowed.

    One query reads the pledge, its term, bloc and province and whether the user's unit is a member;
    ``blocs.access.authorize_term`` decides on that term as it does for the year's own pages.
    """
    queryset = queryset if queryset is not None else Pledge.objects.all()
    queryset = with_membership(queryset.select_related("term__bloc__province"), user, "term_id")
    try:
        pledge = queryset.get(pk=pk)
    except Pledge.DoesNotExist:
        raise Http404(_("No such pledge.")) from None
    term = authorize_term(user, pledge.term, pledge.user_unit_member, for_edit=for_edit)
    pledge.roles = term.roles
    return pledge


def get_pledge_for_head(user, pk: int, *, queryset=None) -> Pledge:
    """Return the pledge if *user* is the head (with signing right) of a member unit; 403 if the user
    may see it but not sign, 404 if not even see it."""
    pledge = get_pledge_for_user(user, pk, queryset=queryset)
    if not pledge.roles.head:
        raise PermissionDenied(_("Only the head of a member unit, with signing right, signs the pledge."))
    return pledge


def get_pledge_for_signing(user, pk: int, *, queryset=None) -> tuple[Pledge, RequiredSigner | None]:
    """Return the pledge and the user's required-signer row; 403 if the user may see but not sign."""
    pledge = get_pledge_for_head(user, pk, queryset=queryset)
    return pledge, _signer_row(pledge, user)


def _signer_row(pledge: Pledge, user) -> RequiredSigner | None:
    """Return the required-signer row of *user*'s unit (one query, one row), if any."""
    return pledge.required_signers.filter(unit_id=user.unit_id).order_by().first()


def get_signature_for_user(user, pk: int) -> Signature:
    """Return signature *pk*, with ``signature.roles`` set, if *user* may see its pledge (404 otherwise)."""
    queryset = Signature.objects.select_related("pledge__term__bloc__province", "recorded_by", "disputed_by")
    try:
        signature = with_membership(queryset, user, "pledge__term_id").get(pk=pk)
    except Signature.DoesNotExist:
        raise Http404(_("No such signature.")) from None
    signature.roles = authorize_term(user, signature.pledge.term, signature.user_unit_member).roles
    return signature


def _unit_people(user, signature: Signature) -> bool:
    """Whether *user* is one of the active people of the signature's unit (its head or its staff)."""
    return user.is_authenticated and user.is_active and user.unit_id is not None and user.unit_id == signature.unit_id


def get_scan_for_user(user, pk: int) -> Signature:
    """Return the paper signature *pk* whose scan *user* may download: the people of its unit, the
    chair's officers and the board of the year (404 for anyone else, and for a signature without a scan)."""
    signature = get_signature_for_user(user, pk)
    if not signature.scan:
        raise Http404(_("No such file."))
    if not (_unit_people(user, signature) or signature.roles.can_oversee):
        raise Http404(_("No such file."))
    return signature


def get_signature_for_dispute(user, pk: int) -> Signature:
    """Return paper signature *pk* if *user* may dispute it: one of the people of its unit.

    404 if the user may not see the pledge; 403 if they may see it but are not of the unit.
    """
    signature = get_signature_for_user(user, pk)
    if not _unit_people(user, signature):
        raise PermissionDenied(_("Only the people of the unit can dispute its signature."))
    return signature


def get_pledge_for_digital_signing(user, pk: int, *, queryset=None) -> tuple[Pledge, RequiredSigner | None]:
    """Return the pledge and the user's required-signer row for ký số: its unit's head (with signing
    right) or its clerk (văn thư). 404 if unseen; 403 for anyone else who may see it."""
    pledge = get_pledge_for_user(user, pk, queryset=queryset)
    if not (user.is_active and user.unit_id and (user.can_sign or user.is_clerk)):
        raise PermissionDenied(_("Only the head of a member unit (with signing right) or its clerk signs the pledge."))
    signer = _signer_row(pledge, user)
    if signer is None:
        raise PermissionDenied(_("Your unit is not among the signers of this pledge."))
    return pledge, signer


def may_link_remote_signing(user) -> bool:
    """Whether *user* may link a remote-signing account: a unit's head with signing right, or its clerk."""
    return bool(user.is_authenticated and user.is_active and user.unit_id and (user.can_sign or user.is_clerk))


def get_legal_grounds_province(user, *, for_edit: bool = False):
    """Return the province whose own legal grounds *user* manages as its board, or None (a superuser:
    the admin). 403 for anyone but a board officer; with *for_edit*, also for the board of a province
    that has merged away (it changes nothing)."""
    if for_edit:
        require_board_writer(user)
    else:
        require_board(user)
    return user.province if user.province_id else None


def get_legal_ground_for_board(user, pk: int) -> LegalGround:
    """Return legal ground *pk* of *user*'s province for editing: 403 for anyone but its board,
    404 for a national ground or another province's."""
    province = get_legal_grounds_province(user, for_edit=True)
    ground = LegalGround.objects.filter(pk=pk, province__isnull=False).select_related("province").first()
    if ground is None or (province is not None and ground.province_id != province.pk):
        raise Http404(_("No such legal ground."))
    return ground
