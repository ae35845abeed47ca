from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from frameworks.cache import cache_public_page
from frameworks.coverage import compute_matrix, matrix_as_json, summarise_gaps
from frameworks.models import Framework, Phase
from providers.api import json_query
from providers.filters import CELL_FILTERS, OfferFilterSet, cell_search_url, matrix_filterset

# The query parameters a matrix understands: every filter but those that pick a cell.
MATRIX_PARAMS = frozenset(OfferFilterSet.base_filters) - set(CELL_FILTERS)


@cache_public_page()
def home(request):
    phases = list(Phase.objects.order_by("order"))
    summaries = [
        summarise_gaps(compute_matrix(framework, phases=phases))
        for framework in Framework.objects.order_by("order")
    ]
    return render(request, "frameworks/home.html", {"summaries": summaries})


def _filtered_matrix(request, framework):
    filterset = matrix_filterset(request.GET, request=request)
    if filterset.is_valid():
        matrix = compute_matrix(
            framework, offers=filterset.qs, organisations=filterset.organisations()
        )
    else:
        matrix = None
    return filterset, matrix


@cache_public_page(allowed_params=MATRIX_PARAMS)
def matrix_page(request, slug):
    framework = get_object_or_404(Framework, slug=slug)
    filterset, matrix = _filtered_matrix(request, framework)
    context = {
        "framework": framework,
        "filterset": filterset,
        "matrix": matrix,
        "query": request.GET.urlencode(),
    }
    return render(request, "frameworks/matrix.html", context, status=200 if matrix else 400)


@json_query
@cache_public_page(allowed_params=MATRIX_PARAMS)
def matrix_api(request, slug):
    framework = Framework.objects.filter(slug=slug).first()
    if framework is None:
        return JsonResponse({"error": "Analysekader niet gevonden", "fields": {}}, status=404)
    filterset, matrix = _filtered_matrix(request, framework)
    if matrix is None:
        return JsonResponse(
            {"error": "Ongeldige filter", "fields": filterset.errors.get_json_data()}, status=400
        )
    payload = matrix_as_json(matrix)
    for cell in payload["cells"]:
        cell["search_url"] = cell_search_url(filterset, cell["phase"], cell["violence_type"])
    return JsonResponse(payload)
