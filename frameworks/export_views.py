"""Downloads of the coverage matrices as Excel, with the filters of the matrix page."""

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from frameworks.exports import XLSX_CONTENT_TYPE, export_filename, matrix_workbook, workbook_bytes
from frameworks.models import Framework
from providers.filters import matrix_filterset


@require_GET
def matrix_export(request, slug):
    return _export(request, [get_object_or_404(Framework, slug=slug)])


@require_GET
def matrix_export_all(request):
    return _export(request, list(Framework.objects.order_by("order")))


def _export(request, frameworks):
    filterset = matrix_filterset(request.GET, request=request)
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            filter_errors_text(filterset), content_type="text/plain; charset=utf-8"
        )
    workbook = matrix_workbook(frameworks, filterset)
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    filename = export_filename(frameworks, timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def filter_errors_text(filterset) -> str:
    """The filter's errors in Dutch, one line per field, for a 400 answer or a command."""
    lines = ["Ongeldige filter; er is geen Excel-bestand gemaakt."]
    fields = filterset.form.fields
    for name, errors in filterset.form.errors.items():
        label = fields[name].label if name in fields else "Filter"
        lines.append(f"{label}: {' '.join(errors)}")
    return "\n".join(lines) + "\n"
