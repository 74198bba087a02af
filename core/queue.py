"""Queueing work for the task consumer: after commit, by task name, with the request id that queued it.

Tasks live in each app's ``tasks.py`` (which import the services); services queue them here by name
(``"pledges.tasks.produce_pdf"``), so that no service imports a task module.
"""

import functools
import logging

from django.db import transaction
from huey.contrib.djhuey import HUEY, db_task

from core import context as log_context

logger = logging.getLogger(__name__)


def task(**options):
    """Declare a task (a huey ``db_task``) whose logs carry the id of the request that queued it.

    The caller passes ``request_id=`` (``enqueue_after_commit`` does); the function never sees it.
    """

    def decorator(function):
        @functools.wraps(function)
        def run(*args, request_id: str = "-", **kwargs):
            token = log_context.request_id.set(str(request_id)[:64] or "-")
            try:
                return function(*args, **kwargs)
            finally:
                log_context.request_id.reset(token)

        return db_task(**options)(run)

    return decorator


def task_named(name: str):
    """Return the task class registered as *name* ("module.function"), importing its module if needed."""
    import importlib

    try:
        return HUEY._registry.string_to_task(name)
    except Exception:
        importlib.import_module(name.rsplit(".", 1)[0])
        return HUEY._registry.string_to_task(name)


def enqueue_after_commit(queued_task, *args) -> None:
    """Queue *queued_task* (a task, or its name) with *args* once the transaction commits (at once outside one).

    In immediate mode the task runs in the caller, once the application's transaction commits (a
    rolled-back transaction queues nothing, as in production).

    When the queue refuses (Redis unreachable), log it and go on: the caller's work is committed, and
    the state it left (a pending PDF, a queued e-mail) is what the periodic retries pick up.
    """
    request_id = log_context.request_id.get()

    def enqueue():
        try:
            if isinstance(queued_task, str):
                HUEY.enqueue(task_named(queued_task)(args, {"request_id": request_id}))
            else:
                queued_task(*args, request_id=request_id)
        except Exception:
            logger.exception("could not queue %s%r: the periodic retry will", queued_task, args)

    if HUEY.immediate and not _in_own_transaction():
        # Tasks run in the caller (the unit tests, HUEY_IMMEDIATE) and nothing is left to commit but a
        # test's own transaction, which never commits: run it now, as a consumer would after commit.
        enqueue()
    else:
        transaction.on_commit(enqueue)


def _in_own_transaction() -> bool:
    """Tell whether a transaction of the application (not a test case's wrapper) is open."""
    from django.db import connection

    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def immediate() -> bool:
    """Tell whether tasks run in the caller (tests, ``HUEY_IMMEDIATE``), not in a consumer."""
    return bool(HUEY.immediate)
