"""Factories for the paths app: referral links and pool entries."""

import factory
from django.utils import timezone

from providers.paths.models import PoolEntry, ReferralLink, TransitionKind
from tests.factories import OfferFactory, OrganisationFactory


class ReferralLinkFactory(factory.django.DjangoModelFactory):
    """A confirmed link; `status` and `proposed_by` as the test needs."""

    class Meta:
        model = ReferralLink

    from_offer = factory.SubFactory(OfferFactory)
    to_offer = factory.SubFactory(OfferFactory)
    kind = TransitionKind.NEXT_PHASE
    status = ReferralLink.Status.CONFIRMED
    proposed_by = factory.LazyAttribute(lambda o: o.from_offer.organisation)
    confirmed_at = factory.LazyFunction(timezone.now)


class PoolEntryFactory(factory.django.DjangoModelFactory):
    """`lists={"frameworks": ["hgkm"], "violence_types": [...], "phases": [...],
    "deployment_kinds": [...]}` by slug; without frameworks it gets hgkm."""

    class Meta:
        model = PoolEntry
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Inzet {n}")
    availability = 2
    availability_unit = PoolEntry.Unit.PEOPLE

    @factory.post_generation
    def lists(self, create, extracted, **kwargs):
        if not create:
            return
        extracted = {"frameworks": ["hgkm"], **(extracted or {})}
        for name, slugs in extracted.items():
            related = PoolEntry._meta.get_field(name).related_model
            getattr(self, name).set(related.objects.filter(slug__in=slugs))
