"""Demo referral links and pool entries, beside the demo offers (`bench/demo_data.py` calls
this after writing the offers). Written and removed in bulk, like the rest of the demo data.

About one in three published demo offers hands over to another published demo offer, mostly
confirmed, some still proposed; about one demo organisation in eight registers a pool entry,
more often for domestic violence than for sexual violence (as the 2023 report expects).
"""

import random
from collections.abc import Sequence

from django.utils import timezone

from frameworks.models import Framework, Phase, ViolenceType
from providers.models import Offer, Organisation
from providers.paths.models import DeploymentKind, PoolEntry, ReferralLink, TransitionKind

LINK_SHARE = 3  # one in this many published offers gets an onward link
POOL_SHARE = 8  # one in this many organisations registers a pool entry
KINDS = [kind.value for kind in TransitionKind]
KIND_WEIGHTS = [50, 12, 10, 10, 6, 12]
POOL_TITLES = [
    "Ervaringsdeskundigen voor motivatiegesprekken",
    "Gastlessen door ervaringsdeskundigen",
    "Ervaringsdeskundige naast de hulpverlener",
    "Lotgenotengroep onder begeleiding van ervaringsdeskundigen",
]


def build_links(rng: random.Random, offers: Sequence[Offer]) -> list[ReferralLink]:
    published = [offer for offer in offers if offer.status == Offer.Status.PUBLISHED]
    if len(published) < 2:
        return []
    now = timezone.now()
    seen = set()
    links = []
    for offer in published[::LINK_SHARE]:
        target = rng.choice(published)
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        key = (offer.pk, target.pk, kind)
        if target.pk == offer.pk or key in seen or (target.pk, offer.pk, kind) in seen:
            continue
        seen.add(key)
        confirmed = offer.organisation_id == target.organisation_id or rng.random() < 0.8
        links.append(
            ReferralLink(
                from_offer_id=offer.pk,
                to_offer_id=target.pk,
                kind=kind,
                status=ReferralLink.Status.CONFIRMED if confirmed else ReferralLink.Status.PROPOSED,
                proposed_by_id=offer.organisation_id,
                confirmed_at=now if confirmed else None,
            )
        )
    return links


def build_pool(rng: random.Random, organisations: Sequence[Organisation]):
    """Unsaved pool entries and, per entry, its lists (name -> objects)."""
    frameworks = list(Framework.objects.order_by("order"))
    violence_types = list(ViolenceType.objects.order_by("framework__order", "order"))
    phases = list(Phase.objects.order_by("order"))
    kinds = list(DeploymentKind.objects.order_by("order"))
    built = []
    for organisation in organisations[::POOL_SHARE]:
        chosen = [frameworks[0]] if rng.random() < 0.75 else frameworks[-1:]
        if rng.random() < 0.15:
            chosen = frameworks
        in_chosen = [vt for vt in violence_types if vt.framework_id in {f.pk for f in chosen}]
        lists = {
            "frameworks": chosen,
            # Some entries leave a list empty: unknown, as partners do.
            "violence_types": rng.sample(in_chosen, rng.randint(0, min(3, len(in_chosen)))),
            "phases": rng.sample(phases, rng.randint(0, 3)),
            "deployment_kinds": rng.sample(kinds, rng.randint(0, 2)),
        }
        entry = PoolEntry(
            organisation_id=organisation.pk,
            title=rng.choice(POOL_TITLES),
            availability=rng.randint(1, 12),
            availability_unit=rng.choice(list(PoolEntry.Unit.values)),
            description="Aanvragen via de organisatie.",
        )
        built.append((entry, lists))
    return built


def pool_relation_rows(built) -> dict:
    """Per many-to-many field of a pool entry: its through model, columns and rows."""
    rows = {}
    for field in PoolEntry._meta.many_to_many:
        through = field.remote_field.through
        columns = [field.m2m_field_name(), field.m2m_reverse_field_name()]
        rows[field.name] = (
            through,
            columns,
            [(entry.pk, item.pk) for entry, lists in built for item in lists[field.name]],
        )
    return rows
