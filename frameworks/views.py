from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from frameworks.coverage import compute_matrix, matrix_as_json, summarise_gaps
from frameworks.models import Framework, Phase
from providers.filters import matrix_filterset


def home(request):
    phases = list(Phase.objects.order_by("order"))
    summaries = [
        summarise_gaps(compute_matrix(framework, phases=phases))
        for framework in Framework.objects.order_by("order")
    ]
    return render(request, "frameworks/home.html", {"summaries": summaries})


def _filtered_matrix(request, slug):
    framework = get_object_or_404(Framework, slug=slug)
    filterset = matrix_filterset(request.GET, request=request)
    if filterset.is_valid():
        matrix = compute_matrix(
            framework, offers=filterset.qs, organisations=filterset.organisations()
        )
    else:
        matrix = None
    return framework, filterset, matrix


def matrix_page(request, slug):
    framework, filterset, matrix = _filtered_matrix(request, slug)
    context = {
        "framework": framework,
        "filterset": filterset,
        "matrix": matrix,
        "query": request.GET.urlencode(),
    }
    return render(request, "frameworks/matrix.html", context, status=200 if matrix else 400)


def matrix_api(request, slug):
    framework, filterset, matrix = _filtered_matrix(request, slug)
    if matrix is None:
        return JsonResponse(
            {"error": "Ongeldige filter", "fields": filterset.errors.get_json_data()}, status=400
        )
    return JsonResponse(matrix_as_json(matrix))
