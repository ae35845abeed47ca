"""The map's own vocabulary as HSDS taxonomies and terms.

- one taxonomy per framework, whose terms are its violence types (the matrix's columns); the
  taxonomy's id is the framework's UUID;
- one taxonomy of the phases (the rows, shared by both frameworks);
- one taxonomy per maintained list that says who an offer is for and how it works (target
  groups, age groups, legal frameworks, methods, treatment factors).

Funding and municipalities have a home of their own in HSDS (`funding`, `service_areas`), so
they are no taxonomy; their entries' UUIDs are in the catalogue too, for the ids of those
objects. Every term's id is its row's UUID; the ids of the phases' and the lists' taxonomies
are derived from a fixed name (providers.stable_ids), the same in every installation.

The whole catalogue is a few hundred rows, read in four queries and cached under the data
version (sociale_kaart.cache).
"""

from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import CharField, F, Value

from frameworks.models import Framework, Phase, ViolenceType
from providers.lists import list_for_field
from providers.models import Offer
from providers.stable_ids import stable_uuid
from sociale_kaart.cache import get_or_compute, versioned_key

PHASES = "phase"
VIOLENCE_TYPES = "violence_type"
# The offer's list fields that are taxonomies, in the order of the offer form.
TAXONOMY_LISTS = ("target_groups", "age_groups", "legal_frameworks", "methods", "treatment_factors")
# The offer's list fields with an HSDS object of their own; only their entries' ids are kept.
OTHER_LISTS = ("fundings", "municipalities")
LANGUAGE = "nl"

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

    def taxonomy(self, taxonomy_id: UUID) -> Taxonomy | None:
        return self._taxonomies.get(taxonomy_id)

    def term(self, term_id: UUID) -> Term | None:
        return self._terms.get(term_id)

    def term_for(self, source: str, pk: int) -> Term:
        """The term of the phase, violence type or list entry `pk`."""
        return self._by_source[(source, pk)]

    def terms_of(self, taxonomy: Taxonomy) -> list[Term]:
        return [term for term in self.terms if term.taxonomy == taxonomy]

    def taxonomy_source(self, taxonomy: Taxonomy) -> str:
        """Where an offer holds the terms of `taxonomy` (PHASES, VIOLENCE_TYPES, a field)."""
        if taxonomy.link_type in (PHASES, VIOLENCE_TYPES):
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
    """Every entry of the offer's maintained lists in one UNION query."""
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
    for name, pk, entry_id, slug, entry_name, _order, description in rows:
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
    order = {taxonomy.id: index for index, taxonomy in enumerate(catalogue.taxonomies)}
    catalogue.terms.sort(key=lambda term: order[term.taxonomy.id])  # stable: keeps row order
    catalogue.reindex()
    return catalogue


def catalogue() -> Catalogue:
    """The taxonomies and terms as they are now (cached until the data changes)."""
    return get_or_compute(versioned_key("hsds-catalogue"), _build)
