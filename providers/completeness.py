"""What a referrer would miss in an offer: the checklist of the admin start page.

Seven parts per offer (contact, working area, target groups, capacity and occupancy, waiting
time, positions, a recent confirmation), each a condition in SQL, so that a partner's offers
and the municipality's overview of every organisation are one query each, whatever the amount
of data. Archived offers are not shown to anyone and do not count. The municipality's
overview sorts in Python (`SORTS`) and downloads as .xlsx (`completeness_workbook`).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from providers.models import Offer, Organisation, Position, VerificationReminder
from providers.verification import VERIFICATION_MONTHS, overdue_filter
from sociale_kaart.spreadsheets import set_cell

# The admin's offer form gives every field row an id "field-row-<field>" (see
# templates/admin/includes/fieldset.html); a checklist item links there.
FIELD_ROW_ANCHOR = "field-row-{field}"


def _has_related(model_field: str) -> Exists:
    through = Offer._meta.get_field(model_field).remote_field.through
    return Exists(through.objects.filter(offer_id=OuterRef("pk")))


def _has_contact() -> Q:
    # The public pages fall back on the organisation's phone or e-mail (providers.public).
    return ~Q(phone="") | ~Q(email="") | ~Q(organisation__phone="") | ~Q(organisation__email="")


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    # The row of the offer form where the part is filled in.
    field: str
    # What to fill in, shown beside a missing part.
    hint: str
    # The condition on an offer for "filled in" (built when a query runs: dates move on).
    condition: Callable[[], Q | Exists]


PARTS = (
    Part("contact", "Contact", "phone", "telefoon of e-mailadres", _has_contact),
    Part(
        "working_area",
        "Werkgebied",
        "municipalities",
        "de gemeenten waar u werkt",
        lambda: _has_related("municipalities"),
    ),
    Part(
        "target_groups",
        "Doelgroepen",
        "target_groups",
        "voor wie het aanbod is",
        lambda: _has_related("target_groups"),
    ),
    Part(
        "capacity",
        "Capaciteit en bezetting",
        "capacity_per_year",
        "capaciteit per jaar en huidige bezetting",
        lambda: Q(capacity_per_year__isnull=False, current_occupancy__isnull=False),
    ),
    Part(
        "waiting_time",
        "Wachttijd",
        "waiting_weeks",
        "wachttijd in weken",
        lambda: Q(waiting_weeks__isnull=False),
    ),
    Part(
        "positions",
        "Posities",
        "positions",
        "geweldsvormen en fasen in de analysekaders",
        lambda: Exists(Position.objects.filter(offer_id=OuterRef("pk"))),
    ),
    Part(
        "verified",
        "Bevestigingsdatum",
        "verified",
        f"gegevens bevestigd in de afgelopen {VERIFICATION_MONTHS} maanden",
        lambda: ~overdue_filter(),
    ),
)


def _flag(part: Part):
    return Case(When(part.condition(), then=Value(1)), default=Value(0))


def _annotate_parts(offers):
    return offers.annotate(**{f"part_{part.key}": _flag(part) for part in PARTS})


def completeness_text(filled: int, total: int) -> str:
    return f"{filled} van {total} onderdelen ingevuld"


def percentage(filled: int, total: int) -> int | None:
    """Whole percent, rounded down: 100 only when nothing is missing."""
    if not total:
        return None
    return filled * 100 // total


@dataclass
class ChecklistItem:
    part: Part
    filled: bool
    url: str


@dataclass
class OfferChecklist:
    offer: Offer
    items: list[ChecklistItem]
    counted: bool  # False for an archived offer: nobody sees it, nothing to complete

    @property
    def filled(self) -> int:
        return sum(item.filled for item in self.items)

    @property
    def missing(self) -> list[ChecklistItem]:
        return [item for item in self.items if not item.filled]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def overdue(self) -> bool:
        """Not confirmed in the past 12 months (the checklist's last part)."""
        return not next(item.filled for item in self.items if item.part.key == "verified")


def offer_checklists(offers) -> list[OfferChecklist]:
    """Each offer of the queryset with its checklist, in one query."""
    result = []
    for offer in _annotate_parts(offers.select_related("organisation")):
        change_url = reverse("admin:providers_offer_change", args=[offer.pk])
        items = [
            ChecklistItem(
                part=part,
                filled=bool(getattr(offer, f"part_{part.key}")),
                url=f"{change_url}#{FIELD_ROW_ANCHOR.format(field=part.field)}",
            )
            for part in PARTS
        ]
        result.append(
            OfferChecklist(offer=offer, items=items, counted=offer.status != Offer.Status.ARCHIVED)
        )
    return result


@dataclass
class OrganisationCompleteness:
    organisation: Organisation
    offer_count: int
    filled: int
    # Per part: in how many of the organisation's offers it is filled in.
    parts: dict[str, int]
    account_count: int
    last_login: datetime.datetime | None
    last_reminded: datetime.datetime | None

    @property
    def total(self) -> int:
        return self.offer_count * len(PARTS)

    @property
    def percentage(self) -> int | None:
        return percentage(self.filled, self.total)

    @property
    def text(self) -> str:
        return completeness_text(self.filled, self.total)

    @property
    def never_logged_in(self) -> bool:
        return self.last_login is None


def organisations_completeness(organisations=None) -> list[OrganisationCompleteness]:
    """Every organisation (of the queryset, default all) with the completeness of its offers,
    its accounts and when it last logged in and was last reminded (two queries)."""
    organisations = Organisation.objects.all() if organisations is None else organisations
    counts = {
        row["organisation_id"]: row
        for row in _annotate_parts(
            Offer.objects.filter(organisation__in=organisations).exclude(
                status=Offer.Status.ARCHIVED
            )
        )
        .order_by()
        .values("organisation_id")
        .annotate(
            offer_count=Count("pk"),
            **{part.key: Sum(f"part_{part.key}", output_field=IntegerField()) for part in PARTS},
        )
    }
    last_reminder = VerificationReminder.objects.filter(organisation=OuterRef("pk")).order_by(
        "-sent_at"
    )
    rows = organisations.order_by("name").annotate(
        account_count=Count("memberships", distinct=True),
        last_login=Max("memberships__user__last_login"),
        last_reminded=Subquery(last_reminder.values("sent_at")[:1]),
    )
    result = []
    for organisation in rows:
        row = counts.get(organisation.pk, {})
        parts = {part.key: row.get(part.key) or 0 for part in PARTS}
        result.append(
            OrganisationCompleteness(
                organisation=organisation,
                offer_count=row.get("offer_count", 0),
                filled=sum(parts.values()),
                parts=parts,
                account_count=organisation.account_count,
                last_login=organisation.last_login,
                last_reminded=organisation.last_reminded,
            )
        )
    return result


# Sorting the overview: the value of ?sorteer= and what it sorts on. Organisations without
# offers (no percentage) and without a date come last in either direction.
SORTS = {
    "naam": ("Organisatie", lambda row: row.organisation.name.casefold()),
    "aanbod": ("Aanbod", lambda row: row.offer_count),
    "volledigheid": ("Volledigheid", lambda row: row.percentage),
    "ingelogd": ("Laatst ingelogd", lambda row: row.last_login),
    "herinnerd": ("Laatst herinnerd", lambda row: row.last_reminded),
}
DEFAULT_SORT = "volledigheid"


def parse_sort(value: str | None) -> tuple[str, bool]:
    """(key, descending) from ?sorteer= ("volledigheid", "-herinnerd", ...); unknown values
    fall back to the least complete first."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.removeprefix("-")
    if key not in SORTS:
        return DEFAULT_SORT, False
    return key, descending


def sort_rows(rows: list[OrganisationCompleteness], key: str, descending: bool):
    value_of = SORTS[key][1]
    present = [row for row in rows if value_of(row) is not None]
    absent = [row for row in rows if value_of(row) is None]
    present.sort(key=lambda row: row.organisation.name.casefold())
    present.sort(key=value_of, reverse=descending)
    return present + absent


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _local(value):
    """A datetime as Excel takes it: local time without a time zone."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def completeness_workbook(rows: list[OrganisationCompleteness]) -> bytes:
    """The municipality's overview as an .xlsx file, in the order of `rows`. Every text goes
    through `set_cell`, so a name starting with "=" stays text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Volledigheid"
    headers = [
        ("Organisatie", 40),
        ("Rol", 22),
        ("Aanbod", 10),
        ("Onderdelen ingevuld", 12),
        ("Onderdelen totaal", 12),
        ("Percentage", 12),
        *[(f"{part.label} (aantal aanbiedingen)", 16) for part in PARTS],
        ("Accounts", 10),
        ("Laatst ingelogd", 18),
        ("Laatst herinnerd", 18),
    ]
    for column, (title, width) in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column)
        set_cell(cell, title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row_number, row in enumerate(rows, start=2):
        values = [
            row.organisation.name,
            row.organisation.get_role_display(),
            row.offer_count,
            row.filled,
            row.total,
            row.percentage / 100 if row.percentage is not None else None,
            *[row.parts[part.key] for part in PARTS],
            row.account_count,
            _local(row.last_login),
            _local(row.last_reminded),
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column)
            set_cell(cell, value)
            if column == 6:
                cell.number_format = "0%"
            elif isinstance(value, datetime.datetime):
                cell.number_format = "dd-mm-yyyy hh:mm"
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(rows) + 1, 1)}"
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()
