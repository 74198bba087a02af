"""Serving private files: after the caller's access check, never from a public URL."""

from django.core.files.storage import storages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _


def private_file_response(
    source: FieldFile | str | None,
    *,
    content_type: str,
    filename: str = "",
    as_attachment: bool = False,
    cache: str = "private, no-store",
    sandbox: bool = False,
) -> FileResponse:
    """Return *source* (a file field, or a name in the private storage) as a response, or raise 404.

    Call it only after the access check. *filename* names the file (a download with
    *as_attachment*, otherwise shown in the browser); *cache* is the Cache-Control header
    (by default nothing private stays in a shared or a browser's cache); *sandbox* forbids a
    browser to run anything an uploaded file carries (``Content-Security-Policy: sandbox``).
    """
    if not source:
        raise Http404(_("No such file."))
    try:
        handle = storages["private"].open(source, "rb") if isinstance(source, str) else source.open("rb")
    except (OSError, ValueError):  # missing from the storage, or a field without a file
        raise Http404(_("No such file.")) from None
    response = FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=filename)
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    if sandbox:
        response["Content-Security-Policy"] = "sandbox"
    return response
