"""Downloads of the coverage matrices as Excel, with the filters of the matrix page."""

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from frameworks.cache import get_or_compute, versioned_key
from frameworks.exports import XLSX_CONTENT_TYPE, export_filename, matrix_workbook
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
    # The same filters on the same data give the same workbook: it is cached under the data
    # version (frameworks.cache), so it is built once per change, not once per download. Its
    # "Stand van" time is when it was built; the data have not changed since.
    key = versioned_key("xlsx", [f.slug for f in frameworks], sorted(filterset.as_query().lists()))
    content = get_or_compute(key, lambda: matrix_workbook(frameworks, filterset), size=len)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
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
