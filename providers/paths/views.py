"""The public pages of the paths and the pool, their Excel workbook and their JSON.

- `/paden/`: the frameworks and violence types, each linking to its path page, and the
  breaks in short.
- `/paden/<framework>/<violence type>/`: the path as SVG and as a list.
- `/paden/breuken/`: where paths break, per framework and violence type, with the offers.
- `/paden/export.xlsx`: breaks, links and pool in one workbook.
- `/ervaringsdeskundigen/`: the pool, with filters.
- `/api/verwijzingen/` and `/api/ervaringsdeskundigen/`: the links and the pool as JSON.
"""

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_safe

from frameworks.models import Framework, Phase, ViolenceType
from providers.paths.diagram import MAX_NODES_PER_COLUMN, layout
from providers.paths.exports import XLSX_CONTENT_TYPE, paths_workbook
from providers.paths.filters import POOL_PARAMS, PoolFilterSet
from providers.paths.models import ReferralLink
from providers.paths.selectors import (
    BREAK_KINDS,
    BREAK_LABELS,
    BREAK_SHORT,
    path_breaks,
    path_for,
    pool_entries,
    pool_size,
)
from sociale_kaart.api import (
    field_error,
    json_error,
    json_query,
    page_envelope,
    page_of,
    paging_params,
)
from sociale_kaart.cache import get_or_compute, versioned_key
from sociale_kaart.parsing import whole_number
from sociale_kaart.response_cache import cache_public_page

# The list under a path's figure names this many offers per phase, then links to the search.
LIST_PER_PHASE = 50
ENTRIES_PER_PAGE = 25
# The breaks page names this many offers per violence type and kind of break; the Excel
# workbook names them all.
BREAKS_LISTED = 25
DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


@cache_public_page()
def path_index(request):
    frameworks = list(Framework.objects.order_by("order").prefetch_related("violence_types"))
    context = {"frameworks": frameworks, "link_count": ReferralLink.objects.public().count()}
    return render(request, "paths/path_index.html", context)


def _kinds():
    return [(kind, BREAK_SHORT[kind], BREAK_LABELS[kind]) for kind in BREAK_KINDS]


@cache_public_page()
def path_page(request, framework, violence_type):
    violence_type = get_object_or_404(
        ViolenceType.objects.select_related("framework"),
        framework__slug=framework,
        slug=violence_type,
    )
    phases = list(Phase.objects.order_by("order"))
    path = path_for(violence_type, phases)
    search = reverse("providers:offer-search")
    phase_lists = [
        {
            "phase": phase,
            "nodes": nodes[:LIST_PER_PHASE],
            "more": max(0, len(nodes) - LIST_PER_PHASE),
            "search_url": f"{search}?violence_type={violence_type.slug}&phase={phase.slug}",
        }
        for phase, nodes in zip(phases, path.columns, strict=True)
    ]
    context = {
        "path": path,
        "diagram": layout(path),
        "phase_lists": phase_lists,
        "max_drawn": MAX_NODES_PER_COLUMN,
        "link_count": len(path.edges),
    }
    return render(request, "paths/path_page.html", context)


@cache_public_page()
def breaks_page(request):
    context = {
        "breaks": path_breaks(),
        "kinds": _kinds(),
        "pool_sizes": pool_size(),
        "listed": BREAKS_LISTED,
        "listed_slice": f":{BREAKS_LISTED}",
        "minus_listed": -BREAKS_LISTED,
    }
    return render(request, "paths/breaks.html", context)


@require_GET
def paths_export(request):
    content = get_or_compute(versioned_key("paths-xlsx"), paths_workbook, size=len)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"paden-en-ervaringsdeskundigen-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _page(paginator, raw):
    """The requested page, or the nearest one with a message saying why; never an error."""
    number = 1 if raw in (None, "") else whole_number(raw)
    if number is None or number < 1:
        return paginator.page(1), "Dat paginanummer bestaat niet; u ziet de eerste pagina."
    if number > paginator.num_pages:
        return (
            paginator.page(paginator.num_pages),
            f"Pagina {number} bestaat niet; u ziet de laatste pagina ({paginator.num_pages}).",
        )
    return paginator.page(number), ""


@cache_public_page(allowed_params=POOL_PARAMS)
def pool_page(request):
    filterset = PoolFilterSet(request.GET, queryset=pool_entries())
    context = {"filterset": filterset, "pool_sizes": pool_size()}
    if not filterset.is_valid():
        return render(request, "paths/pool.html", context, status=400)
    paginator = Paginator(filterset.qs, ENTRIES_PER_PAGE)
    page, page_message = _page(paginator, request.GET.get("page"))
    for entry in page.object_list:
        entry.unknown_facts = [
            str(filterset.form.fields[name].label).lower() for name in filterset.unknown_in(entry)
        ]
    context.update(
        page=page,
        page_message=page_message,
        unknown_facts=filterset.unknown_facts(),
        query=filterset.as_query().urlencode(),
        filtered=bool(
            filterset.active_fact_filters() or filterset.form.cleaned_data.get("framework")
        ),
    )
    return render(request, "paths/pool.html", context)


# --- JSON --------------------------------------------------------------------------------


def _offer_ref(offer) -> dict:
    return {
        "slug": offer.slug,
        "name": offer.name,
        "organisation": {"slug": offer.organisation.slug, "name": offer.organisation.name},
        "url": offer.get_absolute_url(),
        "api_url": reverse("providers:api-offer-detail", kwargs={"slug": offer.slug}),
    }


def link_as_json(link) -> dict:
    """A confirmed link between two services (HSDS's name for an offer), each named by slug
    and with its page and JSON."""
    return {
        "from_service": _offer_ref(link.from_offer),
        "to_service": _offer_ref(link.to_offer),
        "kind": link.kind,
        "kind_label": link.get_kind_display(),
        "note": link.note,
        "confirmed_at": link.confirmed_at.isoformat() if link.confirmed_at else None,
    }


def _refs(items) -> list[dict]:
    return [{"slug": item.slug, "name": item.name} for item in items]


def entry_as_json(entry) -> dict:
    """A pool entry: what an organisation can deploy, and how to reach the organisation. No
    person appears: the model holds no person's data."""
    organisation = entry.organisation
    return {
        "title": entry.title,
        "description": entry.description,
        "organisation": {
            "slug": organisation.slug,
            "name": organisation.name,
            "url": organisation.get_absolute_url(),
            "phone": organisation.phone,
            "email": organisation.email,
            "website": organisation.website,
        },
        "frameworks": _refs(entry.frameworks.all()),
        "violence_types": _refs(entry.violence_types.all()),
        "phases": _refs(entry.phases.all()),
        "deployment_kinds": _refs(entry.deployment_kinds.all()),
        "availability": entry.availability,
        "availability_unit": entry.availability_unit,
        "updated_at": entry.updated_at.isoformat(),
    }


@require_safe
@json_query
@cache_public_page(allowed_params={"page", "per_page", "kind", "offer"})
def links_api(request):
    page_number, per_page, errors = paging_params(request, DEFAULT_PER_PAGE, MAX_PER_PAGE)
    links = (
        ReferralLink.objects.public()
        .select_related("from_offer__organisation", "to_offer__organisation")
        .order_by("from_offer__slug", "to_offer__slug", "kind", "pk")
    )
    kinds = request.GET.getlist("kind")
    valid = {choice for choice, _ in ReferralLink._meta.get_field("kind").choices}
    if any(kind not in valid for kind in kinds):
        errors["kind"] = field_error(
            "Onbekende soort overgang; kies uit " + ", ".join(sorted(valid)) + "."
        )
    if errors:
        return json_error("Ongeldige parameter", errors)
    if kinds:
        links = links.filter(kind__in=kinds)
    # One offer's links, before and after it (its slug).
    if offer := request.GET.get("offer"):
        links = links.filter(Q(from_offer__slug=offer) | Q(to_offer__slug=offer))
    paginator, page = page_of(links, page_number, per_page)
    if isinstance(page, JsonResponse):
        return page
    return JsonResponse(page_envelope(paginator, page, [link_as_json(x) for x in page]))


@require_safe
@json_query
@cache_public_page(allowed_params=POOL_PARAMS)
def pool_api(request):
    filterset = PoolFilterSet(request.GET, queryset=pool_entries())
    page_number, per_page, errors = paging_params(request, DEFAULT_PER_PAGE, MAX_PER_PAGE)
    if not filterset.is_valid():
        errors.update(filterset.errors.get_json_data())
    if errors:
        return json_error("Ongeldige parameter", errors)
    paginator, page = page_of(filterset.qs, page_number, per_page)
    if isinstance(page, JsonResponse):
        return page
    contents = []
    for entry in page.object_list:
        item = entry_as_json(entry)
        item["unknown_facts"] = filterset.unknown_in(entry)
        contents.append(item)
    envelope = page_envelope(paginator, page, contents)
    envelope["unknown_facts"] = [
        {
            "filter": fact.name,
            "label": fact.label,
            "entries": fact.count,
            "included": fact.included,
            "include_query": fact.include_query,
        }
        for fact in filterset.unknown_facts()
    ]
    envelope["size_per_framework"] = [
        {
            "framework": size.framework.slug,
            "entries": size.entries,
            "organisations": size.organisations,
            "people": size.people,
            "hours_per_month": size.hours,
            "violence_types_without_entries": [vt.slug for vt in size.without],
        }
        for size in pool_size()
    ]
    return JsonResponse(envelope)
