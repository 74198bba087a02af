"""The board's Excel import and its blank template."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from blocs import access, importer
from blocs.forms import ImportForm
from blocs.views._common import province_for_create


@login_required
def registry_import(request):
    """Import units, blocs, members and accounts from the board's workbook.

    "Dry run" only reports; "Import" runs the same checks again on the server
    and writes only when no row is rejected, all or nothing.
    """
    access.require_board(request.user)
    provinces = access.writable_provinces(request.user)
    if not provinces.exists():
        raise PermissionDenied(_("Your province has been merged into another; import into the new province."))
    form = ImportForm(request.POST or None, request.FILES or None, provinces=provinces)
    report, action = None, request.POST.get("action")
    if request.method == "POST" and form.is_valid():
        province = province_for_create(request, form)
        data = form.cleaned_data["document"]
        if action == "import":
            report = importer.run(data, actor=request.user, province=province)
            if report.imported:
                if report.row_count == 0:
                    messages.info(request, _("The file holds no rows: nothing was imported."))
                else:
                    messages.success(
                        request,
                        _("Imported: %(counts)s.")
                        % {"counts": "; ".join(f"{label}: {created}" for label, _planned, created in report.summary())},
                    )
                return redirect("blocs:import")
        else:
            action = "dry_run"
            report = importer.dry_run(data, province=province)
    return render(request, "blocs/import.html", {"form": form, "report": report, "action": action})


@login_required
def import_template(request):
    """Download the blank import workbook."""
    access.require_board(request.user)
    response = HttpResponse(importer.template_workbook(), content_type=importer.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-du-lieu.xlsx"'
    return response
