"""Reads of the paths and the pool, shared by the pages, the Excel workbook and the JSON.

Each function answers in a fixed number of queries, whatever the number of offers or links.
Only confirmed links between published offers (`ReferralLink.objects.public()`) count.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from frameworks.models import Framework, Phase, ViolenceType
from providers.models import Offer, Position
from providers.paths.models import DeploymentKind, PoolEntry, ReferralLink, TransitionKind
from providers.selectors import published_offers
from sociale_kaart.cache import get_or_compute, versioned_key

# The phases after which a trajectory should hand over (the TOP-3 but for nazorg, the last).
ONWARD_PHASES = (
    "directe-veiligheid-veiligheidsplan",
    "risicogestuurde-zorg-hulpverleningsplan",
    "herstelgerichte-zorg",
)
YOUTH_AGE_GROUPS = frozenset({"jonge-kinderen", "minderjarigen"})
ADULT_AGE_GROUPS = frozenset({"jongvolwassenen-18-23", "volwassenen"})
VOLUNTARY = "vrijwillig"
COMPULSORY_PREFIX = "verplicht"


# --- One offer's neighbours (the offer page) ---------------------------------------------


@dataclass(frozen=True)
class Neighbour:
    offer: Offer
    kind: str  # a TransitionKind label
    note: str


def offer_neighbours(offer) -> tuple[list[Neighbour], list[Neighbour]]:
    """The offers before ("hiervoor": they hand over to `offer`) and after ("hierna") `offer`,
    over public links; one query."""
    links = (
        ReferralLink.objects.public()
        .filter_by_offer(offer)
        .select_related("from_offer__organisation", "to_offer__organisation")
        .order_by("kind", "pk")
    )
    before, after = [], []
    for link in links:
        if link.to_offer_id == offer.pk:
            before.append(Neighbour(link.from_offer, link.get_kind_display(), link.note))
        else:
            after.append(Neighbour(link.to_offer, link.get_kind_display(), link.note))
    return before, after


# --- A path: one framework and violence type ---------------------------------------------


@dataclass
class PathNode:
    offer: Offer
    phase: Phase  # the first phase the offer holds in this violence type
    phases: list  # every phase it holds there
    onward: list = field(default_factory=list)  # (offer, kind label, in this path)
    before: list = field(default_factory=list)


@dataclass
class PathEdge:
    source: PathNode
    target: PathNode
    kind: str
    kind_label: str


@dataclass
class Path:
    framework: Framework
    violence_type: ViolenceType
    phases: list
    columns: list  # per phase: its nodes
    nodes: list
    edges: list


def path_for(violence_type: ViolenceType, phases: list) -> Path:
    """The published offers positioned in `violence_type`, each in the column of its first
    phase there, and the public links between them (and to offers elsewhere, for the list).
    Three queries."""
    positions = (
        Position.objects.filter(violence_type=violence_type, offer__in=published_offers())
        .select_related("offer__organisation")
        .order_by("offer__organisation__name", "offer__name", "offer_id")
    )
    order = {phase.pk: index for index, phase in enumerate(phases)}
    by_phase = {phase.pk: phase for phase in phases}
    nodes: dict[int, PathNode] = {}
    for position in positions:
        phase = by_phase[position.phase_id]
        node = nodes.get(position.offer_id)
        if node is None:
            nodes[position.offer_id] = PathNode(offer=position.offer, phase=phase, phases=[phase])
            continue
        node.phases.append(phase)
        node.phases.sort(key=lambda p: order[p.pk])
        node.phase = node.phases[0]
    in_path = Position.objects.filter(
        violence_type=violence_type, offer__in=published_offers()
    ).values("offer_id")
    links = (
        ReferralLink.objects.public()
        .filter_by_offers(in_path)
        .select_related("from_offer__organisation", "to_offer__organisation")
        .order_by("kind", "pk")
    )
    edges = []
    for link in links:
        source, target = nodes.get(link.from_offer_id), nodes.get(link.to_offer_id)
        label = link.get_kind_display()
        if source is not None:
            source.onward.append((link.to_offer, label, target is not None))
        if target is not None:
            target.before.append((link.from_offer, label, source is not None))
        if source is not None and target is not None:
            edges.append(PathEdge(source, target, link.kind, label))
    ordered = sorted(
        nodes.values(),
        key=lambda n: (order[n.phase.pk], n.offer.organisation.name, n.offer.name, n.offer.pk),
    )
    columns = [[n for n in ordered if n.phase.pk == phase.pk] for phase in phases]
    return Path(
        framework=violence_type.framework,
        violence_type=violence_type,
        phases=phases,
        columns=columns,
        nodes=ordered,
        edges=edges,
    )


# --- Where paths break -------------------------------------------------------------------


class BreakKind:
    PHASE = "fase"
    COMPULSORY = "verplicht"
    YOUTH = "jeugd"


BREAK_LABELS = {
    BreakKind.PHASE: "Geen bevestigde doorverwijzing na directe veiligheid, risicogestuurde of "
    "herstelgerichte zorg",
    BreakKind.COMPULSORY: "Verplicht kader zonder verwijzing naar vrijwillige hulp",
    BreakKind.YOUTH: "Jeugd zonder verwijzing naar hulp voor (jong)volwassenen",
}
BREAK_SHORT = {
    BreakKind.PHASE: "Geen vervolg",
    BreakKind.COMPULSORY: "Verplicht zonder vrijwillig",
    BreakKind.YOUTH: "Jeugd zonder volwassenen",
}
BREAK_KINDS = (BreakKind.PHASE, BreakKind.COMPULSORY, BreakKind.YOUTH)


@dataclass(frozen=True)
class BrokenOffer:
    pk: int
    slug: str
    name: str
    organisation: str


@dataclass
class ViolenceTypeBreaks:
    violence_type: ViolenceType
    offers: dict  # break kind -> list of BrokenOffer

    def count(self, kind) -> int:
        return len(self.offers[kind])

    @property
    def counts(self) -> list[int]:
        return [len(self.offers[kind]) for kind in BREAK_KINDS]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class FrameworkBreaks:
    framework: Framework
    rows: list  # ViolenceTypeBreaks per violence type

    @property
    def totals(self) -> list[int]:
        """Per break kind, the offers of this framework that break (each counted once)."""
        return [len({o.pk for row in self.rows for o in row.offers[kind]}) for kind in BREAK_KINDS]


@dataclass
class Breaks:
    frameworks: list  # FrameworkBreaks
    unpositioned: dict  # break kind -> offers without any position
    link_count: int

    @property
    def totals(self) -> list[int]:
        """Per break kind, every offer that breaks, positioned or not, counted once."""
        totals = []
        for kind in BREAK_KINDS:
            pks = {o.pk for fw in self.frameworks for row in fw.rows for o in row.offers[kind]}
            pks |= {o.pk for o in self.unpositioned[kind]}
            totals.append(len(pks))
        return totals


def offer_breaks() -> dict[int, set[str]]:
    """Per published offer, the kinds of break it shows (offers without any are left out).
    Five queries."""
    published = published_offers()
    onward: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for source, target, kind in ReferralLink.objects.public().values_list(
        "from_offer_id", "to_offer_id", "kind"
    ):
        onward[source].append((target, kind))
    onward_phase = set(
        Position.objects.filter(offer__in=published, phase__slug__in=ONWARD_PHASES)
        .values_list("offer_id", flat=True)
        .distinct()
    )
    ages = defaultdict(set)
    for offer_id, slug in Offer.age_groups.through.objects.filter(offer__in=published).values_list(
        "offer_id", "agegroup__slug"
    ):
        ages[offer_id].add(slug)
    legal = defaultdict(set)
    for offer_id, slug in Offer.legal_frameworks.through.objects.filter(
        offer__in=published
    ).values_list("offer_id", "legalframework__slug"):
        legal[offer_id].add(slug)
    offer_ids = set(published.values_list("pk", flat=True))

    def is_youth(pk):
        return bool(ages[pk] & YOUTH_AGE_GROUPS) and not ages[pk] & ADULT_AGE_GROUPS

    def is_compulsory(pk):
        return any(slug.startswith(COMPULSORY_PREFIX) for slug in legal[pk])

    breaks = {}
    for pk in offer_ids:
        kinds = set()
        links = onward.get(pk, [])
        if pk in onward_phase and not links:
            kinds.add(BreakKind.PHASE)
        if is_compulsory(pk) and not any(
            kind == TransitionKind.COMPULSORY_TO_VOLUNTARY or VOLUNTARY in legal[target]
            for target, kind in links
        ):
            kinds.add(BreakKind.COMPULSORY)
        if is_youth(pk) and not any(
            kind == TransitionKind.YOUTH_TO_ADULT or ages[target] & ADULT_AGE_GROUPS
            for target, kind in links
        ):
            kinds.add(BreakKind.YOUTH)
        if kinds:
            breaks[pk] = kinds
    return breaks


def _compute_breaks() -> Breaks:
    broken = offer_breaks()
    published = published_offers()
    offers = {
        pk: BrokenOffer(pk, slug, name, organisation)
        for pk, slug, name, organisation in published.order_by(
            "organisation__name", "name", "pk"
        ).values_list("pk", "slug", "name", "organisation__name")
        if pk in broken
    }
    # Per violence type, the broken offers positioned there; a phase break only where the
    # offer holds one of the onward phases in that violence type.
    in_type: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    positioned = set()
    for offer_id, violence_type_id, phase_slug in Position.objects.filter(
        offer__in=published
    ).values_list("offer_id", "violence_type_id", "phase__slug"):
        if offer_id not in broken:
            continue
        positioned.add(offer_id)
        for kind in broken[offer_id]:
            if kind != BreakKind.PHASE or phase_slug in ONWARD_PHASES:
                in_type[violence_type_id][kind].add(offer_id)
    order = list(offers)

    def named(pks) -> list[BrokenOffer]:
        return [offers[pk] for pk in order if pk in pks]

    violence_types = ViolenceType.objects.select_related("framework").order_by(
        "framework__order", "order"
    )
    frameworks: dict[int, FrameworkBreaks] = {}
    for violence_type in violence_types:
        entry = frameworks.setdefault(
            violence_type.framework_id, FrameworkBreaks(violence_type.framework, [])
        )
        kinds = in_type.get(violence_type.pk, {})
        entry.rows.append(
            ViolenceTypeBreaks(
                violence_type, {kind: named(kinds.get(kind, set())) for kind in BREAK_KINDS}
            )
        )
    unpositioned = {
        kind: named({pk for pk, kinds in broken.items() if kind in kinds and pk not in positioned})
        for kind in BREAK_KINDS
    }
    return Breaks(
        frameworks=list(frameworks.values()),
        unpositioned=unpositioned,
        link_count=ReferralLink.objects.public().count(),
    )


def path_breaks() -> Breaks:
    """Where paths break, per framework and violence type; cached under the data version."""
    return get_or_compute(versioned_key("path-breaks"), _compute_breaks)


# --- The pool ----------------------------------------------------------------------------


def pool_entries():
    """The listed pool entries with their organisation and lists (five queries)."""
    return (
        PoolEntry.objects.listed()
        .select_related("organisation")
        .prefetch_related(
            "frameworks",
            Prefetch("violence_types", ViolenceType.objects.select_related("framework")),
            "phases",
            "deployment_kinds",
        )
    )


@dataclass
class PoolFrameworkSize:
    framework: Framework
    entries: int
    organisations: int
    people: int
    hours: int
    without: list  # violence types of this framework no listed entry names


def pool_size() -> list[PoolFrameworkSize]:
    """Per framework: how many listed entries, organisations, people and hours per month,
    and its violence types for which no entry is listed (none given counts as unknown, not as
    covering them all). Four queries."""
    through = PoolEntry.frameworks.through.objects.filter(poolentry__listed=True)
    rows = through.values_list(
        "framework_id",
        "poolentry_id",
        "poolentry__organisation_id",
        "poolentry__availability",
        "poolentry__availability_unit",
    )
    named = set(
        PoolEntry.violence_types.through.objects.filter(poolentry__listed=True).values_list(
            "violencetype_id", flat=True
        )
    )
    violence_types = defaultdict(list)
    for violence_type in ViolenceType.objects.order_by("order"):
        violence_types[violence_type.framework_id].append(violence_type)
    sizes = {
        framework.pk: PoolFrameworkSize(framework, 0, 0, 0, 0, [])
        for framework in Framework.objects.order_by("order")
    }
    organisations = defaultdict(set)
    for framework_id, _, organisation_id, amount, unit in rows:
        size = sizes[framework_id]
        size.entries += 1
        organisations[framework_id].add(organisation_id)
        if unit == PoolEntry.Unit.PEOPLE:
            size.people += amount
        else:
            size.hours += amount
    for framework_id, size in sizes.items():
        size.organisations = len(organisations[framework_id])
        size.without = [vt for vt in violence_types[framework_id] if vt.pk not in named]
    return list(sizes.values())


# --- Open data (the HSDS API) ------------------------------------------------------------


@dataclass(frozen=True)
class LinkRow:
    from_offer_id: int
    to_offer_id: int
    from_uuid: object
    to_uuid: object
    kind: str


def public_links_of(offer_ids) -> list[LinkRow]:
    """The public links with either side among `offer_ids`, oldest first; one query."""
    rows = (
        ReferralLink.objects.public()
        .filter_by_offers(list(offer_ids))
        .order_by("pk")
        .values_list("from_offer_id", "to_offer_id", "from_offer__uuid", "to_offer__uuid", "kind")
    )
    return [LinkRow(*row) for row in rows]


def offers_with_public_link(*, kind: str | None = None, onward: bool | None = None):
    """The ids of the offers holding a public link (a subquery): onward (they hand over),
    backward (they take over) or either (`onward` None), of `kind` or of any kind."""
    links = ReferralLink.objects.public()
    if kind is not None:
        links = links.filter(kind=kind)
    if onward is True:
        return links.values("from_offer_id")
    if onward is False:
        return links.values("to_offer_id")
    return Offer.objects.filter(
        Q(pk__in=links.values("from_offer_id")) | Q(pk__in=links.values("to_offer_id"))
    ).values("pk")


@dataclass(frozen=True)
class PoolDeployment:
    entry_id: int
    organisation_id: int
    kind: str | None  # a DeploymentKind slug; None where the entry names none
    availability: str  # "3 personen", "4 uur per maand"


def pool_deployments(organisation_ids) -> list[PoolDeployment]:
    """The listed pool entries of `organisation_ids`, one row per kind of deployment (one with
    kind None for an entry that names none), in the pool page's order; one query."""
    labels = dict(PoolEntry.Unit.choices)
    rows = (
        PoolEntry.objects.listed()
        .filter(organisation__in=list(organisation_ids))
        .order_by("title", "pk", "deployment_kinds__order", "deployment_kinds__name")
        .values_list(
            "pk", "organisation_id", "deployment_kinds__slug", "availability", "availability_unit"
        )
    )
    return [
        PoolDeployment(pk, organisation_id, slug, f"{amount} {labels.get(unit, unit)}")
        for pk, organisation_id, slug, amount, unit in rows
    ]


def transition_kinds() -> list[tuple[str, str]]:
    """The kinds of transition as (value, label), in their fixed order."""
    return list(TransitionKind.choices)


def deployment_kinds():
    """The kinds of deployment of the pool, in the list's order."""
    return DeploymentKind.objects.order_by("order", "name")
