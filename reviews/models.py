"""The year-end review: a term's scoring table, as data."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from blocs.models import Term
from core.models import Event
from core.storage import private_storage
from reviews import scoring


class ScoringTableQuerySet(models.QuerySet):
    def with_parts(self):
        """The table with its groups, criteria, lines and bands, in a fixed number of queries."""
        return self.prefetch_related("groups__criteria", "lines", "bands")


class ScoringTable(models.Model):
    """Groups → criteria → maximum points, bonus and penalty lines with limits, and bands with floors."""

    term = models.OneToOneField(Term, verbose_name=_("year"), on_delete=models.PROTECT, related_name="scoring_table")
    total = models.DecimalField(_("total points"), max_digits=7, decimal_places=1)
    bonus_limit = models.DecimalField(_("bonus limit"), max_digits=7, decimal_places=1, null=True, blank=True)
    penalty_limit = models.DecimalField(_("penalty limit"), max_digits=7, decimal_places=1, null=True, blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    objects = ScoringTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring table")
        verbose_name_plural = _("scoring tables")

    def __str__(self):
        return f"{self.term} ({self.total})"

    def criteria(self) -> list["Criterion"]:
        return [criterion for group in self.groups.all() for criterion in group.criteria.all()]

    def spec(self) -> scoring.TableSpec:
        """Return the table for ``reviews.scoring``, from prefetched parts (no queries)."""
        lines = list(self.lines.all())

        def of(kind):
            return tuple(scoring.LineSpec(x.code, x.points, x.repeatable) for x in lines if x.kind == kind)

        return scoring.TableSpec(
            criteria=tuple(scoring.CriterionSpec(c.code, c.max_points) for c in self.criteria()),
            bonus_lines=of(AdjustmentLine.Kind.BONUS),
            bonus_limit=self.bonus_limit,
            penalty_lines=of(AdjustmentLine.Kind.PENALTY),
            penalty_limit=self.penalty_limit,
            bands=tuple(scoring.BandSpec(b.name, b.min_total, b.min_share) for b in self.bands.all()),
        )


class ScoreGroup(models.Model):
    table = models.ForeignKey(ScoringTable, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=500)
    order = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("criteria group")
        verbose_name_plural = _("criteria groups")
        ordering = ["table_id", "order"]

    def __str__(self):
        return f"{self.code}. {self.title}"


class Criterion(models.Model):
    group = models.ForeignKey(ScoreGroup, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=500)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=1)
    guidance = models.TextField(_("guidance"), blank=True)
    pledge_item_number = models.PositiveSmallIntegerField(_("pledge commitment"), null=True, blank=True)
    order = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["group_id", "order"]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_points__gt=0), name="criterion_max_positive"),
        ]

    def __str__(self):
        return f"{self.code} ({self.max_points})"


class AdjustmentLine(models.Model):
    class Kind(models.TextChoices):
        BONUS = "bonus", _("Bonus")
        PENALTY = "penalty", _("Penalty")

    table = models.ForeignKey(ScoringTable, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=500)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=1)
    repeatable = models.BooleanField(_("repeatable"), default=False)
    order = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("bonus or penalty line")
        verbose_name_plural = _("bonus and penalty lines")
        ordering = ["table_id", "kind", "order"]

    def __str__(self):
        return f"{self.code} ({self.points})"


class Band(models.Model):
    table = models.ForeignKey(ScoringTable, on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(_("name"), max_length=100)
    min_total = models.DecimalField(_("minimum total"), max_digits=7, decimal_places=1)
    min_share = models.DecimalField(
        _("minimum share of each criterion"), max_digits=4, decimal_places=3, default=Decimal("0")
    )
    order = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("band")
        verbose_name_plural = _("bands")
        ordering = ["table_id", "order"]

    def __str__(self):
        return self.name


class ReviewEvent(Event):
    """The audit trail of a term's review."""

    class Kind(models.TextChoices):
        TABLE_SET = "table_set", _("Scoring table set")
        BALLOT_OPENED = "ballot_opened", _("Ballot opened")
        VOTED = "voted", _("Ballot cast")
        BALLOT_CLOSED = "ballot_closed", _("Ballot counted")
        ELECTED = "elected", _("Next year's chair and vice-chair elected")
        DOSSIER_SUBMITTED = "dossier_submitted", _("Dossier submitted to the board")
        DOSSIER_RETURNED = "dossier_returned", _("Dossier returned by the board")
        PROPOSAL_PASSED = "proposal_passed", _("Proposal passed by the board")
        PROPOSAL_CUT = "proposal_cut", _("Proposal cut by the board")
        DECIDED = "decided", _("Decision recorded")
        TABLE_FROZEN = "table_frozen", _("Scoring table frozen")
        OPENED = "opened", _("Self-assessment opened")
        SUBMITTED = "submitted", _("Self-assessment submitted")
        EVIDENCE_ADDED = "evidence_added", _("Evidence file attached")
        EVIDENCE_REMOVED = "evidence_removed", _("Evidence file removed")
        REMINDED = "reminded", _("Reminder sent")
        STARTED = "started", _("Bloc review started")
        ADJUSTED = "adjusted", _("Score adjusted")
        CLOSED = "closed", _("Review closed")

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="review_events")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.term}"


class Review(models.Model):
    """A term's year-end review: self-assessment, then the bloc's review, then the closed ranking."""

    class Status(models.TextChoices):
        SELF_ASSESSMENT = "self", _("Self-assessment")
        REVIEW = "review", _("Bloc review")
        CLOSED = "closed", _("Closed")

    term = models.OneToOneField(Term, verbose_name=_("year"), on_delete=models.PROTECT, related_name="review")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SELF_ASSESSMENT)
    deadline = models.DateField(_("self-assessment deadline"))
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return f"{self.term} – {self.get_status_display()}"


class SelfAssessment(models.Model):
    """One member unit's self-scoring (tự chấm điểm), submitted by its head."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being filled in")
        SUBMITTED = "submitted", _("Submitted")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey("blocs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(_("unit"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["review_id", "unit_name"]
        constraints = [models.UniqueConstraint(fields=["review", "unit"], name="one_assessment_per_unit")]

    def __str__(self):
        return self.unit_name


class CriterionScore(models.Model):
    """A unit's score on one criterion: its own, and the bloc's adjustment (which counts) with the reason."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    self_score = models.DecimalField(_("self score"), max_digits=6, decimal_places=1)
    evidence_note = models.TextField(_("evidence"), blank=True)
    adjusted_score = models.DecimalField(_("adjusted score"), max_digits=6, decimal_places=1, null=True, blank=True)
    adjust_reason = models.CharField(_("reason for the adjustment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="one_score_per_criterion")]

    def __str__(self):
        return f"{self.criterion.code}: {self.counted}"

    @property
    def counted(self) -> Decimal:
        return self.adjusted_score if self.adjusted_score is not None else self.self_score


class Claim(models.Model):
    """A bonus or penalty line claimed by a unit, with how many times."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="claims")
    line = models.ForeignKey(AdjustmentLine, on_delete=models.PROTECT, related_name="+")
    times = models.PositiveSmallIntegerField(_("times"), default=1)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("bonus or penalty claim")
        verbose_name_plural = _("bonus and penalty claims")
        constraints = [models.UniqueConstraint(fields=["assessment", "line"], name="one_claim_per_line")]

    def __str__(self):
        return f"{self.line.code} × {self.times}"


def evidence_path(instance, filename):
    return f"evidence/{instance.assessment.review.term_id}/{instance.assessment_id}/{filename}"


class Evidence(models.Model):
    """A file a unit attaches to its self-assessment (PDF or image, checked by content, served by an access check)."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["assessment_id", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class ReviewReminder(models.Model):
    """An e-mail reminder to submit a self-assessment, sent to one person at most once a day."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("self-assessment reminder")
        verbose_name_plural = _("self-assessment reminders")
        constraints = [models.UniqueConstraint(fields=["review", "user", "sent_on"], name="one_review_reminder_a_day")]

    def __str__(self):
        return f"{self.user} – {self.review} ({self.sent_on})"


# Nominations: award forms and the secret ballot ----------------------------------------------


class AwardForm(models.Model):
    """An award a bloc may propose units for, in one province and year, with its default quota per bloc."""

    province = models.ForeignKey("blocs.Province", on_delete=models.PROTECT, related_name="award_forms")
    year = models.PositiveSmallIntegerField(_("year"))
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=255)
    default_quota = models.PositiveSmallIntegerField(_("quota per bloc"))
    order = models.PositiveSmallIntegerField(_("order"), default=1, help_text=_("Higher awards first."))

    class Meta:
        verbose_name = _("award form")
        verbose_name_plural = _("award forms")
        ordering = ["province", "year", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["province", "year", "code"], name="one_award_form_code")]

    def __str__(self):
        return f"{self.name} ({self.year})"


class AwardQuota(models.Model):
    """A term's own quota for an award form (a large bloc may get 2 flags)."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="award_quotas")
    award_form = models.ForeignKey(AwardForm, on_delete=models.CASCADE, related_name="+")
    quota = models.PositiveSmallIntegerField(_("quota"))

    class Meta:
        verbose_name = _("award quota of a bloc")
        verbose_name_plural = _("award quotas of blocs")
        constraints = [models.UniqueConstraint(fields=["term", "award_form"], name="one_quota_per_term_and_form")]

    def __str__(self):
        return f"{self.term}: {self.award_form.code} × {self.quota}"


class BallotRule(models.Model):
    """The minimum turnout before a round of a bloc's secret ballot can be counted, in one province and year.

    Without a row, two thirds of the members at opening (rounded up); Bắc Ninh's rules, for
    instance, ask 80 % for award meetings. Set by the board beside the year's award forms.
    """

    province = models.ForeignKey("blocs.Province", on_delete=models.PROTECT, related_name="ballot_rules")
    year = models.PositiveSmallIntegerField(_("year"))
    min_turnout_percent = models.PositiveSmallIntegerField(
        _("minimum turnout (percentage of the members at opening)"), null=True, blank=True
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("ballot rule")
        verbose_name_plural = _("ballot rules")
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="one_ballot_rule_per_province_year"),
            models.CheckConstraint(
                condition=models.Q(min_turnout_percent__isnull=True)
                | models.Q(min_turnout_percent__gte=1, min_turnout_percent__lte=100),
                name="ballot_turnout_is_a_percentage",
            ),
        ]

    def __str__(self):
        return f"{self.province} {self.year}: {self.min_turnout_percent or '2/3'}"


class Ballot(models.Model):
    """One round of the bloc's secret ballot (bỏ phiếu kín) on its award proposals."""

    class Status(models.TextChoices):
        OPEN = "open", _("Voting")
        CLOSED = "closed", _("Counted")

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="ballots")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_round")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    threshold = models.PositiveSmallIntegerField(_("votes needed to pass"))
    members_at_opening = models.PositiveSmallIntegerField(_("members at opening"))
    # Fixed at opening from the province's ``BallotRule``: a round with fewer papers is not counted.
    min_papers = models.PositiveSmallIntegerField(_("papers needed to count"))
    min_band = models.CharField(_("candidates reaching band"), max_length=100, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["term_id", "round"]
        constraints = [
            models.UniqueConstraint(fields=["term", "round"], name="one_ballot_per_round"),
            models.UniqueConstraint(
                fields=["term"], condition=models.Q(status="open"), name="one_open_ballot_per_term"
            ),
        ]

    def __str__(self):
        return f"{self.term} – {self.round}"


class BallotSeat(models.Model):
    """How many units one award form may take in this round."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="seats")
    award_form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="+")
    seats = models.PositiveSmallIntegerField(_("seats"))

    class Meta:
        verbose_name = _("award form on a ballot")
        verbose_name_plural = _("award forms on a ballot")
        ordering = ["ballot_id", "award_form__order", "award_form_id"]
        constraints = [models.UniqueConstraint(fields=["ballot", "award_form"], name="one_seat_row_per_form")]

    def __str__(self):
        return f"{self.award_form.code} × {self.seats}"


class Candidate(models.Model):
    """A unit that may be chosen for one award form in one round."""

    seat = models.ForeignKey(BallotSeat, on_delete=models.CASCADE, related_name="candidates")
    unit = models.ForeignKey("blocs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(_("unit"), max_length=255)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["seat_id", "unit_name"]
        constraints = [models.UniqueConstraint(fields=["seat", "unit"], name="one_candidacy_per_form")]

    def __str__(self):
        return self.unit_name


class Voter(models.Model):
    """Who has voted in a round: kept apart from what was voted (``Paper``)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="voters")
    unit = models.ForeignKey("blocs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(_("unit"), max_length=255)
    voted_at = models.DateTimeField(_("voted at"))

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        ordering = ["ballot_id", "unit_name"]
        constraints = [models.UniqueConstraint(fields=["ballot", "unit"], name="one_vote_per_unit")]

    def __str__(self):
        return self.unit_name


class Paper(models.Model):
    """A cast ballot paper: a random identifier and the round, and nothing about who, when or from where."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="papers")

    class Meta:
        verbose_name = _("ballot paper")
        verbose_name_plural = _("ballot papers")

    def __str__(self):
        return str(self.id)


class Mark(models.Model):
    """One choice on a paper (a candidate for an award form), with a random identifier."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="marks")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="marks")

    class Meta:
        verbose_name = _("ballot mark")
        verbose_name_plural = _("ballot marks")
        constraints = [models.UniqueConstraint(fields=["paper", "candidate"], name="one_mark_per_candidate")]

    def __str__(self):
        return str(self.id)


class Election(models.Model):
    """Next year's chair and vice-chair, elected at this year's year-end meeting."""

    class Method(models.TextChoices):
        BALLOT = "ballot", _("By ballot (more than half of the members)")
        ACCLAMATION = "acclamation", _("By acclamation")

    term = models.OneToOneField(Term, on_delete=models.PROTECT, related_name="election")
    chair = models.ForeignKey(
        "blocs.Unit", verbose_name=_("chair of next year"), on_delete=models.PROTECT, related_name="+"
    )
    vice_chair = models.ForeignKey(
        "blocs.Unit", verbose_name=_("vice-chair of next year"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("how"), max_length=15, choices=Method.choices)
    chair_votes = models.PositiveSmallIntegerField(_("votes for the chair"), null=True, blank=True)
    vice_chair_votes = models.PositiveSmallIntegerField(_("votes for the vice-chair"), null=True, blank=True)
    members = models.PositiveSmallIntegerField(_("members voting"))
    reference = models.CharField(_("minutes"), max_length=255)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("election of the chair and vice-chair")
        verbose_name_plural = _("elections of the chair and vice-chair")

    def __str__(self):
        return f"{self.term}: {self.chair} / {self.vice_chair}"


# The bloc's dossier to the board, and the board's decisions -----------------------------------------


class Dossier(models.Model):
    """What the bloc sends the board after its year-end meeting: the cover request (tờ trình), the minutes
    (biên bản) with the scores and the ballot, and the signed pledge; the board passes or cuts each proposal."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SUBMITTED = "submitted", _("Submitted to the board")
        RETURNED = "returned", _("Returned by the board")
        DECIDED = "decided", _("Decided")

    term = models.OneToOneField(Term, on_delete=models.PROTECT, related_name="dossier")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    number = models.CharField(_("number of the cover request"), max_length=60, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    signed_on = models.DateField(_("date of the cover request"), null=True, blank=True)
    recipients = models.TextField(_("recipients (Nơi nhận)"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_comment = models.TextField(_("the board's comment"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_signer = models.CharField(_("signed by"), max_length=150, blank=True)
    minutes_pdf = models.FileField(storage=private_storage, upload_to="dossiers/", blank=True)
    request_pdf = models.FileField(storage=private_storage, upload_to="dossiers/", blank=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self):
        return f"{self.term} – {self.get_status_display()}"


class Proposal(models.Model):
    """A unit the bloc proposes for an award form, as its ballot decided; the board passes or cuts it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        PASSED = "passed", _("Passed")
        CUT = "cut", _("Cut")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="proposals")
    award_form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("blocs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(_("unit"), max_length=255)
    # None when its round had too few papers for its votes to be shown (``selectors.MIN_PAPERS_SHOWN``).
    votes = models.PositiveSmallIntegerField(_("votes"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["dossier_id", "award_form__order", "-votes", "unit_name"]
        constraints = [models.UniqueConstraint(fields=["dossier", "award_form", "unit"], name="one_proposal_per_unit")]

    def __str__(self):
        return f"{self.unit_name} – {self.award_form.name}"
