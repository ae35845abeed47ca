import pytest
from django.core.cache import cache

from frameworks.models import Phase, ViolenceType
from providers.baseline import load_baseline
from providers.models import Offer, Organisation, Position
from tests.factories import OfferFactory, OrganisationFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def baseline(db):
    """The 2023 inventory, loaded as `make run` loads it."""
    return load_baseline()


@pytest.fixture
def many_offers(db):
    """Build `count` published offers, spread over organisations "Budget 0", "Budget 1", ...,
    each offer positioned in a few cells of both frameworks. Built in bulk to keep tests fast."""

    cells = [
        ("preventie", "kindermishandeling"),
        ("signalering", "ex-partnergeweld"),
        ("nazorg", "groepsgeweld"),
        ("signalering", "hands-on-geweld-tegen-kinderen"),
    ]

    def build(count: int):
        organisations = Organisation.objects.bulk_create(
            OrganisationFactory.build(name=f"Budget {index}", slug=f"budget-{index}")
            for index in range(max(1, count // 5))
        )
        offers = Offer.objects.bulk_create(
            OfferFactory.build(
                organisation=organisations[index % len(organisations)],
                name=f"Budgetaanbod {index}",
                slug=f"budgetaanbod-{index}",
            )
            for index in range(count)
        )
        phases = {p.slug: p for p in Phase.objects.all()}
        violence_types = {v.slug: v for v in ViolenceType.objects.all()}
        Position.objects.bulk_create(
            Position(offer=offer, phase=phases[phase], violence_type=violence_types[vt])
            for offer in offers
            for phase, vt in cells
        )
        return organisations, offers

    return build
