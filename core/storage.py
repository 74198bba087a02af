"""Storage for private files (signature images, scans, PDFs): no public URL at all."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files that only access-checked views may serve, under settings.PRIVATE_ROOT.

    The folder is read from the settings at each use, so that a changed
    PRIVATE_ROOT (a test's own folder) takes effect for fields created earlier.
    """

    @property
    def base_location(self):
        return str(settings.PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through an access-checked view.")


def private_storage():
    """The storage of private files, as configured in STORAGES["private"] (a callable for FileField)."""
    from django.core.files.storage import storages

    return storages["private"]
