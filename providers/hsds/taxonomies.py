"""The map's own vocabulary as HSDS taxonomies and terms.

- one taxonomy per framework, whose terms are its violence types (the matrix's columns); the
  taxonomy's id is the framework's UUID;
- one taxonomy of the phases (the rows, shared by both frameworks);
- one taxonomy per maintained list that says who an offer is for and how it works (target
  groups, age groups, legal frameworks, methods, treatment factors);
- "Verwijzingen": per kind of transition two terms, "Hiervoor" and "Hierna", for a service's
  confirmed public referral links (the attribute's value is the other service's id);
- "Inzet ervaringsdeskundigen": the kinds of deployment of the pool, for an organisation's
  listed pool entries (the attribute's value is the availability).

Funding and municipalities have a home of their own in HSDS (`funding`, `service_areas`), so
they are no taxonomy; their entries' UUIDs are in the catalogue too, for the ids of those
objects. Every term's id is its row's UUID; the ids of the phases' and the lists' taxonomies
are derived from a fixed name (providers.stable_ids), the same in every installation; so are
the ids of the referral terms (from direction and kind) and of the deployment kinds (from
their slug).

The whole catalogue is a few hundred rows, read in four queries and cached under the data
version (sociale_kaart.cache).
"""

from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import CharField, F, UUIDField, Value

from frameworks.models import Framework, Phase, ViolenceType
from providers.lists import list_for_field
from providers.models import Offer
from providers.paths.selectors import deployment_kinds, transition_kinds
from providers.stable_ids import stable_uuid
from sociale_kaart.cache import get_or_compute, versioned_key

PHASES = "phase"
VIOLENCE_TYPES = "violence_type"
# The offer's list fields that are taxonomies, in the order of the offer form.
TAXONOMY_LISTS = ("target_groups", "age_groups", "legal_frameworks", "methods", "treatment_factors")
# The offer's list fields with an HSDS object of their own; only their entries' ids are kept.
OTHER_LISTS = ("fundings", "municipalities")
LANGUAGE = "nl"
# The taxonomies that are no field of an offer: its referral links, an organisation's pool.
REFERRALS = "referral"
DEPLOYMENTS = "deployment"
BACKWARD = "hiervoor"  # the other service hands over to this one
ONWARD = "hierna"  # this service hands over to the other
UNKNOWN_DEPLOYMENT = "onbekend"

_LIST_DESCRIPTIONS = {
    "target_groups": "Voor wie het aanbod is: plegers, slachtoffers, omstanders of het hele "
    "systeem.",
    "age_groups": "De leeftijdsgroepen waarvoor het aanbod is.",
    "legal_frameworks": "Het juridisch kader: vrijwillig of verplicht (strafrechtelijk, "
    "bestuursrechtelijk, civielrechtelijk).",
    "methods": "De methoden waarmee het aanbod werkt.",
    "treatment_factors": "De bejegeningsfactoren die het aanbod dekt.",
}


@dataclass(frozen=True)
class Taxonomy:
    id: UUID
    #: What its terms describe: the attribute's `link_type` and the map's filter name.
    link_type: str
    name: str
    description: str

    def as_json(self) -> dict:
        return {"id": str(self.id), "name": self.name, "description": self.description}


@dataclass(frozen=True)
class Term:
    id: UUID
    pk: int
    code: str  # the slug, as the map's own filters and URLs use it
    name: str
    description: str
    taxonomy: Taxonomy
    #: Where an offer holds it: PHASES, VIOLENCE_TYPES or the offer's list field.
    source: str

    def as_json(self) -> dict:
        return {
            "id": str(self.id),
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "taxonomy": self.taxonomy.name,
            "taxonomy_id": str(self.taxonomy.id),
            "language": LANGUAGE,
        }


@dataclass
class Catalogue:
    taxonomies: list[Taxonomy] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    #: The offer's lists without a taxonomy: (field, pk) -> the entry's UUID.
    entry_ids: dict[tuple[str, int], UUID] = field(default_factory=dict)

    def __post_init__(self):
        self.reindex()

    def reindex(self) -> None:
        self._taxonomies = {taxonomy.id: taxonomy for taxonomy in self.taxonomies}
        self._terms = {term.id: term for term in self.terms}
        self._by_source = {(term.source, term.pk): term for term in self.terms}
        self._by_code = {
            (term.source, term.code): term
            for term in self.terms
            if term.source in (REFERRALS, DEPLOYMENTS)
        }

    def taxonomy(self, taxonomy_id: UUID) -> Taxonomy | None:
        return self._taxonomies.get(taxonomy_id)

    def term(self, term_id: UUID) -> Term | None:
        return self._terms.get(term_id)

    def term_for(self, source: str, pk: int) -> Term:
        """The term of the phase, violence type or list entry `pk`."""
        return self._by_source[(source, pk)]

    def referral_term(self, direction: str, kind: str) -> Term:
        """The term of a link of `kind` seen from one side (BACKWARD or ONWARD)."""
        return self._by_code[(REFERRALS, f"{direction}-{kind}")]

    def deployment_term(self, slug: str | None) -> Term:
        """The term of a kind of deployment; None: the term for a kind not yet known."""
        return self._by_code[(DEPLOYMENTS, slug or UNKNOWN_DEPLOYMENT)]

    def terms_of(self, taxonomy: Taxonomy) -> list[Term]:
        return [term for term in self.terms if term.taxonomy == taxonomy]

    def taxonomy_source(self, taxonomy: Taxonomy) -> str:
        """Where an offer holds the terms of `taxonomy` (PHASES, VIOLENCE_TYPES, a field)."""
        if taxonomy.link_type in (PHASES, VIOLENCE_TYPES, REFERRALS, DEPLOYMENTS):
            return taxonomy.link_type
        return next(name for name in TAXONOMY_LISTS if _link_type(name) == taxonomy.link_type)


def _link_type(list_field: str) -> str:
    return list_for_field(list_field).param


def _list_name(list_field: str) -> str:
    model = Offer._meta.get_field(list_field).related_model
    return str(model._meta.verbose_name_plural).capitalize()


def _list_entry_name(list_field: str) -> str:
    return str(Offer._meta.get_field(list_field).related_model._meta.verbose_name)


def _list_rows():
    """Every entry of the offer's maintained lists and every kind of deployment of the pool
    (which has no UUID column: None) in one UNION query."""
    parts = []
    for name in (*TAXONOMY_LISTS, *OTHER_LISTS):
        model = Offer._meta.get_field(name).related_model
        has_description = any(f.name == "description" for f in model._meta.fields)
        parts.append(
            model.objects.order_by().values_list(
                Value(name, output_field=CharField()),
                "pk",
                "uuid",
                "slug",
                "name",
                "order",
                F("description") if has_description else Value("", output_field=CharField()),
            )
        )
    parts.append(
        deployment_kinds()
        .order_by()
        .values_list(
            Value(DEPLOYMENTS, output_field=CharField()),
            "pk",
            Value(None, output_field=UUIDField()),
            "slug",
            "name",
            "order",
            Value("", output_field=CharField()),
        )
    )
    return parts[0].union(*parts[1:], all=True)


def _build() -> Catalogue:
    catalogue = Catalogue()
    frameworks = list(Framework.objects.all())
    by_framework = {}
    for framework in frameworks:
        taxonomy = Taxonomy(
            id=framework.uuid,
            link_type=VIOLENCE_TYPES,
            name=f"Geweldsvormen {framework.name}",
            description=framework.description
            or f"De geweldsvormen (de kolommen) van het analysekader {framework.name}.",
        )
        by_framework[framework.pk] = taxonomy
        catalogue.taxonomies.append(taxonomy)
    phases = Taxonomy(
        id=stable_uuid("hsds.taxonomy", PHASES),
        link_type=PHASES,
        name="Fasen",
        description="De fasen van de aanpak (de rijen van beide analysekaders), naar de "
        "landelijke visie Gefaseerd samenwerken aan veiligheid.",
    )
    catalogue.taxonomies.append(phases)
    for violence_type in ViolenceType.objects.order_by("framework__order", "order", "name"):
        taxonomy = by_framework[violence_type.framework_id]
        catalogue.terms.append(
            Term(
                id=violence_type.uuid,
                pk=violence_type.pk,
                code=violence_type.slug,
                name=violence_type.name,
                description=f"{violence_type.name}: een geweldsvorm van het analysekader "
                f"{taxonomy.name.removeprefix('Geweldsvormen ')}.",
                taxonomy=taxonomy,
                source=VIOLENCE_TYPES,
            )
        )
    for phase in Phase.objects.all():
        catalogue.terms.append(
            Term(
                id=phase.uuid,
                pk=phase.pk,
                code=phase.slug,
                name=phase.name,
                description=f"{phase.name}: een fase van de aanpak.",
                taxonomy=phases,
                source=PHASES,
            )
        )
    lists = {}
    for name in TAXONOMY_LISTS:
        lists[name] = Taxonomy(
            id=stable_uuid("hsds.taxonomy", name),
            link_type=_link_type(name),
            name=_list_name(name),
            description=_LIST_DESCRIPTIONS[name],
        )
        catalogue.taxonomies.append(lists[name])
    rows = sorted(_list_rows(), key=lambda row: (row[0], row[5], row[4]))
    deployments = []
    for name, pk, entry_id, slug, entry_name, _order, description in rows:
        if name == DEPLOYMENTS:
            deployments.append((pk, slug, entry_name))
            continue
        if name in OTHER_LISTS:
            catalogue.entry_ids[(name, pk)] = entry_id
            continue
        catalogue.terms.append(
            Term(
                id=entry_id,
                pk=pk,
                code=slug,
                name=entry_name,
                description=description or f"{entry_name} ({_list_entry_name(name)}).",
                taxonomy=lists[name],
                source=name,
            )
        )
    _add_referrals(catalogue)
    _add_deployments(catalogue, deployments)
    order = {taxonomy.id: index for index, taxonomy in enumerate(catalogue.taxonomies)}
    catalogue.terms.sort(key=lambda term: order[term.taxonomy.id])  # stable: keeps row order
    catalogue.reindex()
    return catalogue


def catalogue() -> Catalogue:
    """The taxonomies and terms as they are now (cached until the data changes)."""
    return get_or_compute(versioned_key("hsds-catalogue"), _build)


def _add_referrals(catalogue: Catalogue) -> None:
    taxonomy = Taxonomy(
        id=stable_uuid("hsds.taxonomy", REFERRALS),
        link_type=REFERRALS,
        name="Verwijzingen",
        description="Bevestigde doorverwijzingen tussen gepubliceerd aanbod, per soort overgang: "
        "'Hiervoor' (het andere aanbod draagt over aan deze dienst) of 'Hierna' (deze dienst "
        "draagt over aan het andere aanbod). De waarde van het attribuut is de id van de andere "
        "dienst.",
    )
    catalogue.taxonomies.append(taxonomy)
    for index, (direction, label) in enumerate(((BACKWARD, "Hiervoor"), (ONWARD, "Hierna"))):
        kinds = transition_kinds()
        for order, (kind, kind_label) in enumerate(kinds):
            code = f"{direction}-{kind}"
            lowered = kind_label.lower()
            catalogue.terms.append(
                Term(
                    id=stable_uuid("hsds.referral", f"{direction}/{kind}"),
                    pk=index * len(kinds) + order,
                    code=code,
                    name=f"{label}: {lowered}",
                    description=(
                        f"Het aanbod met deze id draagt over aan deze dienst ({lowered})."
                        if direction == BACKWARD
                        else f"Deze dienst draagt over aan het aanbod met deze id ({lowered})."
                    ),
                    taxonomy=taxonomy,
                    source=REFERRALS,
                )
            )


def _add_deployments(catalogue: Catalogue, kinds: list[tuple[int, str, str]]) -> None:
    """The pool's taxonomy; `kinds`: (pk, slug, name) of each kind, in the list's order."""
    taxonomy = Taxonomy(
        id=stable_uuid("hsds.taxonomy", DEPLOYMENTS),
        link_type=DEPLOYMENTS,
        name="Inzet ervaringsdeskundigen",
        description="Wat een organisatie aan ervaringsdeskundigen (voormalig plegers) kan "
        "inzetten, per soort inzet; nooit wie. De waarde van het attribuut is de beschikbaarheid, "
        "zoals '3 personen' of '8 uur per maand'. Contact loopt via de organisatie.",
    )
    catalogue.taxonomies.append(taxonomy)
    for pk, slug, name in kinds:
        catalogue.terms.append(
            Term(
                id=stable_uuid("paths.deploymentkind", slug),
                pk=pk,
                code=slug,
                name=name,
                description=f"{name}: een soort inzet van ervaringsdeskundigen.",
                taxonomy=taxonomy,
                source=DEPLOYMENTS,
            )
        )
    catalogue.terms.append(
        Term(
            id=stable_uuid("paths.deploymentkind", UNKNOWN_DEPLOYMENT),
            pk=0,
            code=UNKNOWN_DEPLOYMENT,
            name="Soort inzet nog niet bekend",
            description="De organisatie heeft (nog) niet opgegeven voor welke soort inzet.",
            taxonomy=taxonomy,
            source=DEPLOYMENTS,
        )
    )
