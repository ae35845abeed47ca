from django.core.management.base import BaseCommand, CommandError

from providers.baseline import BaselineError, PartnerEditsError, load_baseline


class Command(BaseCommand):
    help = "Laad de basisgegevens van de inventarisatie 2023 (organisaties en posities)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Laad de basisgegevens opnieuw, ook als partners al wijzigingen hebben gemaakt.",
        )
        parser.add_argument(
            "--directory",
            help="Map met de bestanden van de basisgegevens (standaard: fixtures/).",
        )

    def handle(self, *args, force=False, directory=None, **options):
        try:
            result = load_baseline(force=force, directory=directory)
        except BaselineError as error:
            raise CommandError(
                "De basisgegevens bevatten fouten; er is niets geschreven:\n" + str(error)
            ) from error
        except PartnerEditsError as error:
            self.stderr.write(self.style.WARNING(str(error)))
            return
        counts = (
            f"{result.organisations} organisaties, {result.offers} aanbiedingen, "
            f"{result.positions} posities"
        )
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Basisgegevens 2023 geladen: {counts}."))
        else:
            self.stdout.write(f"Basisgegevens 2023 waren al geladen ({counts}); niets gewijzigd.")
