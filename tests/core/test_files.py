"""Private files are served only through private_file_response: 404 when missing, never sniffed or cached publicly."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import Http404

from core.files import private_file_response


def test_a_stored_file_is_served_with_private_headers(settings):
    name = storages["private"].save("evidence/a.pdf", ContentFile(b"%PDF-1.7 test"))
    response = private_file_response(
        name, content_type="application/pdf", filename="Minh chứng.pdf", as_attachment=True, sandbox=True
    )
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "Minh%20ch%E1%BB%A9ng.pdf" in response["Content-Disposition"]
    )
    response.file_to_stream.close()  # not response.close(): that signals the end of a request


@pytest.mark.parametrize("source", [None, "", "nowhere/missing.png"])
def test_no_file_or_a_missing_one_is_404(source):
    with pytest.raises(Http404):
        private_file_response(source, content_type="image/png")
