"""Storage for private files (signature images, scans): no public URL at all."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files that only access-checked views may serve."""

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through an access-checked view.")


def private_storage():
    """The storage of private files, as configured in STORAGES["private"] (a callable for FileField)."""
    from django.core.files.storage import storages

    return storages["private"]
