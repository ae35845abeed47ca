"""One factory per model. Reference data (frameworks, phases, lists) comes from migrations."""

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from frameworks.models import Framework, Phase, ViolenceType
from providers.models import (
    AgeGroup,
    Funding,
    LegalFramework,
    Membership,
    Method,
    Municipality,
    Offer,
    Organisation,
    Position,
    TargetGroup,
    TreatmentFactor,
)


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework
        django_get_or_create = ["slug"]

    slug = "hgkm"
    name = factory.LazyAttribute(lambda o: o.slug.upper())


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase
        django_get_or_create = ["slug"]

    slug = "preventie"
    name = factory.LazyAttribute(lambda o: o.slug.capitalize())


class ViolenceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ViolenceType
        django_get_or_create = ["slug"]

    framework = factory.SubFactory(FrameworkFactory)
    slug = "kindermishandeling"
    name = factory.LazyAttribute(lambda o: o.slug.capitalize())


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    role = Organisation.Role.PROVIDER


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Aanbod {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = "Hulp voor plegers."
    status = Offer.Status.PUBLISHED

    @factory.post_generation
    def cells(self, create, extracted, **kwargs):
        """`cells=[(phase_slug, violence_type_slug), ...]` positions the offer in those cells."""
        if not create or not extracted:
            return
        for phase_slug, violence_type_slug in extracted:
            Position.objects.create(
                offer=self,
                phase=Phase.objects.get(slug=phase_slug),
                violence_type=ViolenceType.objects.get(slug=violence_type_slug),
            )

    @factory.post_generation
    def lists(self, create, extracted, **kwargs):
        """`lists={"methods": ["top-3"], "age_groups": [...]}` sets those lists by slug."""
        if not create or not extracted:
            return
        for name, slugs in extracted.items():
            related = Offer._meta.get_field(name).related_model
            getattr(self, name).set(related.objects.filter(slug__in=slugs))


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    offer = factory.SubFactory(OfferFactory)
    violence_type = factory.LazyFunction(
        lambda: ViolenceType.objects.get(slug="kindermishandeling")
    )
    phase = factory.LazyFunction(lambda: Phase.objects.get(slug="preventie"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("geheim-wachtwoord-123")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class ReferenceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Item {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class TargetGroupFactory(ReferenceItemFactory):
    class Meta:
        model = TargetGroup


class AgeGroupFactory(ReferenceItemFactory):
    class Meta:
        model = AgeGroup


class LegalFrameworkFactory(ReferenceItemFactory):
    class Meta:
        model = LegalFramework


class MethodFactory(ReferenceItemFactory):
    class Meta:
        model = Method


class FundingFactory(ReferenceItemFactory):
    class Meta:
        model = Funding


class TreatmentFactorFactory(ReferenceItemFactory):
    class Meta:
        model = TreatmentFactor


class MunicipalityFactory(ReferenceItemFactory):
    class Meta:
        model = Municipality
