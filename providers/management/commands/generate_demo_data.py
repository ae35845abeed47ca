import time

from django.core.management.base import BaseCommand, CommandError

from providers.demo_data import (
    DemoDataExistsError,
    clear_demo_data,
    generate_demo_data,
)

NATIONAL_ORGANISATIONS = 2500
NATIONAL_OFFERS = 12500


class Command(BaseCommand):
    help = (
        "Maak demonstratiegegevens (herkomst 'demo'): organisaties, aanbod en posities die "
        "lijken op de inventarisatie 2023, op elke schaal. Zonder aantallen: landelijke omvang "
        f"({NATIONAL_ORGANISATIONS} organisaties, {NATIONAL_OFFERS} aanbiedingen). Met alleen "
        "--clear: verwijder de demonstratiegegevens en verder niets. Het schrijft in bulk en "
        "maakt daarom geen historie aan."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, help="aantal organisaties")
        parser.add_argument("--offers", type=int, help="aantal aanbiedingen")
        parser.add_argument(
            "--seed", type=int, default=1, help="zelfde seed, zelfde gegevens (standaard 1)"
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="verwijder eerst de bestaande demonstratiegegevens (alleen die)",
        )

    def handle(self, *args, organisations=None, offers=None, seed=1, clear=False, **options):
        for label, value in (("--organisations", organisations), ("--offers", offers)):
            if value is not None and value < 0:
                raise CommandError(f"{label} mag niet negatief zijn.")
        if clear:
            result = clear_demo_data()
            self.stdout.write(
                f"Demonstratiegegevens verwijderd: {result.organisations} organisaties, "
                f"{result.offers} aanbiedingen."
            )
            if organisations is None and offers is None:
                return
        if organisations is None:
            organisations = NATIONAL_ORGANISATIONS
        if offers is None:
            offers = organisations * NATIONAL_OFFERS // NATIONAL_ORGANISATIONS
        if offers and not organisations:
            raise CommandError("Aanbod heeft organisaties nodig: geef --organisations op.")

        started = time.perf_counter()
        try:
            result = generate_demo_data(
                organisations=organisations, offers=offers, seed=seed, progress=self._progress
            )
        except DemoDataExistsError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demonstratiegegevens gemaakt in {elapsed:.1f} s: {result.organisations} "
                f"organisaties, {result.offers} aanbiedingen, {result.positions} posities, "
                f"{result.relations} kenmerken (seed {seed})."
            )
        )

    def _progress(self, label: str, done: int, total: int) -> None:
        """A one-line text progress bar per step; on a terminal it redraws in place."""
        width = 30
        filled = width * done // total if total else width
        bar = "#" * filled + "." * (width - filled)
        line = f"{label:<34} [{bar}] {done}/{total}"
        if self.stdout.isatty():
            self.stdout.write(f"\r{line}", ending="\n" if done >= total else "")
            self.stdout.flush()
        elif done >= total:
            self.stdout.write(line)
