"""Published offers under the public filters: the one selector that every page, export and
API which lists offers or counts them in a matrix calls.

- `offer_selection(data, scope=...)` is the bound `OfferFilterSet` over the published offers,
  with the filters of its scope: the search (page and JSON) has them all; a matrix (page,
  JSON, Excel, the home page) drops those that pick a cell or only order the results.
- `allowed_params(scope, ...)` names the query parameters each scope understands (the response
  cache stores pages only for those).
- Filters are written back into a URL only by `OfferFilterSet.as_query` (its `query_string`);
  `search_url` adds one matrix cell to it.
"""

from enum import StrEnum
from urllib.parse import urlencode

from django.urls import reverse

from providers.filters import CELL_FILTERS, ORDER_FILTERS, OfferFilterSet
from providers.models import SEARCH_FIELDS, Offer


class Scope(StrEnum):
    SEARCH = "search"
    MATRIX = "matrix"


class Detail(StrEnum):
    """How much of each offer the queryset loads."""

    BARE = "bare"  # the offers alone: counts and matrices
    LIST = "list"  # with organisation and positions: a result list
    FULL = "full"  # with every maintained list too: the offer page and the JSON


def published_offers(detail: Detail = Detail.BARE):
    """The published offers, loading what `detail` says (each with a bounded number of
    queries, whatever the number of offers)."""
    # The search's stored words are for the database to match, never to show.
    offers = Offer.objects.published().defer(*SEARCH_FIELDS)
    if detail == Detail.BARE:
        return offers
    offers = offers.select_related("organisation").with_positions()
    return offers.with_reference_lists() if detail == Detail.FULL else offers


# A matrix spans the cells and has no order; it shows the offers whose facts are unknown
# beside the matches in every cell, so it has no switch to include them.
_LEFT_OUT = {Scope.SEARCH: (), Scope.MATRIX: (*CELL_FILTERS, *ORDER_FILTERS, "include_unknown")}


def allowed_params(scope: Scope, *extra: str) -> frozenset[str]:
    """The filter names of `scope`, plus `extra` (paging) parameters."""
    return frozenset(OfferFilterSet.base_filters) - set(_LEFT_OUT[scope]) | set(extra)


def offer_selection(
    data,
    *,
    scope: Scope = Scope.SEARCH,
    detail: Detail = Detail.BARE,
    request=None,
    reference=None,
) -> OfferFilterSet:
    """The published offers under the filters in `data` (a QueryDict or dict of slugs).

    Check `is_valid()` before reading `qs`; an invalid value is a form error, never a crash.
    A matrix selection's form offers only the matrix's filters.
    """
    filterset = OfferFilterSet(
        data, queryset=published_offers(detail), request=request, reference=reference
    )
    for name in _LEFT_OUT[scope]:
        del filterset.filters[name]
    return filterset


def search_url(
    filterset: OfferFilterSet, *, phase: str, violence_type: str, maybe: bool = False
) -> str:
    """The search for one matrix cell under a matrix selection's filters; with `maybe`, the
    offers whose filtered facts are unknown included."""
    cell = {"violence_type": violence_type, "phase": phase}
    if maybe:
        cell["include_unknown"] = filterset.active_fact_filters()
    cell = urlencode(cell, doseq=True)
    query = f"{filterset.query_string}&{cell}" if filterset.query_string else cell
    return f"{reverse('providers:offer-search')}?{query}"
