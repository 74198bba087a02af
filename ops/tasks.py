"""Operations' periodic tasks (daily reminders, the consumer's heartbeat) and the record of failed tasks."""

import datetime
import logging
import zoneinfo

from django.conf import settings
from django.utils import timezone
from huey import signals
from huey.contrib.djhuey import HUEY, db_periodic_task, signal

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "consumer-heartbeat"


def at_seven_local(moment: datetime.datetime) -> bool:
    """Match 07:00 in the site's time zone (huey gives naive UTC times: ``HUEY["utc"]``)."""
    local = moment.replace(tzinfo=datetime.UTC).astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return local.hour == 7 and local.minute == 0


@db_periodic_task(at_seven_local)
def daily_reminders() -> str:
    """Remind heads before a deadline and report overdue pledges, as ``manage.py send_reminders`` does.

    Once a day is safe to repeat: each reminder claims a row per person and day (``core.mail.mail_once``).
    """
    from django.core.management import call_command

    from ops.management.commands.send_reminders import Command

    command = Command()
    call_command(command)
    return "done"


@db_periodic_task(lambda moment: True)
def heartbeat() -> str:
    """Store the time every minute: ``/healthz`` fails when no consumer has done so lately."""
    now = timezone.now().isoformat()
    HUEY.put(HEARTBEAT_KEY, now)
    return now


def last_heartbeat() -> datetime.datetime | None:
    """Return when a consumer last ran ``heartbeat`` (None if never, or if the queue is unreachable)."""
    value = HUEY.get(HEARTBEAT_KEY, peek=True)
    return datetime.datetime.fromisoformat(value) if value else None


@signal(signals.SIGNAL_ERROR, signals.SIGNAL_TIMEOUT)
def keep_failed_task(signal_name, task, error=None):
    """Keep a task that failed on its last try (or timed out on it) with its error: never lost silently."""
    if task.retries:
        return  # it will be retried
    from django.db import close_old_connections

    from ops import services

    try:
        services.failed_task_record(task, error)
    except Exception:
        logger.exception("task %s failed and could not be recorded", task)
    finally:
        if not HUEY.immediate:
            close_old_connections()
