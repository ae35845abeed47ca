"""The HSDS 3.0 API under /api/hsds/: the published offers as services, the organisations, and
the map's vocabulary as taxonomies (see docs/hsds.md for the profile).

Every endpoint accepts exactly the parameters that providers.hsds.openapi lists for it; any
other, a repeated one or a bad value answers 400 in the API's one error shape
(sociale_kaart.api), an unknown id or one that is no UUID a JSON 404. Lists are paged in the
HSDS envelope. The offers come from the one selector of published offers
(providers.selectors), so nothing the public pages hide appears here.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from functools import wraps
from uuid import UUID

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_safe

from providers.hsds import serialise
from providers.hsds.openapi import DEFAULT_PER_PAGE, MAX_PER_PAGE, PARAMETERS, openapi_document
from providers.hsds.taxonomies import (
    DEPLOYMENTS,
    ONWARD,
    PHASES,
    REFERRALS,
    VIOLENCE_TYPES,
    Catalogue,
    catalogue,
)
from providers.models import Offer, Organisation, Position
from providers.paths.selectors import offers_with_public_link, pool_deployments, public_links_of
from providers.public import public_address_condition
from providers.search import MAX_QUERY_LENGTH, word_prefix_pattern
from providers.selectors import Detail, offer_selection, published_offers
from sociale_kaart.api import (
    field_error,
    json_error,
    json_query,
    page_envelope,
    page_out_of_range,
    positive_int,
)
from sociale_kaart.response_cache import cache_public_page

BOOLEANS = {"minimal", "full", "full_service", "top_only"}
IDS = {"taxonomy_term_id", "taxonomy_id", "organization_id", "parent_id"}
PROFILE_FILE = "docs/hsds.md"


@dataclass
class Params:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    search: str = ""
    flags: dict[str, bool] = field(default_factory=dict)
    ids: dict[str, UUID] = field(default_factory=dict)
    modified_after: datetime | None = None

    def flag(self, name: str) -> bool:
        return self.flags.get(name, False)


class InvalidParams(Exception):
    def __init__(self, fields: dict):
        self.fields = fields


def _moment(raw: str) -> datetime | None:
    """A date or an ISO 8601 timestamp (Dutch time when it names no zone), or None."""
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            if day is None:
                return None
            moment = datetime.combine(day, time.min)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        moment.astimezone(UTC)  # the database compares in UTC: year 1 at midnight cannot
    except (ValueError, OverflowError):
        return None
    return moment


def _read(request, endpoint: str) -> Params:
    allowed = PARAMETERS[endpoint]
    errors = {}
    for name in request.GET:
        if name not in allowed:
            known = ", ".join(allowed) if allowed else "geen"
            errors[name] = field_error(f"Onbekende parameter. Dit adres kent: {known}.", "unknown")
        elif len(request.GET.getlist(name)) > 1:
            errors[name] = field_error("Geef deze parameter één keer.", "repeated")
    if errors:
        raise InvalidParams(errors)
    params = Params()
    if "page" in allowed:
        params.page, message = positive_int(request, "page", 1)
        if message:
            errors["page"] = field_error(message)
        params.per_page, message = positive_int(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
        if message:
            errors["per_page"] = field_error(message)
    for name, raw in request.GET.items():
        if name == "search":
            params.search = raw.strip()
            if "\x00" in params.search:
                errors[name] = field_error("Een zoektekst kan geen nul-teken bevatten.", "null")
            elif len(params.search) > MAX_QUERY_LENGTH:
                errors[name] = field_error(
                    f"Geef hoogstens {MAX_QUERY_LENGTH} tekens.", "max_length"
                )
        elif name in BOOLEANS:
            if raw.lower() not in ("true", "false"):
                errors[name] = field_error("Geef true of false.")
            params.flags[name] = raw.lower() == "true"
        elif name in IDS:
            try:
                params.ids[name] = UUID(raw)
            except ValueError:
                errors[name] = field_error(
                    "Geef een UUID, zoals 0766242f-e461-4ef8-98f3-3dff8311c282."
                )
        elif name == "modified_after":
            params.modified_after = _moment(raw)
            if params.modified_after is None:
                errors[name] = field_error(
                    "Geef een datum (2025-01-31) of een tijdstip in ISO 8601 "
                    "(2025-01-31T12:00:00Z)."
                )
    if errors:
        raise InvalidParams(errors)
    return params


def hsds_endpoint(endpoint: str, *, cached: bool = True):
    """A GET/HEAD view of `endpoint` that receives its checked parameters (a `Params`)."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            try:
                params = _read(request, endpoint)
                return view(request, params, *args, **kwargs)
            except InvalidParams as error:
                return json_error("Ongeldige parameter", error.fields)

        wrapped = json_query(checked)
        if cached:
            wrapped = cache_public_page(allowed_params=PARAMETERS[endpoint])(wrapped)
        return require_safe(wrapped)

    return decorator


def _not_found(what: str) -> JsonResponse:
    return json_error(f"{what} niet gevonden", status=404)


def _uuid(raw: str) -> UUID | None:
    try:
        return UUID(raw)
    except ValueError:
        return None


def _paged(items, params: Params, serialise_page) -> JsonResponse:
    """One page of `items` (a queryset or list) in the HSDS envelope; `serialise_page` turns
    the page's items into the contents."""
    paginator = Paginator(items, params.per_page)
    if params.page > paginator.num_pages:
        raise InvalidParams({"page": page_out_of_range(paginator)})
    page = paginator.page(params.page)
    return JsonResponse(page_envelope(paginator, page, serialise_page(list(page.object_list))))


def _words_match(text: str, search: str) -> bool:
    """Every word of `search` begins a word of `text`, as the map's own search reads it."""
    return all(re.search(word_prefix_pattern(word), text, re.IGNORECASE) for word in search.split())


# The root, the description and the profile ---------------------------------------------


@hsds_endpoint("root", cached=False)
def root(request, params):
    return JsonResponse(
        {
            "version": serialise.HSDS_VERSION,
            "profile": request.build_absolute_uri(reverse("hsds:profile")),
            "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
        }
    )


@hsds_endpoint("openapi", cached=False)
def openapi(request, params):
    server = request.build_absolute_uri(reverse("hsds:root")).rstrip("/")
    return JsonResponse(openapi_document(server), json_dumps_params={"ensure_ascii": False})


@hsds_endpoint("profile")
def profile(request, params):
    text = (settings.BASE_DIR / PROFILE_FILE).read_text(encoding="utf-8")
    return HttpResponse(text, content_type="text/markdown; charset=utf-8")


# Services --------------------------------------------------------------------------------


def _offers_with_term(term) -> object:
    """The primary keys of the offers holding `term` (a subquery)."""
    if term.source == REFERRALS:
        direction, _, kind = term.code.partition("-")
        return offers_with_public_link(kind=kind, onward=direction == ONWARD)
    if term.source == DEPLOYMENTS:  # an organisation's attribute, never a service's
        return Offer.objects.none().values("pk")
    if term.source == PHASES:
        return Position.objects.filter(phase_id=term.pk).values("offer_id")
    if term.source == VIOLENCE_TYPES:
        return Position.objects.filter(violence_type_id=term.pk).values("offer_id")
    relation = Offer._meta.get_field(term.source)
    link = relation.remote_field.through.objects
    return link.filter(**{f"{relation.m2m_reverse_field_name()}_id": term.pk}).values(
        f"{relation.m2m_field_name()}_id"
    )


def _offers_in_taxonomy(taxonomy, terms: Catalogue):
    source = terms.taxonomy_source(taxonomy)
    if source == REFERRALS:
        return offers_with_public_link()
    if source == DEPLOYMENTS:
        return Offer.objects.none().values("pk")
    if source == PHASES:
        return Position.objects.values("offer_id")
    if source == VIOLENCE_TYPES:
        return Position.objects.filter(violence_type__framework__uuid=taxonomy.id).values(
            "offer_id"
        )
    relation = Offer._meta.get_field(source)
    return relation.remote_field.through.objects.values(f"{relation.m2m_field_name()}_id")


def _services(params: Params, terms: Catalogue, *, detail: Detail):
    """The published offers under the HSDS filters of `params`, in the search's order."""
    filterset = offer_selection({"q": params.search} if params.search else {}, detail=detail)
    if not filterset.is_valid():
        raise InvalidParams({"search": field_error("Ongeldige zoektekst.")})
    offers = filterset.qs
    if detail == Detail.BARE:
        offers = offers.select_related("organisation")
    errors = {}
    if "taxonomy_term_id" in params.ids:
        term = terms.term(params.ids["taxonomy_term_id"])
        if term is None:
            errors["taxonomy_term_id"] = field_error("Onbekende term.", "unknown_id")
        else:
            offers = offers.filter(pk__in=_offers_with_term(term))
    if "taxonomy_id" in params.ids:
        taxonomy = terms.taxonomy(params.ids["taxonomy_id"])
        if taxonomy is None:
            errors["taxonomy_id"] = field_error("Onbekende taxonomie.", "unknown_id")
        else:
            offers = offers.filter(pk__in=_offers_in_taxonomy(taxonomy, terms))
    if "organization_id" in params.ids:
        organisation_id = params.ids["organization_id"]
        if not Organisation.objects.filter(uuid=organisation_id).exists():
            errors["organization_id"] = field_error("Onbekende organisatie.", "unknown_id")
        offers = offers.filter(organisation__uuid=organisation_id)
    if params.modified_after is not None:
        offers = offers.filter(updated_at__gte=params.modified_after)
    if errors:
        raise InvalidParams(errors)
    return offers


def _services_full(offers, terms: Catalogue) -> list[dict]:
    """`offers` fully nested, with their public links (one query for all of them)."""
    links = serialise.links_by_offer(public_links_of(o.pk for o in offers), terms)
    return [serialise.service_full(o, terms, links.get(o.pk, ())) for o in offers]


@hsds_endpoint("services")
def services(request, params):
    terms = catalogue()
    full = params.flag("full") and not params.flag("minimal")
    offers = _services(params, terms, detail=Detail.FULL if full else Detail.BARE)
    if params.flag("minimal"):
        return _paged(offers, params, lambda page: [serialise.service_minimal(o) for o in page])
    if full:
        return _paged(offers, params, lambda page: _services_full(page, terms))
    return _paged(offers, params, lambda page: [serialise.service_core(o) for o in page])


@hsds_endpoint("service")
def service(request, params, id):
    offer_id = _uuid(id)
    offer = published_offers(Detail.FULL).filter(uuid=offer_id).first() if offer_id else None
    if offer is None:
        return _not_found("Dienst")
    return JsonResponse(_services_full([offer], catalogue())[0])


@hsds_endpoint("service_at_locations")
def service_at_locations(request, params):
    terms = catalogue()
    full = params.flag("full")
    offers = _services(params, terms, detail=Detail.FULL if full else Detail.BARE)
    offers = offers.filter(public_address_condition())

    def contents(page):
        nested = _services_full(page, terms) if full else [serialise.service_core(o) for o in page]
        return [
            serialise.service_at_location(offer, service=service)
            for offer, service in zip(page, nested, strict=True)
        ]

    return _paged(offers, params, contents)


# Organisations ---------------------------------------------------------------------------


def _services_of(organisations, *, full: bool) -> dict[int, list[dict]]:
    """The published offers of `organisations` as services, by organisation (one selection
    for all of them)."""
    offers = published_offers(Detail.FULL if full else Detail.BARE).select_related("organisation")
    offers = offers.filter(organisation__in=[o.pk for o in organisations]).order_by("name", "pk")
    offers = list(offers)
    items = _services_full(offers, catalogue()) if full else map(serialise.service_core, offers)
    found: dict[int, list[dict]] = {o.pk: [] for o in organisations}
    for offer, item in zip(offers, items, strict=True):
        item.pop("organization", None)  # nested inside its organization already
        found[offer.organisation_id].append(item)
    return found


def _organizations_full(organisations, *, full_service: bool) -> list[dict]:
    """`organisations` with their services and their listed pool entries (one query each)."""
    services = _services_of(organisations, full=full_service)
    pool: dict[int, list] = {}
    for row in pool_deployments(o.pk for o in organisations):
        pool.setdefault(row.organisation_id, []).append(row)
    terms = catalogue()
    return [
        serialise.organization_full(o, services[o.pk], pool.get(o.pk, []), terms)
        for o in organisations
    ]


@hsds_endpoint("organizations")
def organizations(request, params):
    organisations = Organisation.objects.order_by("name", "slug")
    for word in params.search.split():
        pattern = word_prefix_pattern(word)
        organisations = organisations.filter(
            Q(name__iregex=pattern) | Q(description__iregex=pattern)
        )

    def contents(page):
        if not params.flag("full"):
            return [serialise.organization_core(o) for o in page]
        return _organizations_full(page, full_service=params.flag("full_service"))

    return _paged(organisations, params, contents)


@hsds_endpoint("organization")
def organization(request, params, id):
    organisation_id = _uuid(id)
    organisation = (
        Organisation.objects.filter(uuid=organisation_id).first() if organisation_id else None
    )
    if organisation is None:
        return _not_found("Organisatie")
    return JsonResponse(
        _organizations_full([organisation], full_service=params.flag("full_service"))[0]
    )


# Taxonomies ------------------------------------------------------------------------------


@hsds_endpoint("taxonomies")
def taxonomies(request, params):
    found = [
        taxonomy
        for taxonomy in catalogue().taxonomies
        if _words_match(f"{taxonomy.name} {taxonomy.description}", params.search)
    ]
    return _paged(found, params, lambda page: [taxonomy.as_json() for taxonomy in page])


@hsds_endpoint("taxonomy")
def taxonomy(request, params, id):
    taxonomy_id = _uuid(id)
    found = catalogue().taxonomy(taxonomy_id) if taxonomy_id else None
    if found is None:
        return _not_found("Taxonomie")
    return JsonResponse(found.as_json())


@hsds_endpoint("taxonomy_terms")
def taxonomy_terms(request, params):
    terms = catalogue()
    found = list(terms.terms)
    errors = {}
    if "taxonomy_id" in params.ids:
        taxonomy = terms.taxonomy(params.ids["taxonomy_id"])
        if taxonomy is None:
            errors["taxonomy_id"] = field_error("Onbekende taxonomie.", "unknown_id")
        found = [term for term in found if term.taxonomy == taxonomy]
    if "parent_id" in params.ids:
        if terms.term(params.ids["parent_id"]) is None:
            errors["parent_id"] = field_error("Onbekende term.", "unknown_id")
        found = []  # no term of the map has a parent
    if errors:
        raise InvalidParams(errors)
    found = [
        term for term in found if _words_match(f"{term.name} {term.description}", params.search)
    ]
    return _paged(found, params, lambda page: [term.as_json() for term in page])


@hsds_endpoint("taxonomy_term")
def taxonomy_term(request, params, id):
    term_id = _uuid(id)
    found = catalogue().term(term_id) if term_id else None
    if found is None:
        return _not_found("Term")
    return JsonResponse(found.as_json())
