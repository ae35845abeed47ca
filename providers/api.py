"""Public JSON of published offers: `/api/aanbod/` (the search) and `/api/aanbod/<slug>/`.

Lists are paged in the Open Referral HSDS envelope; errors in the API's one shape
(sociale_kaart.api).
"""

from django.http import JsonResponse
from django.views.decorators.http import require_safe

from providers.public import offer_as_json
from providers.selectors import Detail, Scope, allowed_params, offer_selection, published_offers
from providers.views import has_free_text
from sociale_kaart.api import json_error, json_query, page_envelope, page_of, paging_params
from sociale_kaart.parsing import whole_number
from sociale_kaart.response_cache import cache_public_page
from sociale_kaart.throttle import limit_expensive

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


def is_expensive(request) -> bool:
    """Free text, or more offers per page than the default: capped per client and in total."""
    per_page = whole_number(request.GET.get("per_page", ""))
    return has_free_text(request) or (per_page is not None and per_page > DEFAULT_PER_PAGE)


@require_safe
@json_query
@cache_public_page(allowed_params=allowed_params(Scope.SEARCH, "page", "per_page"))
@limit_expensive(is_expensive)
def offer_list(request):
    filterset = offer_selection(request.GET, detail=Detail.FULL, request=request)
    errors = {}
    if not filterset.is_valid():
        errors.update(filterset.errors.get_json_data())
    page_number, per_page, paging_errors = paging_params(request, DEFAULT_PER_PAGE, MAX_PER_PAGE)
    errors.update(paging_errors)
    if errors:
        return json_error("Ongeldige parameter", errors)

    paginator, page = page_of(filterset.qs, page_number, per_page)
    if isinstance(page, JsonResponse):
        return page
    contents = []
    for offer in page.object_list:
        item = offer_as_json(offer)
        item["unknown_facts"] = filterset.unknown_in(offer)
        contents.append(item)
    envelope = page_envelope(paginator, page, contents)
    # Offers that might match: a filtered fact of theirs is unknown. `include_query` is the
    # same query with them included (`include_unknown`).
    envelope["unknown_facts"] = [
        {
            "filter": fact.name,
            "label": fact.label,
            "offers": fact.count,
            "included": fact.included,
            "include_query": filterset.include_unknown_query([fact.name]),
        }
        for fact in filterset.unknown_facts()
    ]
    return JsonResponse(envelope)


@require_safe
@json_query
@cache_public_page()
def offer_detail(request, slug):
    offer = published_offers(Detail.FULL).filter(slug=slug).first()
    if offer is None:
        return json_error("Aanbod niet gevonden", status=404)
    return JsonResponse(offer_as_json(offer))
