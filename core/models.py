"""Abstract models every app's audit trail shares; no concrete model lives here."""

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
