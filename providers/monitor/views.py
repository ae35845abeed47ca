"""The monitor's pages: the comparison (HTML, JSON and Excel).

Each reads the matrix filters through `providers.selectors.offer_selection` and the
comparison through `providers.monitor.compare.compare`.
"""

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from providers.matrix.exports import XLSX_CONTENT_TYPE
from providers.matrix.views import filter_errors_text
from providers.monitor import charts
from providers.monitor.compare import (
    FILTER_NOTE,
    MULTI_CELL_NOTE,
    NOW,
    MonitorError,
    NoSnapshotError,
    compare,
    comparison_as_json,
)
from providers.monitor.exports import monitor_workbook
from providers.paths.selectors import pool_size
from providers.selectors import Scope, allowed_params, offer_selection
from sociale_kaart.api import field_error, json_error, json_query
from sociale_kaart.cache import get_or_compute, versioned_key
from sociale_kaart.response_cache import cache_public_page

MOMENT_PARAMS = ("van", "tot")
MONITOR_PARAMS = allowed_params(Scope.MATRIX, *MOMENT_PARAMS)


def _read(request):
    """(filterset, comparison or None, error or None) for the request's moments and filters."""
    filterset = offer_selection(request.GET, scope=Scope.MATRIX, request=request)
    if not filterset.is_valid():
        return filterset, None, None
    try:
        comparison = compare(
            request.GET.get("van") or None, request.GET.get("tot") or None, filterset
        )
    except MonitorError as error:
        return filterset, None, error
    return filterset, comparison, None


def _chart_context(comparison):
    """The charts of the page, each with the figures of the table beside it."""
    moments = comparison.moments
    trend = []
    for fc in comparison.frameworks:
        slug = fc.framework.slug
        points = [(m.title, m.summary.get(slug, {})) for m in moments]
        ticks = [(_tick(m), counts) for m, (_, counts) in zip(moments, points, strict=True)]
        phase_series = [
            (p.name, [m.summary.get(slug, {}).get("phases", {}).get(p.slug, 0) for m in moments])
            for p, _ in fc.rows
        ]
        vt_series = [
            (
                vt.name,
                [
                    m.summary.get(slug, {}).get("violence_types", {}).get(vt.slug, 0)
                    for m in moments
                ],
            )
            for vt in fc.violence_types
        ]
        capacity_rows = [
            (
                total.name,
                total.capacity.capacity if total.capacity.with_capacity else None,
                total.need.need.capacity_per_year if total.need else None,
                total.capacity.without_capacity,
            )
            for total in fc.phase_totals
        ]
        trend.append(
            {
                "comparison": fc,
                "points": points,
                "status_chart": charts.status_trend_chart(
                    f"trend-{slug}",
                    f"{fc.framework.name}: lege, dunne en gedekte cellen per moment",
                    ticks,
                ),
                "capacity_rows": capacity_rows,
                "capacity_chart": charts.capacity_need_chart(
                    f"capaciteit-{slug}",
                    f"{fc.framework.name}: capaciteit tegenover behoefte per fase",
                    capacity_rows,
                ),
                "phase_series": [
                    (name, values, charts.sparkbars(f"fase-{slug}-{i}", name, values))
                    for i, (name, values) in enumerate(phase_series)
                ],
                "vt_series": [
                    (name, values, charts.sparkbars(f"vorm-{slug}-{i}", name, values))
                    for i, (name, values) in enumerate(vt_series)
                ],
            }
        )
    return trend


def _tick(moment) -> str:
    """A moment under its column of the chart: short; the table beside it has the title."""
    if moment.is_now:
        return "nu"
    return f"{moment.taken_on.month}-{moment.taken_on.year}"


@cache_public_page(allowed_params=MONITOR_PARAMS)
def monitor_page(request):
    filterset, comparison, error = _read(request)
    context = {
        "filterset": filterset,
        "comparison": comparison,
        "error": error,
        "query": request.GET.urlencode() if comparison else "",
        "multi_cell_note": MULTI_CELL_NOTE,
        "filter_note": FILTER_NOTE,
        "moments": comparison.moments if comparison else getattr(error, "moments", []),
        "then_key": comparison.then.key if comparison else request.GET.get("van", ""),
        "now_key": comparison.now.key if comparison else request.GET.get("tot", NOW),
    }
    if comparison is not None:
        context["frameworks"] = _chart_context(comparison)
        context["pool_sizes"] = pool_size()
    # Nothing to compare with yet is no fault of the visitor's.
    status = 200 if comparison is not None or isinstance(error, NoSnapshotError) else 400
    return render(request, "monitor/compare.html", context, status=status)


@json_query
@cache_public_page(allowed_params=MONITOR_PARAMS)
def monitor_api(request):
    filterset, comparison, error = _read(request)
    if isinstance(error, NoSnapshotError):
        return json_error(error.message, status=404)
    if error is not None:
        return json_error(error.message, {error.field: field_error(error.message)})
    if comparison is None:
        return json_error("Ongeldige filter", filterset.errors.get_json_data())
    return JsonResponse(comparison_as_json(comparison))


@require_GET
def monitor_export(request):
    filterset, comparison, error = _read(request)
    if error is not None:
        status = 404 if isinstance(error, NoSnapshotError) else 400
        return HttpResponse(
            f"{error.message}\n", status=status, content_type="text/plain; charset=utf-8"
        )
    if comparison is None:
        return HttpResponseBadRequest(
            filter_errors_text(filterset), content_type="text/plain; charset=utf-8"
        )
    # Built once per data version, day and query, as the matrix exports are.
    key = versioned_key("monitor-xlsx", timezone.localdate(), request.GET.urlencode())
    content = get_or_compute(key, lambda: monitor_workbook(comparison), size=len)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"monitor-sociale-kaart-{timezone.localdate().isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
