"""`python manage.py export_matrix <slug|all> <path.xlsx>`: the matrix download as a file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from frameworks.models import Framework
from providers.matrix.exports import matrix_workbook
from providers.matrix.views import filter_errors_text
from providers.selectors import Scope, offer_selection

ALL = "all"


class Command(BaseCommand):
    help = (
        "Schrijft de matrix van een analysekader (slug, of 'all' voor alle analysekaders) naar "
        "een Excel-bestand; hetzelfde bestand als de knop 'Download Excel' op de kaart."
    )

    def add_arguments(self, parser):
        parser.add_argument("framework", help="slug van het analysekader, of 'all'")
        parser.add_argument("path", help="pad van het .xlsx-bestand")
        parser.add_argument(
            "--filter",
            action="append",
            dest="filters",
            default=[],
            metavar="NAAM=WAARDE",
            help="filter zoals op de kaart, bijvoorbeeld --filter role=aanbieder (herhaalbaar)",
        )

    def handle(self, *args, framework, path, filters, **options):
        if framework == ALL:
            frameworks = list(Framework.objects.order_by("order"))
        else:
            frameworks = list(Framework.objects.filter(slug=framework))
            if not frameworks:
                known = ", ".join(
                    Framework.objects.order_by("order").values_list("slug", flat=True)
                )
                raise CommandError(
                    f"Onbekend analysekader '{framework}'. Kies uit: {known} of '{ALL}'."
                )
        data = QueryDict(mutable=True)
        for item in filters:
            name, separator, value = item.partition("=")
            if not separator or not name:
                raise CommandError(f"Filter '{item}' heeft niet de vorm NAAM=WAARDE.")
            data.appendlist(name, value)
        filterset = offer_selection(data, scope=Scope.MATRIX)
        if not filterset.is_valid():
            raise CommandError(filter_errors_text(filterset).strip())
        target = Path(path)
        if not target.parent.is_dir():
            raise CommandError(f"De map {target.parent} bestaat niet.")
        target.write_bytes(matrix_workbook(frameworks, filterset))
        self.stdout.write(self.style.SUCCESS(f"Excel-bestand geschreven: {target}"))
