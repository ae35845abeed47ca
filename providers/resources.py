"""Organisations and offers (with their positions) as spreadsheet rows, for the admin.

django-import-export resources with readable Dutch columns:
- organisations are found by slug, name or any label the 2023 report used (`VT`, `OKT`);
- reference lists (methods, fundings, ...) are names separated by "; ";
- positions are one column: `Preventie: Kindermishandeling; Nazorg: Ouderenmishandeling`.
  A violence type is looked up in every framework; only if its name occurs in more than
  one framework must the framework follow in brackets: `Preventie: Naam [hgkm]`.

Every problem is reported as a Dutch validation error on its row (unknown organisation,
phase or violence type, a duplicate row, a formula in a cell, a missing required field);
`providers.imports.MunicipalityImportExportMixin` then writes nothing at all.

Round trip: export the organisations and the offers; into an empty database import the
organisations first, then the offers (offers refer to existing organisations). The column
"vaste id" carries each row's stable UUID (the id of the HSDS API), so a round trip keeps the
ids; an existing row's id never changes.
"""

import re
from collections import defaultdict
from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Prefetch
from django.utils.text import slugify
from import_export import resources, widgets
from import_export.fields import Field

from frameworks.models import Framework, Phase, ViolenceType
from providers import import_writes, services
from providers.lists import OFFER_LIST_FIELDS, MaintainedList, list_for_field
from providers.models import OFFER_RECORD_FIELDS, Offer, Organisation, Position, Source
from sociale_kaart.spreadsheets import is_formula_like

SEPARATOR = ";"
JOINER = "; "
PHONE_OR_NUMBER = re.compile(r"[+-][\d\s().\-/]*")
FRAMEWORK_SUFFIX = re.compile(r"^(?P<cell>.*?)\s*\[(?P<framework>[^\]]+)\]\s*$")
TRUE_WORDS = {"ja", "j", "yes", "y", "true", "waar", "1", "x"}
FALSE_WORDS = {"nee", "n", "no", "false", "onwaar", "0"}
DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%y")


def normalise(value) -> str:
    """Compare names without regard to case or extra spaces."""
    return " ".join(str(value).split()).casefold()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def split_names(value) -> list[str]:
    if is_blank(value):
        return []
    return [part.strip() for part in str(value).split(SEPARATOR) if part.strip()]


def looks_like_formula(value) -> bool:
    """Text a spreadsheet would run as a formula; a phone number like +31 20 ... is fine."""
    return is_formula_like(value) and not (value[0] in "+-" and PHONE_OR_NUMBER.fullmatch(value))


class OrganisationIndex:
    """Finds an organisation by slug, else by name, else by a label the report used."""

    def __init__(self, organisations=()):
        self._tiers: tuple[dict, dict, dict] = ({}, {}, {})
        for organisation in organisations:
            self.add(organisation)

    def add(self, organisation: Organisation) -> None:
        keys = ([organisation.slug], [organisation.name], organisation.labels)
        for tier, values in zip(self._tiers, keys, strict=True):
            for value in values:
                if value:
                    tier.setdefault(normalise(value), {})[organisation.pk] = organisation

    def find(self, value) -> Organisation | None:
        """The organisation `value` names; ValueError if it names more than one."""
        key = normalise(value)
        for tier in self._tiers:
            found = tier.get(key)
            if found and len(found) > 1:
                names = ", ".join(sorted(o.name for o in found.values()))
                raise ValueError(
                    f"'{value}' past bij meer dan één organisatie ({names}); "
                    "gebruik de naam of de slug."
                )
            if found:
                return next(iter(found.values()))
        return None


# --- Widgets ---------------------------------------------------------------------------


class TextWidget(widgets.CharWidget):
    def __init__(self, blank="", **kwargs):
        super().__init__(**kwargs)
        self.blank = blank

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return self.blank
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()


class ChoiceWidget(widgets.Widget):
    """A choice by its stored value or its label, in any case; exported as the label."""

    def __init__(self, choices, blank="", **kwargs):
        super().__init__(**kwargs)
        self.choices = [(str(value), str(label)) for value, label in choices]
        self.blank = blank

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return self.blank
        key = normalise(value)
        for stored, label in self.choices:
            if key in (normalise(stored), normalise(label)):
                return stored
        options = ", ".join(label for _, label in self.choices)
        raise ValueError(f"'{value}' is geen geldige keuze; kies uit: {options}.")

    def render(self, value, obj=None, **kwargs):
        return dict(self.choices).get(value, value or "")


class YesNoWidget(widgets.Widget):
    """ja / nee (also true/false, 1/0); blank is "unknown", or `blank` when given."""

    def __init__(self, blank=None, **kwargs):
        super().__init__(**kwargs)
        self.blank = blank

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return self.blank
        if isinstance(value, bool):
            return value
        key = normalise(value)
        if key in TRUE_WORDS:
            return True
        if key in FALSE_WORDS:
            return False
        raise ValueError(f"'{value}' is geen ja of nee.")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "ja" if value else "nee"


class WholeNumberWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, bool):
            raise ValueError(f"'{value}' is geen geheel getal.")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = str(value).strip()
        if re.fullmatch(r"\d{1,9}", text):
            return int(text)
        raise ValueError(f"'{value}' is geen geheel getal.")

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value)


class DayWidget(widgets.Widget):
    """A date; read as dd-mm-jjjj or jjjj-mm-dd or an Excel date, written as dd-mm-jjjj."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        for date_format in DATE_FORMATS:
            try:
                return datetime.strptime(str(value).strip(), date_format).date()
            except ValueError:
                continue
        raise ValueError(f"'{value}' is geen datum; schrijf bijvoorbeeld 31-12-2024.")

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else value.strftime("%d-%m-%Y")


class StableIdWidget(widgets.Widget):
    """The stable id (a UUID) of a row; blank keeps the id the row has (a new row gets one)."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        try:
            return UUID(str(value).strip())
        except ValueError:
            raise ValueError(
                f"'{value}' is geen geldige vaste id (een UUID zoals in de export); laat de cel "
                "leeg voor een nieuwe regel."
            ) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def stable_id_field() -> Field:
    return Field(
        attribute="uuid",
        column_name="vaste id",
        widget=StableIdWidget(),
        saves_null_values=False,
    )


class OrganisationWidget(widgets.Widget):
    """An organisation by slug, name or report label; exported as its name."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.index: OrganisationIndex | None = None

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if self.index is None:
            self.index = OrganisationIndex(Organisation.objects.all())
        organisation = self.index.find(value)
        if organisation is None:
            raise ValueError(f"Onbekende organisatie '{value}'.")
        return organisation

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.name


class NamesWidget(widgets.ManyToManyWidget):
    """A reference list as names separated by "; "; an unknown name is an error."""

    def __init__(self, model, **kwargs):
        super().__init__(model, separator=SEPARATOR, field="name", **kwargs)
        self._lookup = None

    def clean(self, value, row=None, **kwargs):
        names = split_names(value)
        if not names:
            return []
        if self._lookup is None:
            self._lookup = {}
            for item in self.model.objects.all():
                self._lookup[normalise(item.slug)] = item
                self._lookup[normalise(item.name)] = item
        unknown = [name for name in names if normalise(name) not in self._lookup]
        if unknown:
            label = self.model._meta.verbose_name
            known = JOINER.join(sorted({item.name for item in self._lookup.values()}))
            raise ValueError(
                f"Onbekende {label}: {', '.join(repr(name) for name in unknown)}. "
                f"Bekend zijn: {known}."
            )
        items = [self._lookup[normalise(name)] for name in names]
        return list({item.pk: item for item in items}.values())

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return JOINER.join(item.name for item in value.all())


# --- Shared behaviour ------------------------------------------------------------------


class SpreadsheetResource(resources.ModelResource):
    """Header checks, row checks (formulas, required fields, duplicates) and Dutch errors."""

    #: Columns that a file must have and that may not be blank in any row.
    required_columns: tuple[str, ...] = ()
    #: Other accepted spellings of a column: alias -> column name.
    column_aliases: dict[str, str] = {}

    #: Rows between two calls of `progress`.
    PROGRESS_EVERY = 250

    def __init__(self, progress=None, **kwargs):
        super().__init__(**kwargs)
        self._seen: dict = {}
        # Called as progress(rows done, rows in all) while the rows are checked.
        self.progress = progress
        self.dry_run = True
        self.user = None

    def import_data(self, dataset, dry_run=False, **kwargs):
        self.dry_run = dry_run
        self.user = kwargs.get("user")
        return super().import_data(dataset, dry_run=dry_run, **kwargs)

    # Headers ---------------------------------------------------------------------------

    def column_names(self) -> list[str]:
        return [field.column_name for field in self.get_export_fields()]

    def _header_lookup(self) -> dict[str, str]:
        lookup = {normalise(alias): column for alias, column in self.column_aliases.items()}
        lookup.update({normalise(column): column for column in self.column_names()})
        return lookup

    def header_problems(self, headers) -> list[str]:
        """Dutch messages for missing, unknown or repeated columns; empty when all is well."""
        lookup = self._header_lookup()
        seen, unknown, repeated = set(), [], []
        for header in headers:
            column = lookup.get(normalise(header or ""))
            if column is None:
                unknown.append(f"'{header}'" if header else "een kolom zonder naam")
            elif column in seen:
                repeated.append(f"'{header}'")
            else:
                seen.add(column)
        missing = [f"'{column}'" for column in self.required_columns if column not in seen]
        problems = []
        if missing:
            problems.append(f"Verplichte kolommen ontbreken: {', '.join(missing)}.")
        if unknown:
            problems.append(f"Onbekende kolommen: {', '.join(unknown)}.")
        if repeated:
            problems.append(f"Deze kolommen staan er dubbel in: {', '.join(repeated)}.")
        if problems:
            problems.append(
                f"Dit bestand past niet bij '{self.get_display_name()}'. Verwachte kolommen: "
                f"{', '.join(self.column_names())}."
            )
        return problems

    # Import hooks ----------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        lookup = self._header_lookup()
        dataset.headers = [lookup.get(normalise(h or ""), h) for h in dataset.headers]
        if "slug" not in dataset.headers:
            dataset.append_col([""] * dataset.height, header="slug")
        self._seen = {}
        self.prepare_import(dataset)

    def prepare_import(self, dataset) -> None:
        """Load what the rows are checked against."""

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        number = kwargs.get("row_number") or 0
        if self.progress is not None and number % self.PROGRESS_EVERY == 0:
            self.progress(number)

    def before_import_row(self, row, **kwargs):
        errors = defaultdict(list)
        for column, value in row.items():
            if looks_like_formula(value):
                errors[column].append(
                    f"Deze cel begint met '{value[0].strip() or 'een tab'}' en wordt dan als "
                    "formule gelezen; haal dat teken weg."
                )
        for column in self.required_columns:
            if is_blank(row.get(column)):
                errors[column].append(f"Verplicht veld '{column}' is leeg.")
        if errors:
            raise ValidationError(dict(errors))

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        stable_id = instance.uuid if instance.pk is not None else None
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if stable_id is not None and instance.uuid != stable_id:
            errors.setdefault("uuid", []).append(
                f"De vaste id van deze regel is {stable_id} en verandert niet; neem die over uit "
                "de export of laat de cel leeg."
            )
        if not is_blank(row.get("vaste id")):
            self.note_duplicate(
                ("vaste id", instance.uuid), errors, kwargs.get("row_number"), "deze vaste id"
            )
        for field in self.get_import_fields():
            if (
                isinstance(field.widget, widgets.ManyToManyWidget)
                and not field.readonly
                and field.column_name in row
            ):
                try:
                    cleaned = field.clean(row)
                except ValueError as error:
                    errors.setdefault(field.attribute, []).append(str(error))
                else:
                    instance._import_lists = {
                        **getattr(instance, "_import_lists", {}),
                        field.attribute: cleaned,
                    }
        self.check_row(instance, row, errors, row_number=kwargs.get("row_number"))
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row, errors: dict, row_number=None) -> None:
        """Add the resource's own row problems to `errors` (attribute -> messages)."""

    def do_instance_save(self, instance, is_create):
        # An update raises the version, so that an admin form loaded before the import
        # refuses to overwrite the imported data (see providers/services.py).
        if not is_create:
            services.claim_version(instance, expected_version=None)
        super().do_instance_save(instance, is_create)

    def note_duplicate(self, key, errors: dict, row_number, what: str) -> None:
        if key in self._seen:
            first = self._seen[key]
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                f"Dubbele regel: {what} staat al in rij {first} (regel {first + 1} van het "
                "bestand)."
            )
        elif row_number is not None:
            self._seen[key] = row_number

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            columns = {field.attribute: field.column_name for field in self.fields.values()}
            raise ValidationError(
                {columns.get(key, key): messages for key, messages in error.message_dict.items()}
            ) from error


def slug_field() -> Field:
    """A blank slug keeps the slug an existing row has; a new row gets one from its name."""
    return Field(
        attribute="slug", column_name="slug", widget=TextWidget(blank=None), saves_null_values=False
    )


def reference_list(maintained: MaintainedList) -> Field:
    """A maintained list (providers.lists) as one column of names."""
    return Field(
        attribute=maintained.field,
        column_name=maintained.column,
        widget=NamesWidget(maintained.model),
    )


# --- Organisations ---------------------------------------------------------------------


class OrganisationResource(SpreadsheetResource):
    slug = slug_field()
    uuid = stable_id_field()
    name = Field(attribute="name", column_name="naam", widget=TextWidget())
    role = Field(
        attribute="role", column_name="rol", widget=ChoiceWidget(Organisation.Role.choices)
    )
    report_labels = Field(
        attribute="report_labels", column_name="namen in het rapport", widget=TextWidget()
    )
    description = Field(attribute="description", column_name="omschrijving", widget=TextWidget())
    website = Field(attribute="website", column_name="website", widget=TextWidget())
    phone = Field(attribute="phone", column_name="telefoon", widget=TextWidget())
    email = Field(attribute="email", column_name="e-mail", widget=TextWidget())
    members = Field(
        attribute="members",
        column_name="deelnemende organisaties",
        widget=NamesWidget(Organisation),
        readonly=True,  # set after all rows are in, see after_import
    )
    source = Field(
        attribute="source",
        column_name="herkomst",
        widget=ChoiceWidget(Source.choices, blank=None),
        saves_null_values=False,  # blank: keep what it was (new: "Ingevoerd door partner")
    )

    required_columns = ("naam", "rol")

    class Meta:
        model = Organisation
        name = "Organisaties"
        fields = (
            "slug",
            "name",
            "role",
            "report_labels",
            "description",
            "website",
            "phone",
            "email",
            "members",
            "source",
            "uuid",
        )
        import_id_fields = ("slug",)
        clean_model_instances = True
        use_transactions = True
        chunk_size = 5000  # export in one page (a prefetch per page) for any realistic region

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("members")

    def prepare_import(self, dataset):
        self.index = OrganisationIndex(Organisation.objects.all())
        # Names that this file itself brings in, for the members column.
        self.file_keys = set()
        for row in dataset.dict:
            for value in (row.get("slug"), row.get("naam")):
                if not is_blank(value):
                    self.file_keys.add(normalise(value))
                    self.file_keys.add(normalise(slugify(str(value))))
        self.pending_members: list[tuple[Organisation, list[str]]] = []

    def get_instance(self, instance_loader, row):
        for column in ("slug", "naam"):
            value = row.get(column)
            if is_blank(value):
                continue
            try:
                organisation = self.index.find(value)
            except ValueError as error:
                raise ValidationError({column: [str(error)]}) from error
            if organisation is not None:
                return Organisation.objects.get(pk=organisation.pk)
        return None

    def check_row(self, instance, row, errors, row_number=None):
        if instance.pk is not None and not is_blank(row.get("naam")):
            # "naam" may hold a label of the report (VT, OKT): that finds the organisation
            # but does not rename it.
            try:
                named = self.index.find(row["naam"])
            except ValueError:
                named = None
            if named is not None and named.pk == instance.pk:
                instance.name = named.name
        if not instance.slug and instance.name:
            instance.slug = slugify(instance.name)[:200]
        key = instance.pk or normalise(instance.slug)
        self.note_duplicate(key, errors, row_number, f"organisatie '{instance.name}'")
        for name in split_names(row.get("deelnemende organisaties")):
            try:
                known = self.index.find(name) is not None
            except ValueError as error:
                errors.setdefault("members", []).append(str(error))
                continue
            if not known and normalise(name) not in self.file_keys:
                errors.setdefault("members", []).append(
                    f"Onbekende deelnemende organisatie '{name}'."
                )

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        if "deelnemende organisaties" in row:
            self.pending_members.append((instance, split_names(row["deelnemende organisaties"])))

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if result.has_errors() or result.has_validation_errors():
            return
        index = OrganisationIndex(Organisation.objects.all())
        for organisation, names in self.pending_members:
            organisation.members.set([index.find(name) for name in names])


# --- Offers with their positions -------------------------------------------------------

CONFIDENTIAL = "VERTROUWELIJK bij geheim adres"
# The offer's own columns that a row can change.
CHANGEABLE_FIELDS = [
    field
    for field in Offer._meta.concrete_fields
    if field.attname not in {"id", "created_at", "updated_at", "version"}
]


class OfferResource(SpreadsheetResource):
    slug = slug_field()
    uuid = stable_id_field()
    name = Field(attribute="name", column_name="naam", widget=TextWidget())
    organisation = Field(
        attribute="organisation", column_name="organisatie", widget=OrganisationWidget()
    )
    status = Field(
        attribute="status",
        column_name="status",
        widget=ChoiceWidget(Offer.Status.choices, blank=None),
        saves_null_values=False,  # blank: keep the status (new: concept)
    )
    positions = Field(column_name="posities", readonly=True)
    description = Field(attribute="description", column_name="omschrijving", widget=TextWidget())
    # The maintained lists' columns (doelgroepen, methoden, ...): see field_from_django_field.
    minimum_age = Field(
        attribute="minimum_age", column_name="minimumleeftijd", widget=WholeNumberWidget()
    )
    maximum_age = Field(
        attribute="maximum_age", column_name="maximumleeftijd", widget=WholeNumberWidget()
    )
    eligibility_description = Field(
        attribute="eligibility_description", column_name="voor wie", widget=TextWidget()
    )
    works_with_experience_experts = Field(
        attribute="works_with_experience_experts",
        column_name="werkt met ervaringsdeskundigen",
        widget=YesNoWidget(),
    )
    offers_peer_group = Field(
        attribute="offers_peer_group", column_name="biedt lotgenotengroep", widget=YesNoWidget()
    )
    duration = Field(
        attribute="duration", column_name="duur", widget=ChoiceWidget(Offer.Duration.choices)
    )
    duration_description = Field(
        attribute="duration_description", column_name="toelichting duur", widget=TextWidget()
    )
    capacity_per_year = Field(
        attribute="capacity_per_year",
        column_name="capaciteit per jaar",
        widget=WholeNumberWidget(),
    )
    current_occupancy = Field(
        attribute="current_occupancy", column_name="huidige bezetting", widget=WholeNumberWidget()
    )
    capacity_updated_on = Field(
        attribute="capacity_updated_on", column_name="capaciteit bijgewerkt op", widget=DayWidget()
    )
    waiting_weeks = Field(
        attribute="waiting_weeks", column_name="wachttijd in weken", widget=WholeNumberWidget()
    )
    self_referral = Field(
        attribute="self_referral", column_name="zelf aanmelden mogelijk", widget=YesNoWidget()
    )
    application_process = Field(
        attribute="application_process",
        column_name="verwijsroute / aanmelden",
        widget=TextWidget(),
    )
    contact_name = Field(
        attribute="contact_name", column_name="contactpersoon", widget=TextWidget()
    )
    phone = Field(attribute="phone", column_name="telefoon", widget=TextWidget())
    email = Field(attribute="email", column_name="e-mail", widget=TextWidget())
    website = Field(attribute="website", column_name="website", widget=TextWidget())
    # The municipality's own export holds confidential addresses (it is never public);
    # the column names say so, and the "geheim adres" column tells which ones.
    address = Field(attribute="address", column_name=f"adres ({CONFIDENTIAL})", widget=TextWidget())
    postal_code = Field(
        attribute="postal_code", column_name=f"postcode ({CONFIDENTIAL})", widget=TextWidget()
    )
    city = Field(attribute="city", column_name="plaats", widget=TextWidget())
    address_confidential = Field(
        attribute="address_confidential",
        column_name="geheim adres",
        widget=YesNoWidget(blank=False),
    )
    last_verified = Field(
        attribute="last_verified", column_name="laatst gecontroleerd", widget=DayWidget()
    )
    source = Field(
        attribute="source",
        column_name="herkomst",
        widget=ChoiceWidget(Source.choices, blank=None),
        saves_null_values=False,  # blank: keep what it was (new: "Ingevoerd door partner")
    )

    required_columns = ("naam", "organisatie")
    column_aliases = {"adres": f"adres ({CONFIDENTIAL})", "postcode": f"postcode ({CONFIDENTIAL})"}

    class Meta:
        model = Offer
        name = "Aanbod met posities"
        fields = (
            "slug",
            "name",
            "organisation",
            "status",
            "positions",
            *OFFER_RECORD_FIELDS,
            "last_verified",
            "source",
            "uuid",
        )
        import_id_fields = ("slug",)
        clean_model_instances = True
        use_transactions = True
        chunk_size = 5000  # export in one page (a prefetch per page) for any realistic region
        # Rows are checked one by one in Python against what prepare_import loaded; the new
        # and changed offers are written together at the end (providers/import_writes.py).
        use_bulk = True
        batch_size = None
        skip_diff = True

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        """The maintained lists' columns come from the registry (providers.lists); the
        metaclass asks for them in the model's field order, where Meta.fields places them."""
        maintained = list_for_field(field_name)
        if maintained is not None:
            return reference_list(maintained)
        return super().field_from_django_field(field_name, django_field, readonly)

    # Export ----------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organisation").prefetch_related(
            *OFFER_LIST_FIELDS,
            Prefetch(
                "positions",
                queryset=Position.objects.select_related("phase", "violence_type__framework"),
            ),
        )

    def dehydrate_positions(self, offer) -> str:
        if offer.pk is None:
            return ""
        positions = offer.positions.all()  # in Position.Meta.ordering: matrix order
        shared_names = self._shared_violence_type_names()
        return JOINER.join(
            str(p)
            + (
                f" [{p.violence_type.framework.slug}]"
                if normalise(p.violence_type.name) in shared_names
                else ""
            )
            for p in positions
        )

    def _shared_violence_type_names(self) -> set[str]:
        if not hasattr(self, "_shared_names"):
            frameworks_by_name = defaultdict(set)
            for name, framework_id in ViolenceType.objects.values_list("name", "framework_id"):
                frameworks_by_name[normalise(name)].add(framework_id)
            self._shared_names = {n for n, ids in frameworks_by_name.items() if len(ids) > 1}
        return self._shared_names

    # Import ----------------------------------------------------------------------------

    def prepare_import(self, dataset):
        self.index = OrganisationIndex(Organisation.objects.all())
        self.fields["organisation"].widget.index = self.index
        self.phases = {}
        for phase in Phase.objects.all():
            self.phases[normalise(phase.name)] = phase
            self.phases[normalise(phase.slug)] = phase
        self.violence_types = defaultdict(list)
        for violence_type in ViolenceType.objects.select_related("framework"):
            self.violence_types[normalise(violence_type.name)].append(violence_type)
            if normalise(violence_type.slug) != normalise(violence_type.name):
                self.violence_types[normalise(violence_type.slug)].append(violence_type)
        self.frameworks = {}
        for framework in Framework.objects.all():
            self.frameworks[normalise(framework.name)] = framework
            self.frameworks[normalise(framework.slug)] = framework
        self.existing = self._load_existing(dataset)
        self._row_changes = None

    def _load_existing(self, dataset) -> dict[str, Offer]:
        """The offers the rows name, by slug, with their lists and positions: a few queries
        for the whole file. Locked until the import ends when it is not a dry run."""
        slugs = sorted({slug for row in dataset.dict if (slug := self.row_slug(row))})
        existing = {}
        for start in range(0, len(slugs), 2000):
            offers = Offer.objects.filter(slug__in=slugs[start : start + 2000]).order_by()
            if not self.dry_run:
                offers = offers.select_for_update()
            existing.update((offer.slug, offer) for offer in offers)
        import_writes.load_saved(list(existing.values()))
        return existing

    def row_slug(self, row) -> str:
        """The slug in the row, or for a row without one: organisation slug + offer name."""
        if not is_blank(row.get("slug")):
            return str(row["slug"]).strip()
        try:
            organisation = self.index.find(row.get("organisatie") or "")
        except ValueError:
            organisation = None
        if organisation is None or is_blank(row.get("naam")):
            return ""
        return slugify(f"{organisation.slug} {row['naam']}")[:200]

    def get_instance(self, instance_loader, row):
        slug = self.row_slug(row)
        return self.existing.get(slug) if slug else None

    def after_init_instance(self, instance, new, row, **kwargs):
        self._row_changes = None
        instance._import_original = (
            None
            if new
            else {field.attname: getattr(instance, field.attname) for field in CHANGEABLE_FIELDS}
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An existing offer that the row leaves as it is: not written, no history."""
        if import_validation_errors or instance._import_original is None:
            return False
        self._row_changes = self.changed_columns(instance)
        return not self._row_changes

    def changed_columns(self, instance) -> list[str]:
        """The columns whose values differ from the saved offer, in the file's order."""
        original = instance._import_original
        columns = {name: field.column_name for name, field in self.fields.items()}
        changed = {
            field.name
            for field in CHANGEABLE_FIELDS
            if getattr(instance, field.attname) != original[field.attname]
        }
        for name, items in getattr(instance, "_import_lists", {}).items():
            if {item.pk for item in items} != import_writes.saved_lists(instance)[name]:
                changed.add(name)
        cells = getattr(instance, "_import_cells", None)
        if cells is not None and cells != set(import_writes.saved_positions(instance)):
            changed.add("positions")
        order = {name: index for index, name in enumerate(self.get_export_order())}
        return [
            columns.get(name, name)
            for name in sorted(changed, key=lambda name: order.get(name, len(order)))
        ]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """As `full_clean` would, without its queries: the organisation was found in the
        index, and the slug is new (prepare_import loaded every offer the file names, and
        `note_duplicate` catches a slug used twice in the file)."""
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*errors, "organisation"], validate_unique=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            columns = {field.attribute: field.column_name for field in self.fields.values()}
            raise ValidationError(
                {columns.get(key, key): messages for key, messages in errors.items()}
            )

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        row_result.changed_columns = self._row_changes

    def check_row(self, instance, row, errors, row_number=None):
        if not instance.slug:
            instance.slug = self.row_slug(row)
        if instance.slug:
            self.note_duplicate(instance.slug, errors, row_number, f"aanbod '{instance.slug}'")
        if "posities" in row:
            cells, problems = self.parse_positions(row["posities"])
            if problems:
                errors.setdefault("posities", []).extend(problems)
            instance._import_cells = cells

    def parse_positions(self, value) -> tuple[set[tuple[int, int]], list[str]]:
        """`Fase: Geweldsvorm; ...` as a set of (phase id, violence type id), and problems."""
        cells, problems = set(), []
        for token in split_names(value):
            framework = None
            match = FRAMEWORK_SUFFIX.match(token)
            if match:
                framework = self.frameworks.get(normalise(match["framework"]))
                if framework is None:
                    problems.append(f"Onbekend analysekader '{match['framework']}' in '{token}'.")
                    continue
                token = match["cell"]
            phase_name, colon, violence_type_name = token.partition(":")
            if not colon:
                problems.append(
                    f"'{token}' heeft niet de vorm 'Fase: Geweldsvorm' "
                    "(posities gescheiden door een puntkomma)."
                )
                continue
            phase = self.phases.get(normalise(phase_name))
            if phase is None:
                problems.append(f"Onbekende fase '{phase_name.strip()}'.")
            candidates = self.violence_types.get(normalise(violence_type_name), [])
            if framework is not None:
                candidates = [vt for vt in candidates if vt.framework_id == framework.pk]
            if not candidates:
                where = f" in {framework.name}" if framework else ""
                problems.append(f"Onbekende geweldsvorm '{violence_type_name.strip()}'{where}.")
            elif len(candidates) > 1:
                problems.append(
                    f"Geweldsvorm '{violence_type_name.strip()}' bestaat in meer analysekaders; "
                    f"zet het analysekader erachter, bijvoorbeeld "
                    f"'{token.strip()} [{candidates[0].framework.slug}]'."
                )
            elif phase is not None:
                cells.add((phase.pk, candidates[0].pk))
        return cells, problems

    # Writing: the lists and positions go with the offers, in bulk.

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Everything is written in `bulk_update`, which the import calls right after."""

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        created, updated = list(self.create_instances), list(self.update_instances)
        self.create_instances.clear()
        self.update_instances.clear()
        if dry_run:
            return
        try:
            import_writes.save_offers(created=created, updated=updated, user=self.user)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
