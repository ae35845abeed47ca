from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from frameworks.grids import build_grids
from providers.filters import loosening_hints, search_field_groups
from providers.models import Organisation, Position, published_condition
from providers.public import ContactSource, offer_contact, public_address
from providers.selectors import Detail, Scope, allowed_params, offer_selection, published_offers
from providers.verification import is_overdue
from sociale_kaart.parsing import whole_number
from sociale_kaart.response_cache import cache_public_page
from sociale_kaart.throttle import limit_expensive

RESULTS_PER_PAGE = 20
ORGANISATIONS_PER_PAGE = 100
OFFERS_PER_PAGE = 50


@cache_public_page(allowed_params={"page"})
def organisation_list(request):
    organisations = Organisation.objects.annotate(
        published_offers=Count("offers", filter=published_condition("offers__"))
    ).order_by("name", "slug")
    page, page_message = _page(
        Paginator(organisations, ORGANISATIONS_PER_PAGE), request.GET.get("page")
    )
    context = {"page": page, "page_message": page_message}
    return render(request, "providers/organisation_list.html", context)


@cache_public_page(allowed_params={"page"})
def organisation_detail(request, slug):
    organisation = get_object_or_404(
        Organisation.objects.prefetch_related("members", "partnerships"), slug=slug
    )
    published = organisation.offers.published()
    held = set(
        Position.objects.filter(offer__in=published.values("pk")).values_list(
            "phase_id", "violence_type_id"
        )
    )
    # An organisation may have many offers: they are listed a page at a time.
    page, page_message = _page(
        Paginator(published.order_by("name", "pk"), OFFERS_PER_PAGE), request.GET.get("page")
    )
    offers = list(page.object_list)
    # The offers' own phone numbers and e-mail addresses, for where the organisation has none.
    own = [c for c in map(offer_contact, offers) if c.source == ContactSource.OFFER]
    context = {
        "organisation": organisation,
        "offers": offers,
        "page": page,
        "page_message": page_message,
        "offers_have_phone": any(contact.phone for contact in own),
        "offers_have_email": any(contact.email for contact in own),
        "grids": build_grids(held),
    }
    return render(request, "providers/organisation_detail.html", context)


def _page(paginator: Paginator, raw: str | None):
    """The requested page, or the nearest one with a message saying why; never an error."""
    if raw in (None, ""):
        return paginator.page(1), ""
    number = whole_number(raw)
    if number is None or number < 1:
        return paginator.page(1), "Dat paginanummer bestaat niet; u ziet de eerste pagina."
    if number > paginator.num_pages:
        return (
            paginator.page(paginator.num_pages),
            f"Pagina {number} bestaat niet; u ziet de laatste pagina ({paginator.num_pages}).",
        )
    return paginator.page(number), ""


def has_free_text(request) -> bool:
    """A free-text search: the expensive kind, capped per client and in total."""
    return bool(request.GET.get("q", "").strip())


@cache_public_page(allowed_params=allowed_params(Scope.SEARCH, "page"))
@limit_expensive(has_free_text)
def offer_search(request):
    # In full: a result says which of its filtered facts are unknown.
    filterset = offer_selection(request.GET, detail=Detail.FULL, request=request)
    context = {"filterset": filterset, "field_groups": search_field_groups(filterset.form)}
    if not filterset.is_valid():
        return render(request, "providers/offer_search.html", context, status=400)
    paginator = Paginator(filterset.qs, RESULTS_PER_PAGE)
    page, page_message = _page(paginator, request.GET.get("page"))
    unknown_facts = filterset.unknown_facts()
    for offer in page.object_list:
        offer.unknown_facts = [
            filterset.label(name).lower() for name in filterset.unknown_in(offer)
        ]
    context.update(
        page=page,
        page_message=page_message,
        active_filters=filterset.active_filters(),
        hints=loosening_hints(filterset) if paginator.count == 0 else [],
        query=filterset.query_string,
        unknown_facts=unknown_facts,
        unknown_included=any(fact.included for fact in unknown_facts),
        include_unknown_query=filterset.include_unknown_query(f.name for f in unknown_facts),
        strict_query=filterset.as_query(without={"include_unknown"}).urlencode(),
    )
    return render(request, "providers/offer_search.html", context)


@cache_public_page()
def offer_detail(request, slug):
    offer = get_object_or_404(published_offers(Detail.FULL), slug=slug)
    held = {(position.phase_id, position.violence_type_id) for position in offer.positions.all()}
    context = {
        "offer": offer,
        "address": public_address(offer),
        "verification_overdue": is_overdue(offer),
        "grids": build_grids(held),
    }
    return render(request, "providers/offer_detail.html", context)
