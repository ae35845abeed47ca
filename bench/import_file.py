"""A large offers file for the import, as the municipality would upload it: for the benchmark
and the tests. Needs Django set up.

`offers_rows(count, seed)` gives the header and `count` rows in the columns of the offers export
(`providers.resources.OfferResource`): about half of them update existing offers (by slug), the
rest are new offers of existing organisations; every row has 1 to 12 positions (`Fase:
Geweldsvorm`, with the framework in brackets where a name occurs in both frameworks), a few
entries of each maintained list, numbers, yes/no and dates. `offers_xlsx` and `offers_csv`
write them as a file. The same seed on the same database gives the same file.

    .venv/bin/python -m bench.import_file --rows 10000 --output /tmp/aanbod.xlsx
"""

import argparse
import csv
import io
import os
import random
import sys
from collections import defaultdict
from pathlib import Path

if __name__ == "__main__":  # pragma: no cover - command line
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sociale_kaart.settings")
    import django

    django.setup()

from frameworks.models import Phase, ViolenceType  # noqa: E402
from providers.lists import MAINTAINED_LISTS  # noqa: E402
from providers.models import Offer, Organisation  # noqa: E402

STATUSES = ["gepubliceerd", "concept", "Gepubliceerd"]


def _normalise(value: str) -> str:
    return " ".join(value.split()).casefold()


def offers_rows(count: int, seed: int = 1, update_share: float = 0.5):
    """(headers, rows) of an offers file with `count` rows."""
    rng = random.Random(seed)
    organisations = list(Organisation.objects.order_by("pk").values_list("name", "slug"))
    existing = list(
        Offer.objects.order_by("pk").values_list("slug", "name", "organisation__name")[:count]
    )
    phases = list(Phase.objects.order_by("order").values_list("name", flat=True))
    violence_types = list(
        ViolenceType.objects.order_by("framework__order", "order").values_list(
            "name", "framework__slug"
        )
    )
    frameworks_by_name = defaultdict(set)
    for name, framework in violence_types:
        frameworks_by_name[_normalise(name)].add(framework)
    lists = {
        maintained.column: list(maintained.model.objects.values_list("name", flat=True))
        for maintained in MAINTAINED_LISTS
    }
    headers = [
        "slug",
        "naam",
        "organisatie",
        "status",
        "posities",
        "omschrijving",
        *lists,
        "minimumleeftijd",
        "maximumleeftijd",
        "werkt met ervaringsdeskundigen",
        "capaciteit per jaar",
        "huidige bezetting",
        "wachttijd in weken",
        "zelf aanmelden mogelijk",
        "telefoon",
        "plaats",
        "laatst gecontroleerd",
    ]
    updates = min(int(count * update_share), len(existing))
    rows = []
    for number in range(count):
        if number < updates:
            slug, name, organisation = existing[number]
        else:
            organisation, organisation_slug = rng.choice(organisations)
            name = f"Importaanbod {seed}-{number}"
            slug = ""
        cells = set()
        for _ in range(rng.randint(1, 12)):
            vt_name, framework = rng.choice(violence_types)
            suffix = f" [{framework}]" if len(frameworks_by_name[_normalise(vt_name)]) > 1 else ""
            cells.add(f"{rng.choice(phases)}: {vt_name}{suffix}")
        low = rng.randint(0, 30)
        capacity = rng.randint(5, 500)
        rows.append(
            [
                slug,
                name,
                organisation,
                rng.choice(STATUSES),
                "; ".join(sorted(cells)),
                f"Omschrijving van {name}, bijgewerkt bij import {seed}.",
                *("; ".join(rng.sample(names, rng.randint(0, 2))) for names in lists.values()),
                low,
                low + rng.randint(0, 60),
                rng.choice(["ja", "nee", ""]),
                capacity,
                rng.randint(0, capacity),  # never above the capacity: the form refuses that
                rng.randint(0, 26),
                rng.choice(["ja", "nee"]),
                f"+31 20 {rng.randint(1000000, 9999999)}",
                rng.choice(["Amsterdam", "Amstelveen", "Diemen", ""]),
                f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-2025",
            ]
        )
    return headers, rows


def offers_xlsx(count: int, seed: int = 1, **kwargs) -> bytes:
    import openpyxl

    headers, rows = offers_rows(count, seed, **kwargs)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Aanbod")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def offers_csv(count: int, seed: int = 1, **kwargs) -> bytes:
    headers, rows = offers_rows(count, seed, **kwargs)
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=";")
    writer.writerow(headers)
    writer.writerows(rows)
    return stream.getvalue().encode("utf-8")


def main() -> None:  # pragma: no cover - command line
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    write = offers_csv if args.output.endswith(".csv") else offers_xlsx
    Path(args.output).write_bytes(write(args.rows, args.seed))


if __name__ == "__main__":  # pragma: no cover - command line
    main()
