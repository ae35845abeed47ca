"""The command line of the demo-data generator (`bench/demo_data.py`), run from the project root:

    .venv/bin/python -m bench.generate_demo_data [--organisations N] [--offers M] [--seed S]
                                                 [--snapshots N] [--clear]

It sets up Django itself, with the settings in DJANGO_SETTINGS_MODULE (default: the
application's, so DATABASE_URL and REDIS_URL choose the database and the cache whose data
version it bumps). Exits with status 1 and a message on a refused request.
"""

import argparse
import os
import sys
import time
from typing import TextIO

NATIONAL_ORGANISATIONS = 2500
NATIONAL_OFFERS = 12500

parser = argparse.ArgumentParser(
    prog="python -m bench.generate_demo_data",
    description=(
        "Maak demonstratiegegevens (herkomst 'demo'): organisaties, aanbod en posities die "
        "lijken op de inventarisatie 2023, op elke schaal. Zonder aantallen: landelijke omvang "
        f"({NATIONAL_ORGANISATIONS} organisaties, {NATIONAL_OFFERS} aanbiedingen). Met alleen "
        "--clear: verwijder de demonstratiegegevens en verder niets. Het schrijft in bulk en "
        "maakt daarom geen historie aan."
    ),
)
parser.add_argument("--organisations", type=int, help="aantal organisaties")
parser.add_argument("--offers", type=int, help="aantal aanbiedingen")
parser.add_argument(
    "--seed", type=int, default=1, help="zelfde seed, zelfde gegevens (standaard 1)"
)
parser.add_argument(
    "--snapshots",
    type=int,
    default=0,
    help="maak daarna zoveel maandelijkse momentopnamen voor de monitor (bijvoorbeeld 24)",
)
parser.add_argument(
    "--clear",
    action="store_true",
    help="verwijder eerst de bestaande demonstratiegegevens (alleen die)",
)


def run(argv: list[str], stdout: TextIO = sys.stdout) -> None:
    """Do what `argv` asks, with Django already set up; raises DemoDataError on a refusal."""
    # The generator imports models, so it can only be imported once Django is set up.
    from bench.demo_data import (
        check_sizes,
        clear_demo_data,
        clear_demo_snapshots,
        generate_demo_data,
        generate_monthly_snapshots,
    )

    args = parser.parse_args(argv)
    only_clear = args.clear and args.organisations is None and args.offers is None
    organisations = args.organisations
    if organisations is None:
        organisations = NATIONAL_ORGANISATIONS
    offers = args.offers
    if offers is None:
        offers = organisations * NATIONAL_OFFERS // NATIONAL_ORGANISATIONS
    if not only_clear:
        check_sizes(organisations, offers)  # before clearing anything
    if args.clear:
        snapshots = clear_demo_snapshots()
        if snapshots:
            print(f"Momentopnamen van de demonstratie verwijderd: {snapshots}.", file=stdout)
        result = clear_demo_data()
        print(
            f"Demonstratiegegevens verwijderd: {result.organisations} organisaties, "
            f"{result.offers} aanbiedingen.",
            file=stdout,
        )
    if only_clear:
        return
    started = time.perf_counter()
    result = generate_demo_data(
        organisations=organisations,
        offers=offers,
        seed=args.seed,
        progress=ProgressBar(stdout),
    )
    print(
        f"Demonstratiegegevens gemaakt in {time.perf_counter() - started:.1f} s: "
        f"{result.organisations} organisaties, {result.offers} aanbiedingen, "
        f"{result.positions} posities, {result.relations} kenmerken, {result.links} "
        f"verwijzingen, {result.pool_entries} ervaringsdeskundigen (seed {args.seed}).",
        file=stdout,
    )
    if args.snapshots > 0:
        started = time.perf_counter()
        made = generate_monthly_snapshots(args.snapshots)
        sizes = [snapshot.size for snapshot in made]
        average = sum(sizes) // len(sizes) if sizes else 0
        print(
            f"{len(made)} maandelijkse momentopnamen gemaakt in "
            f"{time.perf_counter() - started:.1f} s; gemiddeld {average} bytes per momentopname "
            f"(de nieuwste {sizes[-1] if sizes else 0} bytes).",
            file=stdout,
        )


class ProgressBar:
    """A one-line text progress bar per step; on a terminal it redraws in place."""

    def __init__(self, stdout: TextIO):
        self.stdout = stdout
        self.redraw = stdout.isatty()

    def __call__(self, label: str, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        line = f"{label:<34} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        if self.redraw:
            self.stdout.write(f"\r{line}" + ("\n" if done >= total else ""))
            self.stdout.flush()
        elif done >= total:
            self.stdout.write(line + "\n")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sociale_kaart.settings")
    import django

    django.setup()
    from bench.demo_data import DemoDataError

    try:
        run(sys.argv[1:])
    except DemoDataError as error:
        sys.exit(f"generate_demo_data: {error}")


if __name__ == "__main__":
    main()
