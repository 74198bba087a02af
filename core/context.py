"""The id of the request being served, or of the request that queued the task being run ("-" otherwise).

Set by ``emulation.middleware.RequestIdMiddleware`` for a request and by ``core.tasks`` for a task, so that
every log line of either carries it.
"""

import contextvars

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
