"""One FilterSet for offers: the search page, the search API and the matrix filters use it.

Every value is a slug (or `ja`/`nee`, a number of weeks, a text); an unknown value is a form
error, never a crash. The choices of all lists are read in one query (providers.choices).
"""

from dataclasses import dataclass
from functools import cached_property

import django_filters
from django import forms
from django.core.validators import EMPTY_VALUES
from django.http import QueryDict

from providers.choices import CHOICE_FILTERS, ReferenceChoices, load_reference_choices
from providers.lists import SEARCH_LISTS, search_list
from providers.models import Offer, Organisation, Position
from providers.search import MAX_QUERY_LENGTH, SORT_CHOICES, order_offers, search_text

# Filters that pick a cell or a framework; the matrix itself spans those, so it drops them.
CELL_FILTERS = ("framework", "violence_type", "phase")
# Filters that only order the results; meaningless for the matrix.
ORDER_FILTERS = ("sort",)
# What a referrer asks first: text, cell, role and order. The other filters fold away on the
# search page ("Meer filters"), so that a phone shows the results without 15 fields above.
MAIN_SEARCH_FILTERS = ("q", *CELL_FILTERS, "role", "sort")

YES_NO = [("ja", "Ja"), ("nee", "Nee")]
MAX_WAITING_WEEKS = 520
# The maintained lists' filters (providers.lists) follow this filter in the form.
LIST_FILTERS_AFTER = "role"


class WeeksFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _choice(label, empty_label, method, field_name=None):
    return django_filters.ChoiceFilter(
        label=label, empty_label=empty_label, method=method, field_name=field_name
    )


def _list_filters() -> dict:
    """One choice filter per maintained list the search offers, in the registry's order."""
    return {
        entry.param: _choice(entry.label, entry.empty_label, "filter_list", field_name=entry.param)
        for entry in SEARCH_LISTS
    }


class OfferFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Zoeken",
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        help_text="Zoekt in de naam en omschrijving van het aanbod en van de organisatie.",
    )
    framework = _choice("Analysekader", "Alle analysekaders", "filter_framework")
    violence_type = _choice("Geweldsvorm", "Alle geweldsvormen", "filter_cell")
    phase = _choice("Fase", "Alle fasen", "filter_cell")
    role = django_filters.ChoiceFilter(
        label="Rol van de organisatie",
        field_name="organisation__role",
        choices=Organisation.Role.choices,
        empty_label="Alle rollen",
    )
    # Here follow the maintained lists' filters: see `get_filters`.
    self_referral = django_filters.ChoiceFilter(
        label="Zelf aanmelden (zonder huisarts)",
        choices=YES_NO,
        empty_label="Maakt niet uit",
        method="filter_yes_no",
        field_name="self_referral",
    )
    experience_experts = django_filters.ChoiceFilter(
        label="Werkt met ervaringsdeskundigen",
        choices=YES_NO,
        empty_label="Maakt niet uit",
        method="filter_yes_no",
        field_name="works_with_experience_experts",
    )
    max_waiting_weeks = WeeksFilter(
        label="Wachttijd hoogstens (weken)",
        field_name="waiting_weeks",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_WAITING_WEEKS,
    )
    sort = django_filters.ChoiceFilter(
        label="Sorteren op",
        choices=SORT_CHOICES,
        empty_label="Standaard",
        method="order_after_filtering",
    )

    class Meta:
        model = Offer
        fields = []

    @classmethod
    def get_filters(cls):
        """The declared filters with the maintained lists' filters (providers.lists) inserted
        after `LIST_FILTERS_AFTER`; the metaclass builds `base_filters` from this."""
        filters = {}
        for name, declared in super().get_filters().items():
            filters[name] = declared
            if name == LIST_FILTERS_AFTER:
                filters.update(_list_filters())
        return filters

    def __init__(
        self, data=None, queryset=None, *, reference: ReferenceChoices | None = None, **kw
    ):
        super().__init__(data, queryset=queryset, **kw)
        self.reference = reference or load_reference_choices()
        for name in CHOICE_FILTERS:
            self.filters[name].extra["choices"] = self.reference.choices(name)

    # Filter methods -----------------------------------------------------------------------

    def filter_text(self, queryset, name, value):
        return search_text(queryset, value)

    def filter_framework(self, queryset, name, value):
        framework = self.reference.pk_for("framework", value)
        in_framework = Position.objects.filter(violence_type__framework=framework)
        return queryset.filter(pk__in=in_framework.values("offer_id"))

    def filter_cell(self, queryset, name, value):
        """Violence type and phase together select one cell: the same position must hold both."""
        data = self.form.cleaned_data
        if name == "phase" and data.get("violence_type"):
            return queryset  # applied together with violence_type
        conditions = {}
        if data.get("violence_type"):
            conditions["violence_type"] = self.reference.pk_for(
                "violence_type", data["violence_type"]
            )
        if data.get("phase"):
            conditions["phase"] = self.reference.pk_for("phase", data["phase"])
        return queryset.filter(pk__in=Position.objects.filter(**conditions).values("offer_id"))

    def filter_list(self, queryset, name, value):
        return queryset.filter(**{search_list(name).field: self.reference.pk_for(name, value)})

    def filter_yes_no(self, queryset, name, value):
        return queryset.filter(**{name: value == "ja"})

    def order_after_filtering(self, queryset, name, value):
        return queryset  # ordering needs every filter applied first; see filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if "sort" not in self.filters:
            return queryset
        data = self.form.cleaned_data
        return order_offers(queryset, data.get("sort"), ranked=bool(data.get("q")))

    # Reading the filters back ---------------------------------------------------------------

    def organisations(self):
        """The organisations that the organisation-level filters (role) admit."""
        organisations = Organisation.objects.all()
        if self.is_valid() and self.form.cleaned_data.get("role"):
            organisations = organisations.filter(role=self.form.cleaned_data["role"])
        return organisations

    def as_query(self, *, without=()) -> QueryDict:
        """The valid filter values as a query (slugs), leaving out the names in `without`."""
        query = QueryDict(mutable=True)
        if not self.is_valid():
            return query
        for name, value in self.form.cleaned_data.items():
            if value not in (None, "") and name not in without:
                query[name] = str(value)
        return query

    @cached_property
    def query_string(self) -> str:
        """`as_query()` as a query string, computed once: a matrix links each cell with it."""
        return self.as_query().urlencode()

    def chosen_values(self) -> list[tuple[str, str, str]]:
        """`(name, label, value)` of each filter with a value, in form order: the field's label,
        and the chosen option's label or else the value as text (as the Excel notes show them)."""
        if not self.is_valid():
            return []
        chosen = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, ""):
                continue
            field = self.form.fields[name]
            shown = _choice_label(field.choices, value) if hasattr(field, "choices") else str(value)
            chosen.append((name, str(field.label), shown))
        return chosen

    def active_filters(self) -> list[tuple[str, str, str]]:
        """`(name, label, shown value)` of each filter with a value, as the search page says
        them: the search text quoted, the waiting time in weeks, the sort order left out."""
        active = []
        for name, label, shown in self.chosen_values():
            if name in ORDER_FILTERS:
                continue
            if name == "q":
                label, shown = "Zoektekst", f"“{shown}”"
            elif name == "max_waiting_weeks":
                weeks = self.form.cleaned_data[name]
                shown = "1 week" if weeks == 1 else f"{weeks} weken"
            active.append((name, label, shown))
        return active


@dataclass
class FieldGroups:
    main: list
    more: list

    @cached_property
    def more_in_use(self) -> int:
        """How many of the folded filters have a value or an error (the fold opens for them)."""
        return sum(1 for field in self.more if field.errors or field.value() not in EMPTY_VALUES)


def search_field_groups(form) -> FieldGroups:
    """The visible fields of the search form: the main ones, and the rest that fold away."""
    fields = form.visible_fields()
    return FieldGroups(
        main=[field for field in fields if field.name in MAIN_SEARCH_FILTERS],
        more=[field for field in fields if field.name not in MAIN_SEARCH_FILTERS],
    )


@dataclass
class LooseningHint:
    label: str
    shown: str
    count: int
    url_query: str


def loosening_hints(filterset: OfferFilterSet) -> list[LooseningHint]:
    """For an empty result: how many offers each active filter, left out alone, would give.

    One count query per active filter (at most the number of filters).
    """
    hints = []
    for name, label, shown in filterset.active_filters():
        query = filterset.as_query(without={name})
        looser = type(filterset)(query, queryset=filterset.queryset, reference=filterset.reference)
        hints.append(
            LooseningHint(
                label=label, shown=shown, count=looser.qs.count(), url_query=query.urlencode()
            )
        )
    return hints


def _choice_label(choices, value) -> str:
    for key, label in choices:
        if isinstance(label, list | tuple):
            found = _choice_label(label, value)
            if found != value:
                return found
        elif key == value:
            return str(label)
    return value
