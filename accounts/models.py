"""People: staff of member units and officers of the provincial board."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.storage import private_storage


class User(AbstractUser):
    """A person who logs in.

    Staff of a unit have ``unit`` set; board officers have ``province`` set and
    no unit. Roles in a bloc's year follow from these fields and the term's data
    (see ``blocs.access``), never from flags set by hand.
    """

    full_name = models.CharField(_("full name"), max_length=150)
    unit = models.ForeignKey(
        "blocs.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    province = models.ForeignKey(
        "blocs.Province",
        verbose_name=_("board officer of province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="board_officers",
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    can_sign = models.BooleanField(
        _("signing right"),
        default=False,
        help_text=_("The unit's head, or a deputy authorised to sign for the unit."),
    )

    is_clerk = models.BooleanField(
        _("clerk (văn thư)"),
        default=False,
        help_text=_("Adds the agency's digital signature (the electronic seal) after the unit's head signs."),
    )

    class Capacity(models.TextChoices):
        HEAD = "head", _("Head (signs in own name)")
        DEPUTY = "deputy", _("Deputy signing for the head (KT.)")
        ACTING = "acting", _("Acting head (Q.)")

    signing_capacity = models.CharField(
        _("signing capacity"), max_length=10, choices=Capacity.choices, default=Capacity.HEAD
    )
    saved_signature = models.FileField(
        _("saved signature"), storage=private_storage, upload_to="saved-signatures/", blank=True
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(province__isnull=True),
                name="user_unit_or_board_province",
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username

    def get_short_name(self):
        return self.full_name or self.username

    @property
    def is_board_officer(self) -> bool:
        return self.province_id is not None and self.unit_id is None

    def capacity_lines(self, head_title: str) -> tuple[str, str]:
        """Return the two title lines of a signature block (Nghị định 30/2020).

        The head signs as "GIÁM ĐỐC"; a deputy as "KT. GIÁM ĐỐC" over "PHÓ GIÁM ĐỐC";
        an acting head as "Q. GIÁM ĐỐC".
        """
        head = head_title.upper()
        if self.signing_capacity == self.Capacity.DEPUTY:
            return f"KT. {head}", (self.position or "").upper()
        if self.signing_capacity == self.Capacity.ACTING:
            return f"Q. {head}", ""
        return head, ""


class RemoteSigningAccount(models.Model):
    """A person's remote-signing account (Tài khoản ký số từ xa): which CSC provider holds their
    certificate, and the credential's identifier there. Linked once; the provider's own client
    credentials are the province's configuration (settings), never stored here."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="remote_signing")
    provider = models.CharField(_("provider"), max_length=40)
    credential_id = models.CharField(_("credential"), max_length=255)
    linked_at = models.DateTimeField(_("linked at"))

    class Meta:
        verbose_name = _("remote-signing account")
        verbose_name_plural = _("remote-signing accounts")

    def __str__(self):
        return f"{self.user} – {self.provider}"
