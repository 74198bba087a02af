"""Work that runs once the response has been sent, so that nobody waits for it.

A WSGI server closes the response after writing it, which sends
``request_finished``; tasks queued while the request was served run then, in
the same worker. Outside a request (a management command, a test calling a
service) a task runs at once.
"""

import logging
import threading

from django.core.signals import request_finished, request_started

logger = logging.getLogger(__name__)
_local = threading.local()


def after_response(task) -> None:
    """Run *task* (no arguments) after the current response is sent, or now if no request is served."""
    queue = getattr(_local, "queue", None)
    if queue is None:
        task()
    else:
        queue.append(task)


def _begin(**kwargs) -> None:
    _local.queue = []


def _run(**kwargs) -> None:
    queue, _local.queue = getattr(_local, "queue", None) or [], None
    for task in queue:
        try:
            task()
        except Exception:  # the response is gone: nobody to tell but the log
            logger.exception("a task after the response failed")


def connect() -> None:
    request_started.connect(_begin, dispatch_uid="after_response.begin")
    request_finished.connect(_run, dispatch_uid="after_response.run")
