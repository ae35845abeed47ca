from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from frameworks.cache import cache_public_page
from frameworks.grids import build_grids
from providers.models import Offer, Organisation, Position


@cache_public_page()
def organisation_list(request):
    organisations = Organisation.objects.annotate(
        published_offers=Count("offers", filter=Q(offers__status=Offer.Status.PUBLISHED))
    ).order_by("name")
    return render(request, "providers/organisation_list.html", {"organisations": organisations})


@cache_public_page()
def organisation_detail(request, slug):
    organisation = get_object_or_404(
        Organisation.objects.prefetch_related("members", "partnerships"), slug=slug
    )
    offers = list(organisation.offers.published().order_by("name"))
    held = set(
        Position.objects.filter(offer__in=offers).values_list("phase_id", "violence_type_id")
    )
    context = {
        "organisation": organisation,
        "offers": offers,
        "grids": build_grids(held),
    }
    return render(request, "providers/organisation_detail.html", context)


@cache_public_page()
def offer_detail(request, slug):
    offer = get_object_or_404(Offer.objects.published().select_related("organisation"), slug=slug)
    held = set(offer.positions.values_list("phase_id", "violence_type_id"))
    return render(
        request, "providers/offer_detail.html", {"offer": offer, "grids": build_grids(held)}
    )
