"""Public JSON of published offers: `/api/aanbod/` (the search) and `/api/aanbod/<slug>/`.

Lists are paged in the Open Referral HSDS envelope. Bad input answers 400 with a JSON body
`{"error": ..., "fields": {name: [{"message": ..., "code": ...}]}}`; never a 500.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from frameworks.cache import cache_public_page
from providers.filters import OfferFilterSet
from providers.parsing import whole_number
from providers.public import offer_as_json
from providers.search import public_offers_in_full

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


def _bad_request(error: str, fields: dict) -> JsonResponse:
    return JsonResponse({"error": error, "fields": fields}, status=400)


def _field_error(message: str, code: str = "invalid") -> list[dict]:
    return [{"message": message, "code": code}]


def json_query(view):
    """Answer a query string that Django refuses to parse (more parameters than
    DATA_UPLOAD_MAX_NUMBER_FIELDS) with the API's JSON 400, not the HTML 400 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            request.GET  # noqa: B018 - parsed on first access
        except TooManyFieldsSent:
            limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            return _bad_request(
                "Te veel parameters",
                {"__all__": _field_error(f"Geef hoogstens {limit} parameters.", "too_many")},
            )
        return view(request, *args, **kwargs)

    return wrapper


def _positive_int(request, name: str, default: int, maximum: int | None = None):
    """The parameter as a whole number from 1 (up to `maximum`), or an error message."""
    raw = request.GET.get(name, "")
    if raw == "":
        return default, None
    number = whole_number(raw)
    if number is None or number < 1:
        return None, "Geef een heel getal vanaf 1."
    if maximum is not None and number > maximum:
        return None, f"Geef een heel getal van 1 tot en met {maximum}."
    return number, None


# The query parameters of the search API: its filters, the page and the page size.
API_PARAMS = frozenset(OfferFilterSet.base_filters) | {"page", "per_page"}


@require_safe
@json_query
@cache_public_page(allowed_params=API_PARAMS)
def offer_list(request):
    filterset = OfferFilterSet(request.GET, queryset=public_offers_in_full(), request=request)
    errors = {}
    if not filterset.is_valid():
        errors.update(filterset.errors.get_json_data())
    page_number, page_error = _positive_int(request, "page", 1)
    per_page, per_page_error = _positive_int(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    if page_error:
        errors["page"] = _field_error(page_error)
    if per_page_error:
        errors["per_page"] = _field_error(per_page_error)
    if errors:
        return _bad_request("Ongeldige parameter", errors)

    paginator = Paginator(filterset.qs, per_page)
    if page_number > paginator.num_pages:
        return _bad_request(
            "Pagina bestaat niet",
            {"page": _field_error(f"Er zijn {paginator.num_pages} pagina's.", "out_of_range")},
        )
    page = paginator.page(page_number)
    contents = [offer_as_json(offer) for offer in page.object_list]
    return JsonResponse(
        {
            "total_items": paginator.count,
            "total_pages": paginator.num_pages,
            "page_number": page.number,
            "size": len(contents),
            "first_page": not page.has_previous(),
            "last_page": not page.has_next(),
            "empty": paginator.count == 0,
            "contents": contents,
        }
    )


@require_safe
@json_query
@cache_public_page()
def offer_detail(request, slug):
    offer = public_offers_in_full().filter(slug=slug).first()
    if offer is None:
        return JsonResponse({"error": "Aanbod niet gevonden", "fields": {}}, status=404)
    return JsonResponse(offer_as_json(offer))
