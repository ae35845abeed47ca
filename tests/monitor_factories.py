"""Factories for the monitor's models (providers/monitor/)."""

import datetime

import factory

from frameworks.models import Framework, Phase, ViolenceType
from providers.monitor.models import Need


class NeedFactory(factory.django.DjangoModelFactory):
    """`NeedFactory(cell=("nazorg", "ouderenmishandeling"))`, or `phase=`/`violence_type=`
    as slugs for a whole phase or violence type; the framework follows."""

    class Meta:
        model = Need
        exclude = ["cell"]

    cell = None
    framework = factory.LazyAttribute(
        lambda o: (
            o.violence_type.framework if o.violence_type else Framework.objects.get(slug="hgkm")
        )
    )
    phase = factory.LazyAttribute(lambda o: Phase.objects.get(slug=o.cell[0]) if o.cell else None)
    violence_type = factory.LazyAttribute(
        lambda o: ViolenceType.objects.get(slug=o.cell[1]) if o.cell else None
    )
    capacity_per_year = 100
    valid_from = datetime.date(2025, 1, 1)
    note = "Schatting van de gemeente."
