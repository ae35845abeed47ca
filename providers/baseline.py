"""Load the 2023 inventory (the baseline) from the files in `fixtures/`.

The files are validated as a whole before anything is written; the load itself runs in one
transaction. Loading twice changes nothing, and partner edits are never overwritten unless
the caller forces it. A reload keeps the rows it finds (and so their UUIDs); a row it creates
gets the UUID derived from its slug (providers.stable_ids), the same in every installation.
"""

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID, uuid4

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from frameworks.models import Framework, Phase, ViolenceType
from providers.models import Offer, Organisation, Position, Source
from providers.stable_ids import stable_uuid
from sociale_kaart.cache import bump_data_version

# Sent inside the load's transaction, after the baseline is written (or found loaded as is),
# with `baseline`: the files as read. Higher layers (the monitor's 2023 snapshot) listen.
baseline_loaded = Signal()

ORGANISATIONS_FILE = "organisations.csv"
POSITIONS_FILE = "report-2023-positions.csv"
FACTS_FILE = "baseline_facts.json"
ROLES = {choice.value for choice in Organisation.Role}


class BaselineError(Exception):
    """The baseline files are inconsistent; `problems` lists each one in Dutch."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class PartnerEditsError(Exception):
    """The database holds edits that loading the baseline would overwrite."""


@dataclass
class OrganisationSpec:
    name: str
    slug: str
    role: str
    report_labels: str
    description: str = ""
    members: list[str] = field(default_factory=list)


@dataclass
class OfferSpec:
    organisation: str
    framework: Framework
    cells: set[tuple[int, int]]  # (phase_id, violence_type_id)
    facts: dict = field(default_factory=dict)  # scalar fields: name -> value
    lists: dict[str, list[int]] = field(default_factory=dict)  # many-to-many: name -> pks

    @property
    def slug(self) -> str:
        return f"{slugify(self.organisation)}-{self.framework.slug}-2023"

    @property
    def name(self) -> str:
        return f"{self.framework.name} (inventarisatie 2023)"


@dataclass
class Baseline:
    organisations: list[OrganisationSpec]
    offers: list[OfferSpec]

    @property
    def position_count(self) -> int:
        return sum(len(offer.cells) for offer in self.offers)


@dataclass
class LoadResult:
    created: bool
    organisations: int
    offers: int
    positions: int


def read_baseline(directory: Path | None = None) -> Baseline:
    """Read and check the baseline files; raise BaselineError listing every problem."""
    directory = Path(directory or settings.BASE_DIR / "fixtures")
    problems: list[str] = []
    facts = json.loads((directory / FACTS_FILE).read_text(encoding="utf-8"))
    organisation_facts = facts.get("organisations", {})
    offer_facts = facts.get("offers", {})

    organisations: dict[str, OrganisationSpec] = {}
    with (directory / ORGANISATIONS_FILE).open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            name = (row.get("name") or "").strip()
            role = (row.get("role") or "").strip()
            if not name:
                problems.append(f"{ORGANISATIONS_FILE} regel {line}: naam ontbreekt.")
                continue
            if name in organisations:
                problems.append(f"{ORGANISATIONS_FILE} regel {line}: '{name}' staat er dubbel in.")
                continue
            if role not in ROLES:
                problems.append(f"{ORGANISATIONS_FILE} regel {line}: onbekende rol '{role}'.")
                continue
            own_facts = organisation_facts.get(name, {})
            organisations[name] = OrganisationSpec(
                name=name,
                slug=slugify(name),
                role=role,
                report_labels=(row.get("labels_in_report") or "").strip(),
                description=own_facts.get("description", ""),
                members=own_facts.get("members", []),
            )
    for name in list(organisation_facts) + list(offer_facts):
        if name not in organisations:
            problems.append(f"{FACTS_FILE}: onbekende organisatie '{name}'.")
    checked_offer_facts = {
        name: _check_offer_facts(name, facts, problems) for name, facts in offer_facts.items()
    }
    for spec in organisations.values():
        for member in spec.members:
            if member not in organisations:
                problems.append(f"{FACTS_FILE}: onbekende deelnemer '{member}' van {spec.name}.")

    frameworks = {fw.slug: fw for fw in Framework.objects.all()}
    phases = {phase.name: phase.pk for phase in Phase.objects.all()}
    violence_types = {
        (vt.framework.slug, vt.name): vt.pk
        for vt in ViolenceType.objects.select_related("framework")
    }
    offers: dict[tuple[str, str], OfferSpec] = {}
    with (directory / POSITIONS_FILE).open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{POSITIONS_FILE} regel {line}"
            framework_slug = (row.get("framework") or "").strip()
            phase_name = (row.get("phase") or "").strip()
            violence_type_name = (row.get("violence_type") or "").strip()
            organisation = (row.get("organisation") or "").strip()
            framework = frameworks.get(framework_slug)
            if framework is None:
                problems.append(f"{where}: onbekend analysekader '{framework_slug}'.")
                continue
            row_problems = []
            if phase_name not in phases:
                row_problems.append(f"{where}: onbekende fase '{phase_name}'.")
            if (framework_slug, violence_type_name) not in violence_types:
                row_problems.append(
                    f"{where}: onbekende geweldsvorm '{violence_type_name}' in {framework.name}."
                )
            if organisation not in organisations:
                row_problems.append(f"{where}: onbekende organisatie '{organisation}'.")
            if row_problems:
                problems.extend(row_problems)
                continue
            scalars, lists = checked_offer_facts.get(organisation, ({}, {}))
            offer = offers.setdefault(
                (organisation, framework_slug),
                OfferSpec(
                    organisation=organisation,
                    framework=framework,
                    cells=set(),
                    facts=scalars,
                    lists=lists,
                ),
            )
            cell = (phases[phase_name], violence_types[(framework_slug, violence_type_name)])
            if cell in offer.cells:
                problems.append(f"{where}: deze positie staat er dubbel in.")
            offer.cells.add(cell)
    if problems:
        raise BaselineError(problems)
    return Baseline(organisations=list(organisations.values()), offers=list(offers.values()))


# Offer fields that the baseline itself sets; facts may not override them.
RESERVED_OFFER_FIELDS = {
    "id",
    "organisation",
    "name",
    "slug",
    "status",
    "source",
    "version",
    "created_at",
    "updated_at",
}


def _check_offer_facts(organisation: str, facts: dict, problems: list[str]):
    """Split an organisation's offer facts into scalar values and lists of primary keys.

    A list names the slugs of a maintained list (methods, age groups...); every slug must
    exist. Scalars must be valid values of the offer's field. Problems go to `problems`.
    """
    scalars: dict = {}
    lists: dict[str, list[int]] = {}
    where = f"{FACTS_FILE}, aanbod van {organisation}"
    for name, value in facts.items():
        try:
            model_field = Offer._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
        if model_field is None or name in RESERVED_OFFER_FIELDS or model_field.one_to_many:
            problems.append(f"{where}: onbekend of niet toegestaan veld '{name}'.")
            continue
        if model_field.many_to_many:
            if not isinstance(value, list):
                problems.append(f"{where}: '{name}' moet een lijst van slugs zijn.")
                continue
            known = dict(
                model_field.related_model.objects.filter(slug__in=value).values_list("slug", "pk")
            )
            unknown = [slug for slug in value if slug not in known]
            if unknown:
                problems.append(f"{where}: onbekende {name} {', '.join(map(str, unknown))}.")
                continue
            lists[name] = [known[slug] for slug in value]
            continue
        try:
            scalars[name] = model_field.clean(value, None)
        except ValidationError as error:
            problems.append(f"{where}: ongeldige waarde voor '{name}': {' '.join(error.messages)}")
    return scalars, lists


def _has_partner_edits(baseline: Baseline) -> bool:
    """True when loading would overwrite something a person changed after the baseline."""
    if Offer.objects.filter(source=Source.PARTNER).exists():
        return True
    edited_by_person = (
        Organisation.history.filter(history_user__isnull=False).exists()
        or Offer.history.filter(history_user__isnull=False).exists()
        or Position.history.filter(history_user__isnull=False).exists()
    )
    if edited_by_person:
        return True
    return _inventory_state() != _desired_state(baseline)


def _inventory_state():
    organisations = set(
        Organisation.objects.filter(source=Source.INVENTORY_2023).values_list(
            "name", "slug", "role", "report_labels"
        )
    )
    positions = set(
        Position.objects.filter(offer__source=Source.INVENTORY_2023).values_list(
            "offer__slug", "phase_id", "violence_type_id"
        )
    )
    return organisations, positions


def _desired_state(baseline: Baseline):
    organisations = {(o.name, o.slug, o.role, o.report_labels) for o in baseline.organisations}
    positions = {
        (offer.slug, phase_id, violence_type_id)
        for offer in baseline.offers
        for phase_id, violence_type_id in offer.cells
    }
    return organisations, positions


def load_baseline(*, force: bool = False, directory: Path | None = None) -> LoadResult:
    """Load the baseline; refuse (PartnerEditsError) to overwrite partner edits unless forced."""
    baseline = read_baseline(directory)
    summary = {
        "organisations": len(baseline.organisations),
        "offers": len(baseline.offers),
        "positions": baseline.position_count,
    }
    already_loaded = Organisation.objects.filter(source=Source.INVENTORY_2023).exists()
    if already_loaded and not force:
        if _has_partner_edits(baseline):
            raise PartnerEditsError(
                "De database bevat al wijzigingen ten opzichte van de basisgegevens van 2023 "
                "(bijvoorbeeld door partners). Er is niets overschreven; gebruik --force om de "
                "basisgegevens toch opnieuw te laden."
            )
        with transaction.atomic():
            _send_loaded(baseline)
        return LoadResult(created=False, **summary)
    with transaction.atomic():
        _write(baseline)
        _send_loaded(baseline)
    bump_data_version()
    return LoadResult(created=True, **summary)


def _send_loaded(baseline: Baseline) -> None:
    baseline_loaded.send(sender=load_baseline, baseline=baseline)


def _write(baseline: Baseline) -> None:
    existing = {o.name: o for o in Organisation.objects.filter(name__in=_names(baseline))}
    new_organisations = []
    for spec in baseline.organisations:
        organisation = existing.get(spec.name)
        if organisation is None:
            new_organisations.append(
                Organisation(
                    name=spec.name,
                    slug=spec.slug,
                    uuid=_new_uuid(Organisation, spec.slug),
                    role=spec.role,
                    report_labels=spec.report_labels,
                    description=spec.description,
                    source=Source.INVENTORY_2023,
                )
            )
            continue
        organisation.slug = spec.slug
        organisation.role = spec.role
        organisation.report_labels = spec.report_labels
        organisation.description = spec.description
        organisation.source = Source.INVENTORY_2023
        organisation.version = F("version") + 1  # an admin form loaded before may not overwrite
        organisation.save()
    bulk_create_with_history(new_organisations, Organisation)
    by_name = {o.name: o for o in Organisation.objects.filter(name__in=_names(baseline))}
    for spec in baseline.organisations:
        if spec.members:
            by_name[spec.name].members.set([by_name[member] for member in spec.members])

    Offer.objects.filter(source=Source.INVENTORY_2023).exclude(
        slug__in=[offer.slug for offer in baseline.offers]
    ).delete()
    existing_offers = {o.slug: o for o in Offer.objects.filter(source=Source.INVENTORY_2023)}
    new_offers = []
    for spec in baseline.offers:
        values = {
            "organisation": by_name[spec.organisation],
            "name": spec.name,
            "description": "Positie zoals de organisatie die voor de inventarisatie van 2023 "
            "heeft ingevuld.",
            "status": Offer.Status.PUBLISHED,
            "source": Source.INVENTORY_2023,
            **spec.facts,
        }
        offer = existing_offers.get(spec.slug)
        if offer is None:
            new_offers.append(Offer(slug=spec.slug, uuid=_new_uuid(Offer, spec.slug), **values))
        else:
            for key, value in values.items():
                setattr(offer, key, value)
            offer.version = F("version") + 1  # an admin form loaded before may not overwrite
            offer.save()
    bulk_create_with_history(new_offers, Offer)

    offers = {o.slug: o for o in Offer.objects.filter(source=Source.INVENTORY_2023)}
    for spec in baseline.offers:
        for name, pks in spec.lists.items():
            getattr(offers[spec.slug], name).set(pks)
    Position.objects.filter(offer__source=Source.INVENTORY_2023).delete()
    positions = [
        Position(offer=offers[spec.slug], phase_id=phase_id, violence_type_id=violence_type_id)
        for spec in baseline.offers
        for phase_id, violence_type_id in sorted(spec.cells)
    ]
    bulk_create_with_history(positions, Position)


def _new_uuid(model, slug: str) -> UUID:
    """The UUID of a row the load creates: derived from its slug, unless a row that once had
    this slug (renamed since) holds it already; then a random one."""
    derived = stable_uuid(model._meta.label_lower, slug)
    return uuid4() if model.objects.filter(uuid=derived).exists() else derived


def _names(baseline: Baseline) -> list[str]:
    return [spec.name for spec in baseline.organisations]
