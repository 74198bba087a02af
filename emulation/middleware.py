"""Project-wide middleware: Vietnamese first, request ids and structured logs, no caching of private pages."""

import json
import logging
import re
import uuid

from core.context import request_id as _request_id


class VietnameseFirstMiddleware:
    """Show Vietnamese unless the user chose English with the language switch.

    Many office PCs in Vietnam run an English browser; their Accept-Language
    header must not turn the interface English. The switch's cookie still wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PrivateNoStoreMiddleware:
    """Send ``Cache-Control: private, no-store`` with every page for a logged-in user and every download.

    A shared office computer or a proxy must not keep a pledge, a score or a file after
    the user has logged out. A view that chose its own Cache-Control keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or response.has_header("Content-Disposition"):
            response["Cache-Control"] = "private, no-store"
        return response


_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (the proxy's X-Request-ID if sane), log it, and return it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, request id, message (and the traceback)."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
