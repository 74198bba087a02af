"""Operations' writes: recording a task that failed for good, and queueing it again."""

import json
import logging
import traceback as tb

from django.db import transaction
from django.utils import timezone

from ops.models import FailedTask

ERROR_MAX_CHARS = 2000
TRACEBACK_MAX_CHARS = 20000
logger = logging.getLogger(__name__)


def _json(value):
    return json.loads(json.dumps(value, default=str))


def failed_task_record(task, error: BaseException | None) -> FailedTask:
    """Keep *task* (a huey task that failed on its last try, or timed out) with its error."""
    name = f"{type(task).__module__}.{type(task).__name__}"
    text = f"{type(error).__name__}: {error}" if error is not None else "timed out"
    trace = "".join(tb.format_exception(error)) if error is not None else ""
    return FailedTask.objects.create(
        task_name=name[:200],
        task_id=str(task.id)[:64],
        args=_json(list(task.args or ())),
        kwargs=_json(dict(task.kwargs or {})),
        error=text[:ERROR_MAX_CHARS],
        traceback=trace[-TRACEBACK_MAX_CHARS:],
    )


def failed_task_retry(failed: FailedTask) -> bool:
    """Queue *failed*'s task again with its stored arguments (once); return False if its task is unknown.

    A conditional update stamps ``retried_at``: two clicks queue it once.
    """
    from huey.contrib.djhuey import HUEY

    try:
        task_class = HUEY._registry.string_to_task(failed.task_name)
    except Exception:  # a task renamed or removed since: nothing to queue
        return False
    try:
        with transaction.atomic():
            if FailedTask.objects.filter(pk=failed.pk, retried_at__isnull=True).update(retried_at=timezone.now()) != 1:
                return False
            # Queued inside the transaction: if the queue refuses (Redis down), retried_at is not kept.
            HUEY.enqueue(task_class(tuple(failed.args), dict(failed.kwargs)))
    except Exception:
        logger.exception("failed task %s could not be queued again", failed.pk)
        return False
    return True
