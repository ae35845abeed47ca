from django.core.management.base import BaseCommand

from providers.monitor.snapshots import snapshot_create


class Command(BaseCommand):
    help = (
        "Maak een momentopname van beide matrices (organisaties, aanbod, status en capaciteit "
        "per cel). Hooguit één per dag: een tweede keer op dezelfde dag verandert niets."
    )

    def add_arguments(self, parser):
        parser.add_argument("--label", default="", help="Naam van de momentopname.")

    def handle(self, *args, label="", **options):
        snapshot, created = snapshot_create(label=label[:100])
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Momentopname {snapshot.title} gemaakt ({snapshot.size} bytes)."
                )
            )
        else:
            self.stdout.write(f"Er is al een momentopname van {snapshot.title}; niets gewijzigd.")
