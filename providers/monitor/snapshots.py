"""Taking snapshots: both matrices as they stand, stored compactly, once per day.

A snapshot's `data` is one JSON document:

- `phases`: `[id, slug, name]` in order; `frameworks`: per framework its slug, name, thin
  threshold in force and violence types (`[id, slug, name]`);
- `organisations`: id -> `[name, slug]` (names as they were then);
- `offers`: id -> `[organisation id, capacity per year, current occupancy, waiting weeks]`
  (null where the partner left it empty; in the 2023 inventory an offer or organisation that
  no longer exists has a key "2023:<slug>" instead of an id);
- `cells`: `"<phase id>-<violence type id>"` -> `{"offers": [ids], "status": ...}` for every
  cell that holds an offer (a cell not listed was empty).

The statuses come from `providers.matrix.coverage.cell_status`, as the live matrix counts
them. `summary` keeps per framework the cells per status and the organisations per phase and
per violence type: the trend charts read only that, never `data`.
"""

import json
from collections import defaultdict
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from frameworks.models import Framework, Phase
from providers.matrix.coverage import EMPTY, cell_status
from providers.models import Offer, Organisation, Position
from providers.monitor.models import Snapshot

FORMAT = 1
INVENTORY_DATE = date(2023, 9, 1)  # the inventory's closing conference
INVENTORY_LABEL = "Inventarisatie 2023"


def cell_key(phase_id: int, violence_type_id: int) -> str:
    return f"{phase_id}-{violence_type_id}"


def _axes(frameworks=None, phases=None):
    if phases is None:
        phases = list(Phase.objects.order_by("order"))
    if frameworks is None:
        frameworks = list(Framework.objects.order_by("order").prefetch_related("violence_types"))
    return frameworks, phases


def collect_state(offers, frameworks=None, phases=None) -> dict:
    """The snapshot document (see the module docstring) for `offers` (a queryset of offers):
    three queries, whatever their number, plus two for the axes unless passed in."""
    cells: dict[str, list[int]] = defaultdict(list)
    for phase_id, violence_type_id, offer_id in (
        Position.objects.filter(offer__in=offers.order_by().values("pk"))
        .order_by("offer_id")
        .values_list("phase_id", "violence_type_id", "offer_id")
    ):
        cells[cell_key(phase_id, violence_type_id)].append(offer_id)
    positioned = {offer_id for ids in cells.values() for offer_id in ids}
    offer_rows = {}
    for pk, organisation_id, capacity, occupancy, waiting in offers.order_by().values_list(
        "pk", "organisation_id", "capacity_per_year", "current_occupancy", "waiting_weeks"
    ):
        if pk in positioned:
            offer_rows[str(pk)] = [organisation_id, capacity, occupancy, waiting]
    organisation_ids = {row[0] for row in offer_rows.values()}
    organisations = {
        str(pk): [name, slug]
        for pk, name, slug in Organisation.objects.filter(pk__in=organisation_ids)
        .order_by()
        .values_list("pk", "name", "slug")
    }
    return build_document(cells, offer_rows, organisations, *_axes(frameworks, phases))


def build_document(cells, offers, organisations, frameworks, phases) -> dict:
    """The snapshot document from its parts: `cells` (cell key -> offer ids), `offers` (id as
    text -> [organisation id, capacity, occupancy, waiting]) and `organisations` (id as text
    -> [name, slug]); the statuses are counted here, against the thresholds in force."""
    threshold = {}
    framework_rows = []
    for framework in frameworks:
        violence_types = sorted(framework.violence_types.all(), key=lambda vt: vt.order)
        threshold.update(dict.fromkeys((vt.pk for vt in violence_types), framework.thin_threshold))
        framework_rows.append(
            {
                "slug": framework.slug,
                "name": framework.name,
                "thin_threshold": framework.thin_threshold,
                "violence_types": [[vt.pk, vt.slug, vt.name] for vt in violence_types],
            }
        )
    stored_cells = {}
    for key, ids in sorted(cells.items()):
        violence_type_id = int(key.partition("-")[2])
        if violence_type_id not in threshold:
            continue
        count = len({offers[str(pk)][0] for pk in ids})
        stored_cells[key] = {
            "offers": ids,
            "status": cell_status(count, threshold[violence_type_id]),
        }
    return {
        "format": FORMAT,
        "phases": [[phase.pk, phase.slug, phase.name] for phase in phases],
        "frameworks": framework_rows,
        "organisations": organisations,
        "offers": offers,
        "cells": stored_cells,
    }


def inventory_document(baseline) -> dict:
    """The 2023 inventory's document, from the baseline files as `providers.baseline` read
    them: the positions and capacity figures of the files, whatever partners changed since.
    Offers and organisations carry their ids in the database (by slug and name), so that the
    matrix filters can follow them; one that is gone keeps a key of its own, which no filter
    matches."""
    offer_ids = dict(
        Offer.objects.filter(slug__in=[o.slug for o in baseline.offers]).values_list("slug", "pk")
    )
    names = [o.name for o in baseline.organisations]
    organisation_ids = dict(Organisation.objects.filter(name__in=names).values_list("name", "pk"))
    slugs = {o.name: o.slug for o in baseline.organisations}
    cells: dict[str, list] = defaultdict(list)
    offers, organisations = {}, {}
    for spec in baseline.offers:
        organisation_id = organisation_ids.get(
            spec.organisation, f"2023:{slugs[spec.organisation]}"
        )
        organisations[str(organisation_id)] = [spec.organisation, slugs[spec.organisation]]
        offer_id = offer_ids.get(spec.slug, f"2023:{spec.slug}")
        offers[str(offer_id)] = [
            organisation_id,
            spec.facts.get("capacity_per_year"),
            spec.facts.get("current_occupancy"),
            spec.facts.get("waiting_weeks"),
        ]
        for phase_id, violence_type_id in sorted(spec.cells):
            cells[cell_key(phase_id, violence_type_id)].append(offer_id)
    return build_document(cells, offers, organisations, *_axes())


def summarise_state(data: dict) -> dict:
    """Per framework: cells per status, and organisations per phase and per violence type."""
    offers = data["offers"]
    summary = {}
    for framework in data["frameworks"]:
        counts = {"empty": 0, "thin": 0, "covered": 0}
        by_phase: dict[str, set] = defaultdict(set)
        by_violence_type: dict[str, set] = defaultdict(set)
        for phase_id, phase_slug, _ in data["phases"]:
            for violence_type_id, vt_slug, _ in framework["violence_types"]:
                cell = data["cells"].get(cell_key(phase_id, violence_type_id))
                if cell is None:
                    counts[EMPTY] += 1
                    continue
                counts[cell["status"]] += 1
                organisation_ids = {offers[str(pk)][0] for pk in cell["offers"]}
                by_phase[phase_slug] |= organisation_ids
                by_violence_type[vt_slug] |= organisation_ids
        summary[framework["slug"]] = {
            **counts,
            "phases": {slug: len(by_phase[slug]) for _, slug, _ in data["phases"]},
            "violence_types": {
                slug: len(by_violence_type[slug]) for _, slug, _ in framework["violence_types"]
            },
        }
    return summary


def snapshot_store(*, offers, taken_on, label="", kind=Snapshot.Kind.REGULAR, user=None):
    """Store the snapshot of `offers` (a queryset) as of `taken_on`; the day must be free."""
    return _store(taken_on=taken_on, label=label, kind=kind, data=collect_state(offers), user=user)


def _store(*, taken_on, label, kind, data, user=None) -> Snapshot:
    encoded = json.dumps(data, separators=(",", ":"))
    return Snapshot.objects.create(
        taken_on=taken_on,
        label=label,
        kind=kind,
        data=data,
        summary=summarise_state(data),
        size=len(encoded.encode()),
        created_by=user,
    )


def snapshot_create(*, label: str = "", user=None, taken_on: date | None = None):
    """Take today's snapshot of all published offers. Idempotent per day: when a snapshot of
    that day exists, it is returned as it is and `created` is False."""
    taken_on = taken_on or timezone.localdate()
    existing = Snapshot.objects.filter(taken_on=taken_on).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            snapshot = snapshot_store(
                offers=Offer.objects.published(), taken_on=taken_on, label=label, user=user
            )
            return snapshot, True
    except IntegrityError:  # another process took that day's snapshot just now
        return Snapshot.objects.get(taken_on=taken_on), False


def record_inventory_snapshot(sender=None, *, baseline, **kwargs) -> Snapshot:
    """The 2023 inventory as a snapshot dated 2023-09-01, from the baseline files. Called by
    `load_baseline` (through its signal) inside its transaction, and by `snapshot_coverage
    --inventory` on an installation that predates the monitor. Kept as it is while it still
    matches the files; replaced when it does not (the files changed)."""
    data = inventory_document(baseline)
    existing = Snapshot.objects.filter(taken_on=INVENTORY_DATE).first()
    if existing is not None:
        if existing.data == data:
            return existing
        existing.delete()
    return _store(
        taken_on=INVENTORY_DATE, label=INVENTORY_LABEL, kind=Snapshot.Kind.INVENTORY, data=data
    )
