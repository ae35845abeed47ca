from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from providers.baseline import BaselineError, read_baseline
from providers.monitor.snapshots import record_inventory_snapshot, snapshot_create


class Command(BaseCommand):
    help = (
        "Maak een momentopname van beide matrices (organisaties, aanbod, status en capaciteit "
        "per cel). Hooguit één per dag: een tweede keer op dezelfde dag verandert niets."
    )

    def add_arguments(self, parser):
        parser.add_argument("--label", default="", help="Naam van de momentopname.")
        parser.add_argument(
            "--inventory",
            action="store_true",
            help="Maak (alleen) de momentopname 'Inventarisatie 2023' uit de basisgegevens in "
            "fixtures/, voor een installatie van vóór de monitor; load_baseline doet dat zelf.",
        )

    def handle(self, *args, label="", inventory=False, **options):
        if inventory:
            try:
                baseline = read_baseline()
            except BaselineError as error:
                raise CommandError(f"De basisgegevens bevatten fouten:\n{error}") from error
            with transaction.atomic():
                snapshot = record_inventory_snapshot(baseline=baseline)
            self.stdout.write(f"Momentopname {snapshot.title} staat klaar.")
            return
        snapshot, created = snapshot_create(label=label[:100])
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Momentopname {snapshot.title} gemaakt ({snapshot.size} bytes)."
                )
            )
        else:
            self.stdout.write(f"Er is al een momentopname van {snapshot.title}; niets gewijzigd.")
