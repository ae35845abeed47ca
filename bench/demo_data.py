"""Synthetic, deterministic demo data at any scale: for demonstrations and the benchmark.

Tooling beside the benchmark, not part of the application: production settings never import
it. The command line is `python -m bench.generate_demo_data` (see there); this module holds
the generator and needs Django set up.

`generate_demo_data` writes organisations, offers (with every offer field filled in the way a
partner would), positions and the offers' list relations, all marked `source=Source.DEMO`;
`clear_demo_data` removes exactly that. The same seed on the same reference lists gives the same
data. Roles follow the mix of `fixtures/organisations.csv` and positions follow the per-cell
frequency of `fixtures/report-2023-positions.csv`, so the national picture keeps the shape of
the 2023 matrices (much in signalering, little for ouderenmishandeling and in nazorg).

Everything is written and removed in bulk, so it skips django-simple-history (demo data gets
no historical records) and Django's signals; the data version (`sociale_kaart.cache`) is bumped
once, at the end.
"""

import csv
import heapq
import math
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils.text import slugify

from bench import demo_paths
from frameworks.models import Phase, ViolenceType
from providers.lists import OFFER_LIST_FIELDS
from providers.models import (
    Membership,
    Offer,
    Organisation,
    Position,
    Source,
)
from providers.paths.models import PoolEntry, ReferralLink
from providers.stable_ids import stable_uuid
from sociale_kaart.cache import bump_data_version

BATCH_SIZE = 2000
# Dates are relative to a fixed day, so that the same seed gives the same data on any day.
REFERENCE_DATE = date(2025, 1, 1)
# An offer that is positioned covers on average this many cells (2023: about 14 per offer).
MEAN_CELLS_PER_POSITIONED_OFFER = 10

Progress = Callable[[str, int, int], None]

ORGANISATION_KINDS = {
    Organisation.Role.PROVIDER: [
        "Stichting",
        "Zorggroep",
        "GGZ",
        "Forensische polikliniek",
        "Jeugdhulp",
        "Praktijk",
        "Behandelcentrum",
        "Vrouwenopvang",
        "Expertisecentrum",
        "Gezinshuis",
    ],
    Organisation.Role.REFERRER: [
        "Wijkteam",
        "Buurtteam",
        "Huisartsenpraktijk",
        "Jeugdbescherming",
        "Politie basisteam",
        "Zorg- en Veiligheidshuis",
        "Schoolmaatschappelijk werk",
        "Meldpunt",
    ],
    Organisation.Role.BOTH: ["Centrum", "Ouder- en Kindteam", "Stichting", "Samenwerkingsverband"],
}
ORGANISATION_CORES = [
    "De Brug",
    "Het Anker",
    "De Vonk",
    "Kompas",
    "Horizon",
    "De Haven",
    "Veilig Verder",
    "Samen Sterk",
    "Nieuwe Start",
    "De Linde",
    "Het Baken",
    "De Bron",
    "Perspectief",
    "Koers",
    "Het Kruispunt",
    "De Sleutel",
    "Lichtpunt",
    "Rondom",
    "Thuis Veilig",
    "De Omslag",
    "Ankerplaats",
    "De Steiger",
    "Op Koers",
    "Doorbraak",
    "De Waterlelie",
    "Het Open Huis",
    "Vitaal",
    "De Schakel",
]
PLACES = [
    "Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen", "Tilburg",
    "Almere", "Breda", "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Enschede", "Amersfoort",
    "Zaanstad", "'s-Hertogenbosch", "Haarlemmermeer", "Zwolle", "Zoetermeer", "Leiden",
    "Maastricht", "Dordrecht", "Ede", "Alphen aan den Rijn", "Westland", "Alkmaar", "Emmen",
    "Delft", "Venlo", "Deventer", "Sittard-Geleen", "Helmond", "Oss", "Amstelveen", "Hilversum",
    "Heerlen", "Hengelo", "Purmerend", "Roosendaal", "Schiedam", "Lelystad", "Leeuwarden",
    "Almelo", "Gouda", "Vlaardingen", "Assen", "Bergen op Zoom", "Capelle aan den IJssel",
    "Veenendaal", "Katwijk", "Zeist", "Nieuwegein", "Roermond", "Den Helder", "Doetinchem",
    "Hoorn", "Oosterhout", "Kampen", "Middelburg", "Vlissingen", "Terneuzen", "Goes",
    "Harderwijk", "Hoogeveen", "Meppel", "Heerenveen", "Sneek", "Drachten", "Zutphen", "Tiel",
    "Waalwijk", "Weert", "Uden", "Woerden", "Diemen", "Uithoorn", "Aalsmeer", "Ouder-Amstel",
    "Beverwijk", "Velsen", "Kerkrade", "Wageningen", "Barneveld", "Culemborg", "Gorinchem",
    "Rijswijk", "Ridderkerk", "Barendrecht", "Maassluis", "Steenwijk", "Emmeloord",
    "Winterswijk", "Oldenzaal", "Veldhoven", "Etten-Leur", "Vught", "Venray", "Schagen",
    "Enkhuizen", "Huizen", "Weesp",
]  # fmt: skip
STREETS = [
    "Kerkstraat", "Schoolstraat", "Molenweg", "Dorpsstraat", "Stationsplein", "Julianalaan",
    "Beatrixstraat", "Wilhelminaweg", "Parkweg", "Marktplein", "Lindelaan", "Nieuwe Gracht",
    "Havenkade", "Zuiderweg", "Oranjestraat", "Prins Hendriklaan", "Vondellaan", "Ringdijk",
]  # fmt: skip
FIRST_NAMES = [
    "Anouk", "Bram", "Daan", "Emma", "Fatima", "Hanneke", "Ilse", "Jeroen", "Karim", "Lotte",
    "Mohamed", "Noor", "Pieter", "Roos", "Sanne", "Thijs", "Yara", "Zeynep", "Wouter", "Inge",
]  # fmt: skip
LAST_NAMES = [
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "El Amrani", "Yilmaz", "Dekker",
    "van Dijk", "Kramer", "Brouwer",
]  # fmt: skip
OFFER_KINDS = {
    Organisation.Role.PROVIDER: [
        "Ambulante daderhulp",
        "Groepstraining agressieregulatie",
        "Systeemtherapie",
        "Forensische behandeling",
        "Oudertraining",
        "Jongerentraject grensoverschrijdend gedrag",
        "Nazorggroep",
        "Traumabehandeling",
        "Lotgenotengroep",
        "Gezinscoaching",
        "Time-out-voorziening",
        "Behandeling seksueel grensoverschrijdend gedrag",
    ],
    Organisation.Role.REFERRER: [
        "Advies en consult",
        "Signalering en doorverwijzing",
        "Spreekuur",
        "Casusoverleg",
        "Screening en triage",
    ],
    Organisation.Role.BOTH: [
        "Preventieve voorlichting",
        "Vroegsignalering en begeleiding",
        "Gezinsbegeleiding",
        "Crisisinterventie",
        "Veiligheidsplanning",
    ],
}
OFFER_PURPOSES = [
    "helpt plegers van huiselijk geweld om het geweld te stoppen",
    "werkt met het hele gezin aan veiligheid",
    "richt zich op jongeren met seksueel grensoverschrijdend gedrag",
    "begeleidt ouders na kindermishandeling",
    "biedt snelle hulp bij (ex-)partnergeweld",
    "ondersteunt mantelzorgers bij ontsporende zorg",
    "werkt aan herstel na seksueel geweld",
    "signaleert geweld vroeg en verwijst gericht door",
]
OFFER_APPROACHES = [
    "De hulp is laagdrempelig en systeemgericht.",
    "Wekelijkse gesprekken, individueel of in een groep.",
    "Behandeling volgens een risicotaxatie en een veiligheidsplan.",
    "Samenwerking met Veilig Thuis en de lokale teams.",
    "Met aandacht voor trauma en culturele achtergrond.",
    "Ervaringsdeskundigen werken mee in de groepen.",
]
# Age range (minimum, maximum) that each age group covers, by slug.
AGE_RANGES = {
    "jonge-kinderen": (4, 11),
    "minderjarigen": (12, 17),
    "jongvolwassenen-18-23": (18, 23),
    "volwassenen": (18, 65),
    "ouderen": (65, 99),
}
# Chance that an offer has no position at all (2023: 11 of 28 organisations did not position).
UNPOSITIONED_CHANCE = {
    Organisation.Role.PROVIDER: 0.05,
    Organisation.Role.BOTH: 0.1,
    Organisation.Role.REFERRER: 0.35,
}
STATUS_WEIGHTS = {Offer.Status.PUBLISHED: 85, Offer.Status.DRAFT: 10, Offer.Status.ARCHIVED: 5}


class DemoDataError(Exception):
    """A request the generator refuses; the message says why, in Dutch."""


class DemoDataExistsError(DemoDataError):
    """Demo data is already present; clear it first to get a deterministic set."""


@dataclass
class DemoResult:
    organisations: int
    offers: int
    positions: int
    relations: int
    links: int = 0
    pool_entries: int = 0


@dataclass
class ClearResult:
    organisations: int
    offers: int


@dataclass(frozen=True)
class Frequencies:
    """What the 2023 inventory looks like: the mix of roles and positions per cell."""

    roles: dict[str, int]
    # framework id -> [(phase id, violence type id, weight)]
    cells: dict[int, list[tuple[int, int, float]]]

    @cached_property
    def framework_weights(self) -> dict[int, float]:
        return {fw: sum(weight for *_, weight in cells) for fw, cells in self.cells.items()}


def read_frequencies(directory: Path | None = None) -> Frequencies:
    """Role and cell frequencies of the 2023 files, mapped onto the current reference lists.

    A cell the files do not know (a renamed or added violence type) gets the weight of the
    rarest known cell, so it stays rare but possible.
    """
    directory = Path(directory or settings.BASE_DIR / "fixtures")
    with (directory / "organisations.csv").open(encoding="utf-8", newline="") as handle:
        roles = Counter(row["role"].strip() for row in csv.DictReader(handle))
    with (directory / "report-2023-positions.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))

    phases = list(Phase.objects.order_by("order"))
    violence_types = list(ViolenceType.objects.select_related("framework").order_by("order"))

    def lookup(objects, name):
        return next(
            (o.pk for o in objects if o.name == name or o.slug == slugify(name)),
            None,
        )

    counts: Counter[tuple[int, int]] = Counter()
    for row in rows:
        phase_id = lookup(phases, row["phase"].strip())
        violence_type_id = lookup(
            [vt for vt in violence_types if vt.framework.slug == row["framework"].strip()],
            row["violence_type"].strip(),
        )
        if phase_id and violence_type_id:
            counts[(phase_id, violence_type_id)] += 1
    floor = min(counts.values(), default=1)
    cells: dict[int, list[tuple[int, int, float]]] = {}
    for vt in violence_types:
        for phase in phases:
            weight = counts.get((phase.pk, vt.pk), floor)
            cells.setdefault(vt.framework_id, []).append((phase.pk, vt.pk, float(weight)))
    valid_roles = {role: roles[role] for role in Organisation.Role.values if roles[role]}
    return Frequencies(roles=valid_roles or {Organisation.Role.PROVIDER: 1}, cells=cells)


def _weighted_sample(rng: random.Random, items: Sequence, weights: Sequence[float], k: int):
    """k distinct items, each drawn with probability proportional to its weight
    (Efraimidis-Spirakis: the k largest random()**(1/weight))."""
    keyed = ((rng.random() ** (1.0 / weight), index) for index, weight in enumerate(weights))
    return [items[index] for _, index in heapq.nlargest(k, keyed)]


def _unique(candidate: str, taken: set[str], max_length: int, separator: str = " ") -> str:
    """`candidate`, or `candidate 2`, `candidate 3`... if taken; adds the result to `taken`."""
    candidate = candidate[:max_length]
    value, number = candidate, 1
    while value in taken:
        number += 1
        suffix = f"{separator}{number}"
        value = candidate[: max_length - len(suffix)] + suffix
    taken.add(value)
    return value


def _batches(items: Sequence, size: int) -> Iterator[Sequence]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _bulk_insert(model, objects: Sequence, label: str, progress: Progress | None) -> None:
    done = 0
    for batch in _batches(objects, BATCH_SIZE):
        model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        done += len(batch)
        if progress:
            progress(label, done, len(objects))
    if progress and not objects:
        progress(label, 0, 0)


def _insert_rows(model, fields: list[str], rows: Sequence[tuple], label, progress) -> None:
    """Insert narrow link rows (positions, list relations), many rows per INSERT statement.

    For these two- and three-column rows, building a model instance per row for bulk_create
    costs several times the insert itself; wide rows (organisations, offers) use bulk_create.
    """
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # SQLite allows at most 32766 parameters per statement (older versions: 999).
    per_statement = max(1, min(BATCH_SIZE, 900 // len(fields)))
    done = 0
    with connection.cursor() as cursor:
        for batch in _batches(rows, per_statement):
            values = ", ".join([row_sql] * len(batch))
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {values}",
                [value for row in batch for value in row],
            )
            done += len(batch)
            if progress and (done % (per_statement * 20) < per_statement or done == len(rows)):
                progress(label, done, len(rows))
    if progress and not rows:
        progress(label, 0, 0)


class _Generator:
    """Builds the unsaved objects; one instance per run, driven by one seeded Random."""

    def __init__(self, seed: int, frequencies: Frequencies):
        self.rng = random.Random(seed)
        self.frequencies = frequencies
        self.places: dict[str, str] = {}  # organisation slug -> its place
        self.lists = {
            name: list(Offer._meta.get_field(name).related_model.objects.order_by("order", "pk"))
            for name in OFFER_LIST_FIELDS
        }

    def organisations(self, count: int, names: set[str], slugs: set[str]) -> list[Organisation]:
        rng = self.rng
        roles = list(self.frequencies.roles)
        role_weights = list(self.frequencies.roles.values())
        organisations = []
        for _ in range(count):
            role = rng.choices(roles, role_weights)[0]
            place = rng.choice(PLACES)
            name = _unique(
                f"{rng.choice(ORGANISATION_KINDS[role])} {rng.choice(ORGANISATION_CORES)} {place}",
                names,
                200,
            )
            slug = _unique(slugify(name), slugs, 200, separator="-")
            self.places[slug] = place
            domain = slug[:50].strip("-")
            organisations.append(
                Organisation(
                    name=name,
                    slug=slug,
                    uuid=stable_uuid("bench.demo.organisation", slug),
                    role=role,
                    description=f"{name} werkt in de regio {place} en omgeving.",
                    website=f"https://www.{domain}.example/",
                    phone=self._phone(),
                    email=f"info@{domain}.example",
                    source=Source.DEMO,
                )
            )
        return organisations

    def offers(
        self, organisations: list[Organisation], count: int, slugs: set[str]
    ) -> list[tuple[Offer, list[tuple[int, int]], dict[str, list]]]:
        """`count` offers spread over the organisations (a few large ones hold many), each with
        its cells and its list relations."""
        rng = self.rng
        # Pareto weights: most organisations have one to a few offers, some have dozens.
        weights = [rng.paretovariate(1.5) for _ in organisations]
        owners = rng.choices(organisations, weights, k=count) if organisations else []
        built = []
        for organisation in owners:
            offer, relations = self._offer(organisation, slugs)
            built.append((offer, self._cells(organisation.role), relations))
        return built

    def _offer(self, organisation: Organisation, slugs: set[str]):
        rng = self.rng
        kind = rng.choice(OFFER_KINDS[organisation.role])
        lists = self.lists
        age_groups = self._age_span(lists["age_groups"])
        minimum_age = maximum_age = None
        known = [AGE_RANGES[g.slug] for g in age_groups if g.slug in AGE_RANGES]
        if known and rng.random() < 0.6:
            minimum_age = min(low for low, _ in known)
            maximum_age = max(high for _, high in known)
        capacity = rng.choice([None, rng.randrange(10, 400)])
        confidential = organisation.name.startswith("Vrouwenopvang") or rng.random() < 0.03
        street = f"{rng.choice(STREETS)} {rng.randrange(1, 250)}"
        relations = {
            "target_groups": self._some(lists["target_groups"], 1, 3, first_weight=6),
            "age_groups": age_groups,
            "legal_frameworks": self._legal(lists["legal_frameworks"]),
            "methods": self._some(lists["methods"], 0, 2),
            "treatment_factors": self._some(lists["treatment_factors"], 0, 4),
            "fundings": self._some(lists["fundings"], 1, 2),
            "municipalities": self._some(lists["municipalities"], 1, 6),
        }
        slug = _unique(slugify(f"{organisation.slug}-{kind}"), slugs, 200, separator="-")
        offer = Offer(
            organisation=organisation,
            name=kind,
            slug=slug,
            # Derived from the slug, as the rest: the same seed gives the same ids.
            uuid=stable_uuid("bench.demo.offer", slug),
            description=(
                f"{kind} van {organisation.name} {rng.choice(OFFER_PURPOSES)}. "
                f"{rng.choice(OFFER_APPROACHES)}"
            ),
            status=rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0],
            source=Source.DEMO,
            minimum_age=minimum_age,
            maximum_age=maximum_age,
            eligibility_description=f"Voor {', '.join(g.name.lower() for g in age_groups)}.",
            works_with_experience_experts=rng.choice([True, False, None]),
            offers_peer_group=rng.choice([True, False, False, None]),
            duration=rng.choice(Offer.Duration.values + [""]),
            duration_description=rng.choice(["", "Gemiddeld zes maanden.", "12 tot 20 sessies."]),
            capacity_per_year=capacity,
            current_occupancy=(
                # Over-occupation is refused by the offer form; the draw is kept for the seed.
                min(capacity, rng.randrange(0, math.ceil(capacity * 1.2)))
                if capacity is not None
                else None
            ),
            capacity_updated_on=REFERENCE_DATE - timedelta(days=rng.randrange(0, 400)),
            waiting_weeks=rng.choice([None, 0, 1, 2, 3, 4, 6, 8, 12, 16, 26]),
            self_referral=rng.choice([True, False, None]),
            application_process=rng.choice(
                [
                    "Aanmelden via de huisarts of het lokale team.",
                    "Zelf aanmelden kan telefonisch of per e-mail.",
                    "Verwijzing door Veilig Thuis, de reclassering of de rechter.",
                ]
            ),
            contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            phone=self._phone(),
            email=f"aanmelden@{organisation.slug[:50].strip('-')}.example",
            website=organisation.website,
            address=street,
            postal_code=f"{rng.randrange(1000, 9999)} {rng.choice('ABCDEGHJKLMNPRSTVWXZ')}"
            f"{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}",
            city=self.places[organisation.slug],
            address_confidential=confidential,
            last_verified=rng.choice(
                [None, REFERENCE_DATE - timedelta(days=rng.randrange(0, 900))]
            ),
        )
        return offer, relations

    def _cells(self, role: str) -> list[tuple[int, int]]:
        rng = self.rng
        if rng.random() < UNPOSITIONED_CHANCE.get(role, 0.1):
            return []
        framework_weights = self.frequencies.framework_weights
        frameworks = list(framework_weights)
        if len(frameworks) > 1 and rng.random() < 0.25:
            chosen = frameworks  # an offer for both kinds of violence
        else:
            chosen = rng.choices(frameworks, list(framework_weights.values()))
        candidates = [cell for fw in chosen for cell in self.frequencies.cells[fw]]
        wanted = round(rng.gammavariate(2.0, MEAN_CELLS_PER_POSITIONED_OFFER / 2))
        wanted = max(1, min(len(candidates), wanted))
        sample = _weighted_sample(rng, candidates, [weight for *_, weight in candidates], wanted)
        return sorted((phase_id, vt_id) for phase_id, vt_id, _ in sample)

    def _some(self, items: list, low: int, high: int, first_weight: float = 1.0) -> list:
        if not items:
            return []
        wanted = min(len(items), self.rng.randint(low, high))
        weights = [first_weight] + [1.0] * (len(items) - 1)
        return _weighted_sample(self.rng, items, weights, wanted)

    def _age_span(self, items: list) -> list:
        """A contiguous run of age groups (an offer is for, say, minors and young adults)."""
        if not items:
            return []
        start = self.rng.randrange(len(items))
        length = self.rng.choice([1, 1, 2, 2, 3])
        return items[start : start + length]

    def _legal(self, items: list) -> list:
        """Mostly voluntary; now and then also (or only) within a compulsory framework."""
        chosen = [item for item in items[1:] if self.rng.random() < 0.15]
        if items and (not chosen or self.rng.random() < 0.7):
            chosen.insert(0, items[0])
        return chosen

    def _phone(self) -> str:
        return f"0{self.rng.randrange(10, 99)}-{self.rng.randrange(1000000, 9999999)}"


def demo_data_exists() -> bool:
    return (
        Organisation.objects.filter(source=Source.DEMO).exists()
        or Offer.objects.filter(source=Source.DEMO).exists()
    )


def check_sizes(organisations: int, offers: int) -> None:
    """Refuse (DemoDataError) negative sizes and offers without organisations to hold them."""
    for label, value in (("organisaties", organisations), ("aanbiedingen", offers)):
        if value < 0:
            raise DemoDataError(f"Het aantal {label} mag niet negatief zijn.")
    if offers and not organisations:
        raise DemoDataError("Aanbod heeft organisaties nodig: geef --organisations op.")


def generate_demo_data(
    *, organisations: int, offers: int, seed: int, progress: Progress | None = None
) -> DemoResult:
    """Write `organisations` demo organisations with `offers` offers between them.

    Refuses (DemoDataExistsError) while demo data exists, so that a seed always gives the same
    data; names and slugs never collide with the organisations and offers already there.
    Refuses impossible sizes too (see `check_sizes`).
    """
    check_sizes(organisations, offers)
    if demo_data_exists():
        raise DemoDataExistsError(
            "Er staan al demonstratiegegevens in de database; verwijder ze eerst met --clear."
        )
    generator = _Generator(seed, read_frequencies())
    names = set(Organisation.objects.values_list("name", flat=True))
    slugs = set(Organisation.objects.values_list("slug", flat=True))
    offer_slugs = set(Offer.objects.values_list("slug", flat=True))

    with transaction.atomic():
        new_organisations = generator.organisations(organisations, names, slugs)
        _bulk_insert(Organisation, new_organisations, "organisaties", progress)
        _assign_primary_keys(
            new_organisations, Organisation.objects.filter(source=Source.DEMO), "slug"
        )

        built = generator.offers(new_organisations, offers, offer_slugs)
        new_offers = [offer for offer, _, _ in built]
        for offer in new_offers:
            offer.organisation_id = offer.organisation.pk
        _bulk_insert(Offer, new_offers, "aanbod", progress)
        _assign_primary_keys(new_offers, Offer.objects.filter(source=Source.DEMO), "slug")

        positions = [
            (offer.pk, phase_id, violence_type_id)
            for offer, cells, _ in built
            for phase_id, violence_type_id in cells
        ]
        _insert_rows(Position, ["offer", "phase", "violence_type"], positions, "posities", progress)

        relation_count = 0
        many_to_many = Offer._meta.many_to_many
        for field in many_to_many:
            through = field.remote_field.through
            rows = [
                (offer.pk, item.pk)
                for offer, _, relations in built
                for item in relations.get(field.name, [])
            ]
            columns = [field.m2m_field_name(), field.m2m_reverse_field_name()]
            _insert_rows(through, columns, rows, f"kenmerken: {field.verbose_name}", progress)
            relation_count += len(rows)

        links = demo_paths.build_links(generator.rng, new_offers)
        _bulk_insert(ReferralLink, links, "verwijzingen", progress)
        pool = demo_paths.build_pool(generator.rng, new_organisations)
        _bulk_insert(PoolEntry, [entry for entry, _ in pool], "ervaringsdeskundigen", progress)
        if any(entry.pk is None for entry, _ in pool):  # older databases return no keys
            saved = PoolEntry.objects.filter(organisation__source=Source.DEMO).order_by("pk")
            for (entry, _), pk in zip(pool, saved.values_list("pk", flat=True), strict=True):
                entry.pk = pk
        for name, (through, columns, rows) in demo_paths.pool_relation_rows(pool).items():
            _insert_rows(through, columns, rows, f"ervaringsdeskundigen: {name}", progress)
    _analyze([Organisation, Offer, Position, *(f.remote_field.through for f in many_to_many)])
    bump_data_version()
    return DemoResult(
        organisations=len(new_organisations),
        offers=len(new_offers),
        positions=len(positions),
        relations=relation_count,
        links=len(links),
        pool_entries=len(pool),
    )


def _analyze(models) -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum would a minute later;
    until then PostgreSQL plans the matrix queries for empty tables. VACUUM (PostgreSQL, outside
    a transaction) also marks the pages all-visible, so index-only scans can be used."""
    quote = connection.ops.quote_name
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        for model in models:
            table = quote(model._meta.db_table)
            cursor.execute(f"VACUUM ANALYZE {table}" if vacuum else f"ANALYZE {table}")


def _assign_primary_keys(objects: list, queryset, field: str) -> None:
    """Set the pk of objects that bulk_create did not return one for (older databases)."""
    if all(obj.pk is not None for obj in objects):
        return
    pks = dict(queryset.values_list(field, "pk"))
    for obj in objects:
        obj.pk = pks[getattr(obj, field)]


DEMO_SNAPSHOT_LABEL = "Demonstratie"


def generate_monthly_snapshots(count: int, today: date | None = None) -> list:
    """`count` monthly snapshots (the monitor's trend), on the first of the months before
    `today`, oldest first, of a growing share of the published offers: half of them (by id)
    in the oldest, all of them in the newest. Days that already have a snapshot are skipped.
    Returns the snapshots made."""
    from providers.monitor.models import Snapshot
    from providers.monitor.snapshots import snapshot_store

    today = today or date.today()
    published = Offer.objects.published()
    ids = list(published.order_by("pk").values_list("pk", flat=True))
    taken = set(Snapshot.objects.values_list("taken_on", flat=True))
    made = []
    for index in range(count):
        months_back = count - index
        year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
        taken_on = date(year, month + 1, 1)
        if taken_on in taken or not ids:
            continue
        share = ids[: max(1, len(ids) * (count + index + 1) // (2 * count))]
        offers = published.filter(pk__lte=share[-1])
        label = f"{DEMO_SNAPSHOT_LABEL} {taken_on:%Y-%m}"
        made.append(snapshot_store(offers=offers, taken_on=taken_on, label=label))
    return made


def clear_demo_snapshots() -> int:
    """Remove the snapshots that `generate_monthly_snapshots` made (by their label)."""
    from providers.monitor.models import Snapshot

    deleted, _ = Snapshot.objects.filter(label__startswith=f"{DEMO_SNAPSHOT_LABEL} ").delete()
    return deleted


def clear_demo_data() -> ClearResult:
    """Remove the demo organisations and offers (and the offers of demo organisations) with
    their positions, list relations and memberships. Nothing else is touched; historical
    records, if an editor changed a demo object, stay, as history is never deleted.

    Deletes with plain SQL by primary key, children before parents: `QuerySet.delete()` would
    load every object, send its signals and write a historical record for it, because signal
    receivers (history, data version) are connected to these models.
    """
    demo_offers = Offer.objects.filter(Q(source=Source.DEMO) | Q(organisation__source=Source.DEMO))
    members = Organisation._meta.get_field("members")
    with transaction.atomic():
        offer_ids = list(demo_offers.values_list("pk", flat=True))
        organisation_ids = list(
            Organisation.objects.filter(source=Source.DEMO).values_list("pk", flat=True)
        )
        _delete_rows(ReferralLink, ["from_offer", "to_offer"], offer_ids)
        _delete_rows(ReferralLink, ["proposed_by", "ended_by"], organisation_ids)
        pool_ids = list(
            PoolEntry.objects.filter(organisation_id__in=organisation_ids).values_list(
                "pk", flat=True
            )
        )
        for field in PoolEntry._meta.many_to_many:
            _delete_rows(field.remote_field.through, [field.m2m_field_name()], pool_ids)
        _delete_rows(PoolEntry, ["id"], pool_ids)
        _delete_rows(Position, ["offer"], offer_ids)
        for field in Offer._meta.many_to_many:
            _delete_rows(field.remote_field.through, [field.m2m_field_name()], offer_ids)
        _delete_rows(Offer, [Offer._meta.pk.name], offer_ids)
        _delete_rows(Membership, ["organisation"], organisation_ids)
        _delete_rows(  # partnerships on either side
            members.remote_field.through,
            [members.m2m_field_name(), members.m2m_reverse_field_name()],
            organisation_ids,
        )
        _delete_rows(Organisation, [Organisation._meta.pk.name], organisation_ids)
    bump_data_version()
    return ClearResult(organisations=len(organisation_ids), offers=len(offer_ids))


def _delete_rows(model, fields: list[str], ids: Sequence[int]) -> None:
    """DELETE the rows of `model` whose `fields` (any of them) hold one of `ids`."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [quote(meta.get_field(name).column) for name in fields]
    # At most 900 parameters per statement, below SQLite's oldest limit (999).
    per_statement = 900 // len(columns)
    with connection.cursor() as cursor:
        for batch in _batches(ids, per_statement):
            marks = ", ".join(["%s"] * len(batch))
            where = " OR ".join(f"{column} IN ({marks})" for column in columns)
            cursor.execute(
                f"DELETE FROM {quote(meta.db_table)} WHERE {where}", list(batch) * len(columns)
            )
