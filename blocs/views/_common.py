"""What several of the registry's pages share."""

from blocs import access


def province_for_create(request, form):
    """Return the province a new record goes into: the one chosen on *form*, or the user's only one."""
    provinces = access.writable_provinces(request.user)
    return form.cleaned_data.get("province") or provinces.first()
