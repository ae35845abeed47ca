"""The map's pages: the home page, a matrix (HTML and JSON) and its Excel downloads.

Each reads the published offers through `providers.selectors.offer_selection` and the
coverage through `providers.matrix.coverage.compute_matrix`; the three share matrix cache
entries for the same filters.
"""

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from frameworks.models import Framework
from providers.filters import search_field_groups
from providers.matrix.coverage import compute_matrix, matrix_as_json, summarise_gaps
from providers.matrix.exports import XLSX_CONTENT_TYPE, export_filename, matrix_workbook
from providers.selectors import Scope, allowed_params, offer_selection, search_url
from sociale_kaart.api import json_error, json_query
from sociale_kaart.cache import get_or_compute, versioned_key
from sociale_kaart.response_cache import cache_public_page

MATRIX_PARAMS = allowed_params(Scope.MATRIX)
# The search fields on the home page: what a referrer knows before anything else.
HOME_SEARCH = ("q", "violence_type", "phase")


@cache_public_page()
def home(request):
    summaries = [
        summarise_gaps(compute_matrix(framework))
        for framework in Framework.objects.order_by("order")
    ]
    # A search from the first screen: text, violence type and phase, sent to the search page.
    form = offer_selection(None).form
    context = {"summaries": summaries, "search_fields": [form[name] for name in HOME_SEARCH]}
    return render(request, "matrix/home.html", context)


def _filtered_matrix(request, framework):
    filterset = offer_selection(request.GET, scope=Scope.MATRIX, request=request)
    matrix = compute_matrix(framework, filterset) if filterset.is_valid() else None
    return filterset, matrix


@cache_public_page(allowed_params=MATRIX_PARAMS)
def matrix_page(request, slug):
    framework = get_object_or_404(Framework, slug=slug)
    filterset, matrix = _filtered_matrix(request, framework)
    context = {
        "framework": framework,
        "filterset": filterset,
        # Text and role first; the other filters fold away, so the matrix starts on screen.
        "field_groups": search_field_groups(filterset.form),
        "matrix": matrix,
        "query": filterset.query_string,
    }
    return render(request, "matrix/matrix.html", context, status=200 if matrix else 400)


@json_query
@cache_public_page(allowed_params=MATRIX_PARAMS)
def matrix_api(request, slug):
    framework = Framework.objects.filter(slug=slug).first()
    if framework is None:
        return json_error("Analysekader niet gevonden", status=404)
    filterset, matrix = _filtered_matrix(request, framework)
    if matrix is None:
        return json_error("Ongeldige filter", filterset.errors.get_json_data())
    payload = matrix_as_json(matrix)
    for cell in payload["cells"]:
        cell["search_url"] = search_url(
            filterset, phase=cell["phase"], violence_type=cell["violence_type"]
        )
    return JsonResponse(payload)


@require_GET
def matrix_export(request, slug):
    return _export(request, [get_object_or_404(Framework, slug=slug)])


@require_GET
def matrix_export_all(request):
    return _export(request, list(Framework.objects.order_by("order")))


def _export(request, frameworks):
    filterset = offer_selection(request.GET, scope=Scope.MATRIX, request=request)
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            filter_errors_text(filterset), content_type="text/plain; charset=utf-8"
        )
    # The same filters on the same data give the same workbook: it is cached under the data
    # version (sociale_kaart.cache), so it is built once per change, not once per download.
    # Its "Stand van" time is when it was built; the data have not changed since.
    key = versioned_key("xlsx", [f.slug for f in frameworks], filterset.query_string)
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
