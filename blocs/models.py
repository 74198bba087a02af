"""The registry: provinces, units, blocs, their yearly terms and memberships."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import models as core_models
from core.storage import private_storage
from core.text import fold


class DatedNamesMixin:
    """Names that change over time, read from prefetched ``versions``.

    ``versions`` must be prefetched by the page's queryset; the lookup itself
    never queries, so a list of units costs the same whatever its length.
    """

    def version_on(self, day: datetime.date):
        """Return the name version in force on *day* (the earliest one before any)."""
        versions = sorted(self.versions.all(), key=lambda v: v.valid_from or datetime.date.min)
        chosen = versions[0] if versions else None
        for version in versions:
            if version.valid_from is None or version.valid_from <= day:
                chosen = version
        return chosen

    def name_on(self, day: datetime.date) -> str:
        """Return the name this object had on *day*."""
        version = self.version_on(day)
        return version.name if version else self.name


class DatedName(models.Model):
    """A name its owner carries from *valid_from* until its next name; ``None`` means from the start.

    Each subclass adds the foreign key to its owner (``related_name="versions"``,
    which ``DatedNamesMixin`` reads) and its own ``Meta``: the ordering and the
    constraint name the owner's field, and the names must stay those of the
    migrations already applied.
    """

    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class BlocQuerySet(models.QuerySet):
    def for_list(self):
        """Everything the bloc list shows, in a fixed number of queries."""
        return self.select_related("province").prefetch_related(
            "versions",
            "province__versions",
            models.Prefetch("terms", queryset=Term.objects.select_related("chair").order_by("-year")),
        )


class TermQuerySet(models.QuerySet):
    def for_year_page(self):
        """Everything a bloc's year page shows, in a fixed number of queries."""
        return self.select_related("bloc__province", "review").prefetch_related(
            "bloc__versions",
            "bloc__province__versions",
            models.Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("unit").prefetch_related("unit__versions"),
            ),
        )


class Province(DatedNamesMixin, models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    merged_on = models.DateField(_("merged on"), null=True, blank=True)
    # Ký số: the roots a head's or an agency's certificate must chain to (PEM, public data), and
    # whether each unit's clerk adds the agency's signature after its head (the province's rule).
    trust_list = models.TextField(
        _("trust list"),
        blank=True,
        help_text=_(
            "The root certificates (PEM) that signing certificates must chain to, e.g. Ban Cơ yếu Chính phủ's."
        ),
    )
    requires_agency_seal = models.BooleanField(
        _("agency seals required"),
        default=False,
        help_text=_("After a unit's head signs, the unit's clerk adds the agency's digital signature."),
    )
    # Since 2025 most provinces run the board inside Sở Nội vụ: documents and e-mails name it as the province does.
    board_name = models.CharField(
        _("name of the board"),
        max_length=255,
        blank=True,
        help_text=_(
            "As documents address it, e.g. “Sở Nội vụ tỉnh Ninh Bình (Phòng Thi đua - Khen thưởng)”; "
            "empty for “Ban Thi đua - Khen thưởng tỉnh …”."
        ),
    )

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(successor=F("pk")), name="province_not_own_successor"),
        ]

    def __str__(self):
        return self.name

    def board_title(self) -> str:
        """Return the name of the province's emulation board: its own, or the default one."""
        return self.board_name or _("Emulation and Commendation Board of %(province)s province") % {
            "province": self.name
        }


class TrustedRoot(models.Model):
    """A root certificate in a province's trust list, with when it was added and (once) removed.

    ``Province.trust_list`` is the list in force; these rows are its history: a root removed later
    still tells whether a signature made while it was trusted chained to the list then.
    """

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="trusted_roots")
    sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    subject = models.CharField(_("subject"), max_length=500)
    pem = models.TextField(_("certificate (PEM)"))
    added_at = models.DateTimeField(_("added at"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("trusted root")
        verbose_name_plural = _("trusted roots")
        ordering = ["province_id", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "sha256"], condition=Q(removed_at__isnull=True), name="trusted_root_once"
            ),
        ]

    def __str__(self):
        return self.subject

    def trusted_at(self, moment) -> bool:
        return self.added_at <= moment and (self.removed_at is None or moment < self.removed_at)


class ProvinceName(DatedName):
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(_("name"), max_length=200)  # as long as Province.name

    class Meta(DatedName.Meta):
        verbose_name = _("province name")
        verbose_name_plural = _("province names")
        ordering = ["province_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["province", "valid_from"], name="province_name_once_per_date"),
        ]


class Unit(DatedNamesMixin, models.Model):
    """A provincial department or agency (sở, ban, ngành)."""

    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("full name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    head_title = models.CharField(_("title of the head"), max_length=100)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    merged_on = models.DateField(_("merged on"), null=True, blank=True)
    closed_on = models.DateField(_("left the registry on"), null=True, blank=True)
    # The decision that merged this unit into its successor (e.g. "1234/QĐ-UBND" of 15/03/2025 by UBND tỉnh).
    merger_decision_number = models.CharField(_("number of the merger decision"), max_length=100, blank=True)
    merger_decision_date = models.DateField(_("date of the merger decision"), null=True, blank=True)
    merger_decision_issuer = models.CharField(_("issuer of the merger decision"), max_length=255, blank=True)
    # The unit's seal (board-only, private): printed over the left third of its head's signature.
    seal_image = models.FileField(_("seal image"), storage=private_storage, upload_to="unit-seals/", blank=True)
    search_text = models.CharField(max_length=400, editable=False, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["province", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="unit_code_unique_in_province"),
            models.CheckConstraint(condition=~Q(successor=F("pk")), name="unit_not_own_successor"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # A folded copy makes "so y te" find "Sở Y tế" on SQLite and PostgreSQL alike.
        self.search_text = fold(f"{self.code} {self.name} {self.short_name}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"code", "name", "short_name"} & set(update_fields):
            # Saving the searched fields alone would leave the folded copy stale (a renamed unit not found).
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blocs:unit_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.successor_id is None and self.closed_on is None

    def short_name_on(self, day: datetime.date) -> str:
        version = self.version_on(day)
        return version.short_name if version else self.short_name

    def head_title_on(self, day: datetime.date) -> str:
        version = self.version_on(day)
        return version.head_title if version else self.head_title


class UnitName(DatedName):
    """A unit's name, short name and head's title from a date: a renamed department's head changes title too."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(_("full name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    head_title = models.CharField(_("title of the head"), max_length=100)

    class Meta(DatedName.Meta):
        verbose_name = _("unit name")
        verbose_name_plural = _("unit names")
        ordering = ["unit_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_from"], name="unit_name_once_per_date"),
        ]


class Bloc(DatedNamesMixin, models.Model):
    """An emulation bloc (khối) or cluster (cụm) of units in one province."""

    class Kind(models.TextChoices):
        BLOC = "khoi", _("Emulation bloc")
        CLUSTER = "cum", _("Emulation cluster")

    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="blocs")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BLOC)
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    formed_from = models.ManyToManyField(
        "self",
        verbose_name=_("formed from"),
        symmetrical=False,
        blank=True,
        related_name="successors",
    )

    objects = BlocQuerySet.as_manager()

    class Meta:
        verbose_name = _("bloc")
        verbose_name_plural = _("blocs")
        ordering = ["province", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="bloc_code_unique_in_province"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blocs:bloc_detail", args=[self.pk])


class BlocName(DatedName):
    bloc = models.ForeignKey(Bloc, on_delete=models.CASCADE, related_name="versions")

    class Meta(DatedName.Meta):
        verbose_name = _("bloc name")
        verbose_name_plural = _("bloc names")
        ordering = ["bloc_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["bloc", "valid_from"], name="bloc_name_once_per_date"),
        ]


def _role(verbose_name) -> models.ForeignKey:
    """A role of a term held by one unit (none until assigned); the unit keeps no reverse link."""
    return models.ForeignKey(
        Unit, verbose_name=verbose_name, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


# The years a term may have (the ``term_year_plausible`` constraint); pages refuse other years with a 404.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class Term(models.Model):
    """One bloc's emulation year: its members and its chair and vice-chair."""

    MIN_YEAR, MAX_YEAR = FIRST_YEAR, LAST_YEAR

    bloc = models.ForeignKey(Bloc, verbose_name=_("bloc"), on_delete=models.PROTECT, related_name="terms")
    year = models.PositiveSmallIntegerField(_("year"))
    chair = _role(_("chair"))
    vice_chair = _role(_("vice-chair"))
    roles_reference = models.CharField(_("decision or minutes"), max_length=255, blank=True)
    vice_chair_acting = models.BooleanField(_("vice-chair acting"), default=False)
    vice_chair_acting_reason = models.CharField(_("reason"), max_length=255, blank=True)
    # Next year's chair and vice-chair as this year's year-end meeting elected them: the rollover
    # proposes them over the rotation (set through ``term_next_roles_set``).
    next_chair = _role(_("chair elected for next year"))
    next_vice_chair = _role(_("vice-chair elected for next year"))
    next_roles_reference = models.CharField(_("minutes of the election"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["bloc", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["bloc", "year"], name="term_once_per_bloc_year"),
            models.CheckConstraint(
                condition=Q(chair__isnull=True) | Q(vice_chair__isnull=True) | ~Q(chair=F("vice_chair")),
                name="term_chair_differs_from_vice_chair",
            ),
            models.CheckConstraint(condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="term_year_plausible"),
        ]

    def __str__(self):
        return f"{self.bloc} – {self.year}"

    def get_absolute_url(self):
        return reverse("blocs:term_detail", args=[self.bloc_id, self.year])

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def contains(self, day: datetime.date) -> bool:
        return day.year == self.year

    def as_of(self, today: datetime.date) -> datetime.date:
        """Return the date whose names this term's page shows: year end, or today."""
        return min(self.last_day, max(self.first_day, today))

    def running_unit_ids(self) -> list[int]:
        """Return the units whose people run this year: the chair's, and the vice-chair's while it acts."""
        units = [self.chair_id] + ([self.vice_chair_id] if self.vice_chair_acting else [])
        return [unit for unit in units if unit]

    def role_tasks(self) -> list[str]:
        """Return what is missing in the roles, from prefetched ``memberships``."""
        active = {m.unit_id for m in self.memberships.all() if m.left_on is None}
        if not active:
            return []  # every member has left: the term is over (e.g. its province merged)
        tasks = []
        if self.chair_id is None or self.chair_id not in active:
            tasks.append(str(_("Assign a chair: the chair is missing or no longer a member.")))
        if self.vice_chair_id is None or self.vice_chair_id not in active:
            tasks.append(str(_("Assign a vice-chair: the vice-chair is missing or no longer a member.")))
        return tasks


class Membership(models.Model):
    """A unit's membership of a term, with the dates it joined and left."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["term_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "unit"], name="membership_once_per_term"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="membership_leaves_after_joining",
            ),
        ]

    def __str__(self):
        return f"{self.unit} – {self.term}"

    @property
    def as_of(self) -> datetime.date:
        """Return the last date this unit was a member in the term's year."""
        return self.left_on or datetime.date(self.joined_on.year, 12, 31)


class RoleAssignment(models.Model):
    """The history of who chaired a term, and by which decision or minutes."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="role_assignments")
    chair = models.ForeignKey(Unit, verbose_name=_("chair"), on_delete=models.PROTECT, related_name="+")
    vice_chair = models.ForeignKey(Unit, verbose_name=_("vice-chair"), on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("decision or minutes"), max_length=255, blank=True)
    effective_on = models.DateField(_("effective on"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["term_id", "effective_on", "id"]

    def __str__(self):
        return f"{self.term}: {self.chair} / {self.vice_chair}"


class Event(core_models.Event):
    """The audit trail of the registry. Rows are only ever added.

    ``details`` keeps the names as they were written, so that a history reads
    the same after units are renamed and costs no further queries.
    """

    class Kind(models.TextChoices):
        PROVINCE_CREATED = "province_created", _("Province created")
        PROVINCE_MERGED = "province_merged", _("Province merged")
        PROVINCE_SIGNING_SET = "province_signing_set", _("Digital signing rules set")
        PROVINCE_BOARD_NAMED = "province_board_named", _("Board's name set")
        UNIT_CREATED = "unit_created", _("Unit created")
        UNIT_UPDATED = "unit_updated", _("Unit updated")
        UNIT_RENAMED = "unit_renamed", _("Unit renamed")
        UNIT_MERGED = "unit_merged", _("Unit merged")
        UNIT_CLOSED = "unit_closed", _("Unit left the registry")
        UNIT_SEAL_SET = "unit_seal_set", _("Unit seal image set")
        BLOC_CREATED = "bloc_created", _("Bloc created")
        BLOC_UPDATED = "bloc_updated", _("Bloc updated")
        BLOC_RENAMED = "bloc_renamed", _("Bloc renamed")
        TERM_CREATED = "term_created", _("Year created")
        TERM_ROLLED_OVER = "term_rolled_over", _("Rolled over to the next year")
        MEMBER_ADDED = "member_added", _("Member added")
        MEMBER_ENDED = "member_ended", _("Membership ended")
        ROLES_ASSIGNED = "roles_assigned", _("Chair and vice-chair assigned")
        VICE_CHAIR_ACTING = "vice_chair_acting", _("Vice-chair acting switched")
        NEXT_ROLES_SET = "next_roles_set", _("Next year's chair and vice-chair elected")
        USER_INVITED = "user_invited", _("User invited")
        USER_DEACTIVATED = "user_deactivated", _("User deactivated")
        USER_UPDATED = "user_updated", _("User updated")

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="events")
    bloc = models.ForeignKey(Bloc, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    term = models.ForeignKey(Term, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    summary = models.CharField(_("summary"), max_length=500)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary}"
