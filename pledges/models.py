"""The year's pledge, its commitments, its signatures and its audit trail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from blocs.models import Province, Term, Unit
from core.models import AppendOnly, Event
from core.storage import private_storage


class PledgeQuerySet(models.QuerySet):
    def for_document(self):
        """Everything the document and the progress page show, in a fixed number of queries."""
        return self.select_related("term__bloc__province").prefetch_related(
            "items",
            models.Prefetch("required_signers", queryset=RequiredSigner.objects.select_related("unit", "excused_by")),
            models.Prefetch(
                "signatures", queryset=Signature.objects.select_related("signer", "recorded_by", "disputed_by")
            ),
            models.Prefetch("revisions", queryset=Revision.objects.order_by("number")),
        )


class Pledge(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Being signed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    term = models.ForeignKey(Term, verbose_name=_("year"), on_delete=models.PROTECT, related_name="pledges")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=255)
    place = models.CharField(_("place"), max_length=100, help_text=_("e.g. Nam Định"))
    signing_date = models.DateField(_("signing date"))
    legal_grounds = models.TextField(_("legal grounds"), blank=True, help_text=_("One ground per line."))
    introduction = models.TextField(_("introduction"), blank=True)
    slogan = models.CharField(_("slogan"), max_length=255, blank=True)
    implementation = models.TextField(_("implementation"), blank=True)
    signing_deadline = models.DateField(_("signing deadline"), null=True, blank=True)
    # Frozen when the pledge opens: the names as on the signing date.
    bloc_name = models.CharField(_("bloc name"), max_length=255, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=255, blank=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, blank=True)
    hash_version = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("created at"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True)
    comments_until = models.DateField(_("comments open until"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The public verification code, printed on every page (set when the pledge opens).
    verification_code = models.CharField(_("verification code"), max_length=16, null=True, blank=True, unique=True)

    class PdfStatus(models.TextChoices):
        NONE = "none", _("Not produced")
        PENDING = "pending", _("Pending")
        READY = "ready", _("Ready")

    pdf_status = models.CharField(_("signed PDF"), max_length=10, choices=PdfStatus.choices, default=PdfStatus.NONE)
    pdf_file = models.FileField(storage=private_storage, upload_to="pledge-pdfs/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64, blank=True)
    pdf_error = models.CharField(_("last PDF error"), max_length=500, blank=True)
    # The frozen document as a PDF, rendered once after opening, for heads who sign with a digital certificate.
    frozen_pdf = models.FileField(storage=private_storage, upload_to="frozen-pdfs/", blank=True)

    class SigningMode(models.TextChoices):
        DIGITAL = "digital", _("Digital signatures — the electronic original")
        IMAGE = "image", _("Signature images — an electronic record")

    # Chosen when the pledge opens. Digital: one PDF every head signs in turn with their own
    # certificate (``Revision``); image: today's images under the application's seal.
    signing_mode = models.CharField(
        _("signing mode"), max_length=10, choices=SigningMode.choices, default=SigningMode.IMAGE
    )
    # Frozen from the province's rule when the pledge opens (digital mode only).
    seals_required = models.BooleanField(_("agency seals required"), default=False)

    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-term__year", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["term"], condition=~Q(status="cancelled"), name="one_live_pledge_per_term"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pledges:detail", args=[self.pk])

    @property
    def is_digital(self) -> bool:
        return self.signing_mode == self.SigningMode.DIGITAL

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    def grounds(self) -> list[str]:
        return [line.strip() for line in self.legal_grounds.splitlines() if line.strip()]


class PledgeItem(models.Model):
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("commitment"))

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["pledge_id", "position", "id"]

    def __str__(self):
        return f"{self.position}. {self.text[:60]}"


class RequiredSigner(models.Model):
    """A member unit that must sign, fixed when the pledge opens, with its names on the signing date."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="required_signers")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()
    unit_name = models.CharField(_("unit name"), max_length=255)
    head_title = models.CharField(_("title of the head"), max_length=100)
    excused_at = models.DateTimeField(_("excused at"), null=True, blank=True)
    excused_reason = models.CharField(_("reason"), max_length=255, blank=True)
    excused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("excused by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("required signer")
        verbose_name_plural = _("required signers")
        ordering = ["pledge_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "unit"], name="required_signer_once"),
        ]

    def __str__(self):
        return self.unit_name


class Signature(AppendOnly):
    """A unit's signature: evidence, written once.

    The one change a signature takes is a dispute of a paper signature by the people of its unit,
    stamped once (``disputed_*``, by a conditional update in ``pledges.services``): a disputed
    signature stays on record, no longer counts, and the unit may sign (or be recorded) again.
    """

    class Kind(models.TextChoices):
        DRAWN = "drawn", _("Drawn")
        TYPED = "typed", _("Typed")
        SAVED = "saved", _("Saved image")
        PAPER = "paper", _("Paper")
        DIGITAL = "digital", _("Digital certificate (ký số)")

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="signatures")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="signatures"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What was true when signing.
    unit_name = models.CharField(_("unit name"), max_length=255)
    signer_name = models.CharField(_("signer's full name"), max_length=150)
    signer_position = models.CharField(_("position"), max_length=150, blank=True)
    capacity = models.CharField(_("signing capacity"), max_length=120)
    capacity_title = models.CharField(_("title under the capacity"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    image = models.FileField(storage=private_storage, upload_to="signatures/", blank=True)
    # The unit's seal as it was when signing, copied from the unit.
    seal_image = models.FileField(storage=private_storage, upload_to="signature-seals/", blank=True)
    scan = models.FileField(storage=private_storage, upload_to="paper-scans/", blank=True)
    # A digital signature: the signed PDF as uploaded and what its certificate says.
    signed_file = models.FileField(storage=private_storage, upload_to="digitally-signed/", blank=True)
    # In digital mode: the revision of the one document this signature made.
    revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("revision")
    )
    certificate_subject = models.CharField(_("certificate subject"), max_length=500, blank=True)
    certificate_issuer = models.CharField(_("certificate issuer"), max_length=500, blank=True)
    certificate_valid_from = models.DateTimeField(_("certificate valid from"), null=True, blank=True)
    certificate_valid_until = models.DateTimeField(_("certificate valid until"), null=True, blank=True)
    certificate_trusted = models.BooleanField(
        _("certificate chain trusted"), null=True, blank=True, help_text=_("Empty: no trust roots configured.")
    )
    signed_at = models.DateTimeField(_("signed at"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=400, blank=True)
    content_hash = models.CharField(_("content hash seen"), max_length=64)
    form_token = models.CharField(max_length=64, blank=True)
    # A paper signature the unit's own people say is not theirs.
    disputed_at = models.DateTimeField(_("disputed at"), null=True, blank=True)
    disputed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disputed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispute_reason = models.CharField(_("reason for the dispute"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["pledge_id", "signed_at", "id"]
        constraints = [
            # One signature that counts per unit; a disputed one stays beside its replacement.
            models.UniqueConstraint(
                fields=["pledge", "unit"], condition=Q(disputed_at__isnull=True), name="one_signature_per_unit"
            ),
        ]

    def __str__(self):
        return f"{self.signer_name} – {self.unit_name}"

    @property
    def counts(self) -> bool:
        """Whether the signature counts towards completing the pledge (a disputed one does not)."""
        return self.disputed_at is None

    @property
    def from_paper(self) -> bool:
        return self.kind == self.Kind.PAPER


class Revision(AppendOnly):
    """One revision of a digitally signed pledge: revision 0 is the frozen document with its empty
    signature fields; every later one adds one signature (a head's, or an agency's seal) as an
    incremental update of the one before. The file is kept as written, with its SHA-256."""

    class Kind(models.TextChoices):
        FROZEN = "frozen", _("Frozen document")
        HEAD = "head", _("Head's signature")
        SEAL = "seal", _("Agency's seal")
        VALIDATION = "validation", _("Validation data (certificates, OCSP, CRL)")
        ARCHIVE = "archive", _("Archive timestamp")

    class Method(models.TextChoices):
        CSC = "csc", _("Remote signing (CSC)")
        UPLOAD = "upload", _("Signing tool or USB token (upload)")
        PLUGIN = "plugin", _("Signing plugin")

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("revision"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, blank=True)
    field_name = models.CharField(_("signature field"), max_length=40, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField(_("unit name"), max_length=255, blank=True)
    signer_name = models.CharField(_("signer's full name"), max_length=150, blank=True)
    file = models.FileField(storage=private_storage, upload_to="pledge-revisions/")
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    certificate_subject = models.CharField(_("certificate subject"), max_length=500, blank=True)
    certificate_issuer = models.CharField(_("certificate issuer"), max_length=500, blank=True)
    certificate_serial = models.CharField(_("certificate serial number"), max_length=64, blank=True)
    certificate_fingerprint = models.CharField(_("certificate SHA-256"), max_length=64, blank=True)
    certificate_valid_from = models.DateTimeField(_("certificate valid from"), null=True, blank=True)
    certificate_valid_until = models.DateTimeField(_("certificate valid until"), null=True, blank=True)
    certificate_root = models.CharField(_("trusted root"), max_length=255, blank=True)
    revocation_source = models.CharField(_("revocation checked by"), max_length=10, blank=True)
    # The signer used another certificate before: accepted (it passed every rule) and shown to the board.
    certificate_changed = models.BooleanField(_("another certificate than before"), default=False)
    created_at = models.DateTimeField(_("time"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["pledge_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "number"], name="one_revision_per_number"),
            models.UniqueConstraint(
                fields=["pledge", "field_name"], condition=~Q(field_name=""), name="one_revision_per_field"
            ),
        ]

    def __str__(self):
        return f"{self.pledge_id} r{self.number} {self.get_kind_display()}"


class SigningTurn(models.Model):
    """A person's place in the line to add the next revision of a digitally signed pledge.

    Requests are served by ``place``; the one granted holds the turn until it signs, fails, gives
    it up or expires. One turn at a time per pledge (a constraint): a signature is only ever built
    on the latest revision. A holder whose turn expires keeps their place just after the next one.
    """

    class Role(models.TextChoices):
        HEAD = "head", _("Head's signature")
        SEAL = "seal", _("Agency's seal")

    class Outcome(models.TextChoices):
        SIGNED = "signed", _("Signed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Given up")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="turns")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)
    method = models.CharField(max_length=10, choices=Revision.Method.choices)
    place = models.FloatField()
    requested_at = models.DateTimeField()
    granted_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    base_number = models.PositiveSmallIntegerField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # The signing plugin's one-time download and upload addresses (a random token, used once each).
    ticket = models.CharField(max_length=64, blank=True, db_index=True)
    ticket_downloaded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("signing turn")
        verbose_name_plural = _("signing turns")
        ordering = ["pledge_id", "place"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge"],
                condition=Q(granted_at__isnull=False, finished_at__isnull=True),
                name="one_turn_at_a_time",
            ),
            models.UniqueConstraint(
                fields=["pledge", "user", "role"], condition=Q(finished_at__isnull=True), name="one_place_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.pledge_id}: {self.user} ({self.role})"

    @property
    def is_live(self) -> bool:
        return self.finished_at is None


class PledgeEvent(Event):
    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        OPENED = "opened", _("Opened for signing")
        SIGNED = "signed", _("Signed")
        PAPER_RECORDED = "paper_recorded", _("Paper signature recorded")
        SIGNATURE_REFUSED = "signature_refused", _("Signature refused")
        EXCUSED = "excused", _("Signer excused")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        REMINDED = "reminded", _("Signers reminded")
        COMMENTS_OPENED = "comments_opened", _("Opened for comments")
        COMMENTED = "commented", _("Comment made")
        COMMENT_ANSWERED = "comment_answered", _("Comment answered")
        DISPUTED = "disputed", _("Paper signature disputed by the unit")
        RECORDED_BY_ONE = "recorded_by_one", _("One person recorded or excused more than half of the signers")
        SEALED = "sealed", _("Agency seal added")
        TURN_EXPIRED = "turn_expired", _("Signing turn expired")
        SIGNING_FAILED = "signing_failed", _("Remote signing failed")
        LONG_TERM = "long_term", _("Validation data and archive timestamp added (PAdES B-LTA)")
        ARCHIVE_RENEWED = "archive_renewed", _("Archive timestamp renewed")
        ARCHIVE_FAILED = "archive_failed", _("Archive timestamp not added")

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("time"), db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("pledge event")
        verbose_name_plural = _("pledge events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%d/%m/%Y %H:%M})"


class Reminder(models.Model):
    """An e-mail reminder sent to one person about one pledge; at most one a day each."""

    class Kind(models.TextChoices):
        TO_SIGN = "to_sign", _("Reminder to sign")
        OVERDUE = "overdue", _("Overdue report to the chair")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["pledge", "user", "kind", "sent_on"], name="one_reminder_a_day"),
        ]

    def __str__(self):
        return f"{self.user} – {self.pledge} ({self.sent_on})"


class Comment(models.Model):
    """A member's comment on a draft (lấy ý kiến), on the whole draft or on one commitment."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        ANSWERED = "answered", _("Answered")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="comments")
    item = models.ForeignKey(PledgeItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments")
    item_number = models.PositiveSmallIntegerField(_("commitment number"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(_("unit"), max_length=255)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("time"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["pledge_id", "created_at", "id"]

    def __str__(self):
        return f"{self.unit_name}: {self.text[:40]}"


class PaperNotice(models.Model):
    """The e-mail telling a unit's people that a paper signature was recorded in its name: once each."""

    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("paper signature notice")
        verbose_name_plural = _("paper signature notices")
        constraints = [
            models.UniqueConstraint(fields=["signature", "user"], name="one_paper_notice_each"),
        ]

    def __str__(self):
        return f"{self.user} – {self.signature}"


class DocumentRendering(models.Model):
    """A rendering of one document's content in progress, claimed by inserting its key.

    The key is unique, so that of two requests (in any worker process) for the same content one
    renders and the other is told to come back; the row is removed when the rendering is stored.
    A row older than the stale time (a worker killed mid-rendering) may be taken over.
    """

    key = models.CharField(max_length=120, unique=True)
    started_at = models.DateTimeField()

    class Meta:
        verbose_name = _("document rendering")
        verbose_name_plural = _("document renderings")

    def __str__(self):
        return self.key


class LegalGroundQuerySet(models.QuerySet):
    def in_force_on(self, day, province=None):
        """The national grounds and *province*'s own in force on *day*, in printing order."""
        scope = Q(province__isnull=True)
        if province is not None:
            scope |= Q(province=province)
        return (
            self.filter(scope, valid_from__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
            .order_by("order", "valid_from", "id")
        )


class LegalGround(models.Model):
    """A legal basis a pledge may cite ("Căn cứ …"), with the dates it is in force.

    National ones (no province) are seeded by a migration; a board enters its province's own
    regulations. A pledge keeps the lines it printed in ``Pledge.legal_grounds``: these rows only
    suggest lines and warn about lines that cite a ground no longer in force.
    """

    text = models.CharField(
        _("text as printed"), max_length=500, help_text=_("The whole line, e.g. “Căn cứ Luật Thi đua, khen thưởng …;”")
    )
    short_name = models.CharField(_("short name"), max_length=120)
    number = models.CharField(
        _("document number"),
        max_length=60,
        blank=True,
        help_text=_("e.g. 152/2025/NĐ-CP: a line of a draft that contains it cites this ground."),
    )
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="legal_grounds",
        help_text=_("Empty: a national ground."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = LegalGroundQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal ground")
        verbose_name_plural = _("legal grounds")
        ordering = ["order", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="legal_ground_until_after_from",
            ),
        ]

    def __str__(self):
        return self.short_name

    def in_force_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
