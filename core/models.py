"""Abstract models every app's audit trail shares, the outgoing e-mail and the notices given."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock


class AppendOnly(models.Model):
    """Rows that are evidence: written once, never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # The trail is evidence: refuse to rewrite a row that exists.
        if self.pk is not None:
            raise ValueError("This record is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("This record is append-only.")


class Event(AppendOnly):
    """One row of an audit trail: who did what (``kind``, declared by each trail), with its details.

    Each concrete trail adds its ``kind`` choices, ``created_at`` and what the event is about
    (a pledge, a term, a unit …); ``record`` is the one way services write a row.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def record(cls, **fields) -> "Event":
        """Append one event; its time is the services' clock unless the trail stamps rows itself."""
        if not cls._meta.get_field("created_at").auto_now_add:
            fields.setdefault("created_at", clock.now())
        return cls.objects.create(**fields)


class OutgoingEmail(models.Model):
    """One e-mail to one address, written in the transaction that decided to send it; a task sends it.

    ``queued`` until a consumer claims it (``sending``), then ``sent``; ``failed`` with the error once
    every try has failed (an administrator can queue it again). A request never talks to the mail server.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["status", "created_at"], name="core_outgoing_status_idx")]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class Notice(models.Model):
    """One notification e-mail given to one person: the claim that makes each notice go out once.

    *kind* names what it is about (``pledge_opened`` …, declared with ``core.notify.register``);
    *key* names the occasion (the pledge, the day …). The unique constraint is what stops a
    repeated action, a retried task or two consumers at once from sending the same notice twice.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("occasion"), max_length=100)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "key"], name="notice_once")]

    def __str__(self):
        return f"{self.kind} {self.key} → {self.user_id}"


class NoticeOptOut(models.Model):
    """A kind of notice a person switched off (only kinds that do not ask them to act by a deadline)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_opt_outs")
    kind = models.CharField(_("kind"), max_length=40)

    class Meta:
        verbose_name = _("notice switched off")
        verbose_name_plural = _("notices switched off")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notice_opt_out_once")]

    def __str__(self):
        return f"{self.user_id}: {self.kind}"
