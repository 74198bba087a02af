"""Operations' own records: the tasks that failed for good."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FailedTask(models.Model):
    """A task that failed on its last try (or overran its time limit): kept with its error, never lost.

    Written by a huey signal handler in the consumer (``ops.tasks``); an administrator queues it again
    from the admin with the arguments stored here (``ops.services.failed_task_retry``).
    """

    task_name = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    traceback = models.TextField(_("traceback"), blank=True)
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True)
    retried_at = models.DateTimeField(_("retried at"), null=True, blank=True)

    class Meta:
        ordering = ["-failed_at", "-id"]
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)}"
