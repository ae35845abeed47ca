"""One FilterSet for offers: the search page, the search API and the matrix filters use it.

Every value is a slug (or `ja`/`nee`, a number of weeks, a text); an unknown value is a form
error, never a crash. The choices of all lists are read in one query (providers.choices).

Several values of one filter mean "any of them" (`?phase=preventie&phase=signalering`);
different filters must all hold.

Unknown is not absent: partners may leave facts empty (working area, age groups, waiting
time, ...). A filter on such a fact sees three kinds of offers: those that match, those that
do not, and those whose fact is unknown. Each filter runs in one of three modes: STRICT
(matches only, the default), LENIENT (matches or unknown: `include_unknown=<filter>`) and
ONLY_UNKNOWN (to count the unknowns). `maybe()` is the selection with every such filter
lenient: what might match if the unknown facts were filled in.
"""

from dataclasses import dataclass
from functools import cached_property

import django_filters
from django import forms
from django.core.validators import EMPTY_VALUES
from django.db.models import Q
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
# Rows a multiple choice shows at most before it scrolls (fewer when it has fewer options).
MULTIPLE_ROWS = 4

STRICT, LENIENT, ONLY_UNKNOWN = "strict", "lenient", "only-unknown"
# The yes/no filters on facts that partners may leave empty, and the offer field each reads.
YES_NO_FIELDS = {
    "self_referral": "self_referral",
    "experience_experts": "works_with_experience_experts",
    "peer_group": "offers_peer_group",
}
# The maintained lists' filters (providers.lists) follow this filter in the form.
LIST_FILTERS_AFTER = "role"


class WeeksFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _multiple(label, method, field_name=None):
    """A filter that takes one or more values (any of them matches). The forms say once how
    to choose several (templates/includes/multiple_hint.html)."""
    return django_filters.MultipleChoiceFilter(
        label=label, method=method, field_name=field_name, widget=forms.SelectMultiple
    )


def _rows(choices) -> int:
    """How many rows a multiple choice shows: its options (and group labels), at most
    MULTIPLE_ROWS."""
    count = sum(1 + len(c) if isinstance(c, list | tuple) else 1 for _, c in choices)
    return min(count, MULTIPLE_ROWS)


def _yes_no(label, name):
    return django_filters.ChoiceFilter(
        label=label,
        choices=YES_NO,
        empty_label="Maakt niet uit",
        method="filter_yes_no",
        field_name=name,
    )


def _list_filters() -> dict:
    """One filter per maintained list the search offers, in the registry's order."""
    return {
        entry.param: _multiple(entry.label, "filter_list", field_name=entry.param)
        for entry in SEARCH_LISTS
    }


def unknown_condition(name: str) -> Q:
    """The condition on an offer that its fact for filter `name` is unknown (left empty)."""
    if name in YES_NO_FIELDS:
        return Q(**{f"{YES_NO_FIELDS[name]}__isnull": True})
    if name == "max_waiting_weeks":
        return Q(waiting_weeks__isnull=True)
    return Q(
        pk__in=Offer.objects.filter(**{f"{search_list(name).field}__isnull": True}).values("pk")
    )


def unknown_fact_filters() -> tuple[str, ...]:
    """The filters on facts that partners may leave empty, in form order."""
    return (*(entry.param for entry in SEARCH_LISTS), *YES_NO_FIELDS, "max_waiting_weeks")


def offer_fact_unknown(offer, name: str) -> bool:
    """Whether `offer` left the fact of filter `name` empty (its lists prefetched)."""
    if name in YES_NO_FIELDS:
        return getattr(offer, YES_NO_FIELDS[name]) is None
    if name == "max_waiting_weeks":
        return offer.waiting_weeks is None
    return not getattr(offer, search_list(name).field).all()


class OfferFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Zoeken",
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        help_text="Zoekt in de naam en omschrijving van het aanbod en van de organisatie.",
    )
    framework = _multiple("Analysekader", "filter_framework")
    violence_type = _multiple("Geweldsvorm", "filter_cell")
    phase = _multiple("Fase", "filter_cell")
    role = django_filters.MultipleChoiceFilter(
        label="Rol van de organisatie",
        choices=Organisation.Role.choices,
        method="filter_role",
        widget=forms.SelectMultiple,
    )
    # Here follow the maintained lists' filters: see `get_filters`.
    self_referral = _yes_no("Zelf aanmelden (zonder huisarts)", "self_referral")
    experience_experts = _yes_no("Werkt met ervaringsdeskundigen", "experience_experts")
    peer_group = _yes_no("Biedt een lotgenotengroep", "peer_group")
    max_waiting_weeks = WeeksFilter(
        label="Wachttijd hoogstens (weken)",
        method="filter_waiting",
        min_value=0,
        max_value=MAX_WAITING_WEEKS,
    )
    # The filters whose unknown facts count as possible matches (a link adds it; hidden).
    include_unknown = django_filters.MultipleChoiceFilter(
        label="Ook aanbod waarvan dit onbekend is",
        method="keep",
        widget=forms.MultipleHiddenInput,
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
        self,
        data=None,
        queryset=None,
        *,
        reference: ReferenceChoices | None = None,
        modes: dict[str, str] | None = None,
        **kw,
    ):
        super().__init__(_as_query_dict(data), queryset=queryset, **kw)
        self.reference = reference or load_reference_choices()
        for name in CHOICE_FILTERS:
            self.filters[name].extra["choices"] = self.reference.choices(name)
        self.filters["include_unknown"].extra["choices"] = [
            (name, name) for name in unknown_fact_filters()
        ]
        self._modes = modes

    @property
    def form(self):
        if not hasattr(self, "_form"):
            for field in super().form.fields.values():
                if type(field.widget) is forms.SelectMultiple:
                    field.widget.attrs["size"] = _rows(field.choices)
        return self._form

    def variant(self, *, data=None, modes=None) -> "OfferFilterSet":
        """The same selection (its filters, base queryset and choices) over other `data` or
        in other `modes` (filter name -> STRICT, LENIENT or ONLY_UNKNOWN)."""
        other = type(self)(
            self.data if data is None else data,
            queryset=self.queryset,
            request=self.request,
            reference=self.reference,
            modes=modes,
        )
        for name in set(other.filters) - set(self.filters):
            del other.filters[name]
        return other

    @cached_property
    def modes(self) -> dict[str, str]:
        """Each fact filter's mode: as given, else lenient where `include_unknown` names it."""
        if self._modes is not None:
            return self._modes
        included = self.form.cleaned_data.get("include_unknown", []) if self.is_valid() else []
        return {name: LENIENT for name in included}

    def _fact(self, queryset, name: str, match: Q):
        """Apply a filter on a fact that may be unknown, in the filter's mode."""
        mode = self.modes.get(name, STRICT)
        if mode == LENIENT:
            return queryset.filter(match | unknown_condition(name))
        if mode == ONLY_UNKNOWN:
            return queryset.filter(unknown_condition(name))
        return queryset.filter(match)

    # Filter methods -----------------------------------------------------------------------

    def filter_text(self, queryset, name, value):
        return search_text(queryset, value)

    def _pks(self, kind: str, slugs) -> list:
        return [self.reference.pk_for(kind, slug) for slug in slugs]

    def filter_framework(self, queryset, name, value):
        frameworks = self._pks("framework", value)
        in_framework = Position.objects.filter(violence_type__framework__in=frameworks)
        return queryset.filter(pk__in=in_framework.values("offer_id"))

    def filter_cell(self, queryset, name, value):
        """Violence types and phases together select cells: one position must hold one of the
        violence types and one of the phases."""
        data = self.form.cleaned_data
        if name == "phase" and data.get("violence_type"):
            return queryset  # applied together with violence_type
        conditions = {}
        if data.get("violence_type"):
            conditions["violence_type__in"] = self._pks("violence_type", data["violence_type"])
        if data.get("phase"):
            conditions["phase__in"] = self._pks("phase", data["phase"])
        return queryset.filter(pk__in=Position.objects.filter(**conditions).values("offer_id"))

    def filter_role(self, queryset, name, value):
        return queryset.filter(organisation__role__in=value)

    def filter_list(self, queryset, name, value):
        field = search_list(name).field
        matching = Offer.objects.filter(**{f"{field}__in": self._pks(name, value)})
        return self._fact(queryset, name, Q(pk__in=matching.values("pk")))

    def filter_yes_no(self, queryset, name, value):
        return self._fact(queryset, name, Q(**{YES_NO_FIELDS[name]: value == "ja"}))

    def filter_waiting(self, queryset, name, value):
        return self._fact(queryset, name, Q(waiting_weeks__lte=value))

    def keep(self, queryset, name, value):
        return queryset  # read by `modes`

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
            organisations = organisations.filter(role__in=self.form.cleaned_data["role"])
        return organisations

    def active_fact_filters(self) -> list[str]:
        """The filters with a value on facts that partners may leave empty."""
        if not self.is_valid():
            return []
        data = self.form.cleaned_data
        return [name for name in unknown_fact_filters() if data.get(name) not in EMPTY_VALUES]

    def maybe(self) -> "OfferFilterSet | None":
        """The selection with every fact filter lenient: the offers that match or might (their
        fact unknown); None when no fact filter is active."""
        active = self.active_fact_filters()
        if not active:
            return None
        return self.variant(modes=dict.fromkeys(active, LENIENT))

    def unknown_facts(self) -> list["UnknownFact"]:
        """Per active fact filter: how many offers might match because that fact is unknown
        (the other fact filters lenient too). One count query per active fact filter."""
        active = self.active_fact_filters()
        facts = []
        for name in active:
            modes = dict.fromkeys(active, LENIENT) | {name: ONLY_UNKNOWN}
            count = self.variant(modes=modes).qs.count()
            if count:
                facts.append(
                    UnknownFact(
                        name=name,
                        label=str(self.form.fields[name].label),
                        count=count,
                        included=self.modes.get(name) == LENIENT,
                    )
                )
        return facts

    def include_unknown_query(self, names) -> str:
        """This query with the unknown facts of `names` included."""
        query = self.as_query()
        query.setlist("include_unknown", sorted(set(query.getlist("include_unknown")) | set(names)))
        return query.urlencode()

    def unknown_in(self, offer) -> list[str]:
        """The names of the active fact filters whose fact `offer` left empty."""
        return [name for name in self.active_fact_filters() if offer_fact_unknown(offer, name)]

    def label(self, name: str) -> str:
        return str(self.form.fields[name].label)

    def as_query(self, *, without=()) -> QueryDict:
        """The valid filter values as a query (slugs), leaving out the names in `without`."""
        query = QueryDict(mutable=True)
        if not self.is_valid():
            return query
        for name, value in self.form.cleaned_data.items():
            if value in EMPTY_VALUES or name in without:
                continue
            if isinstance(value, list):
                query.setlist(name, [str(item) for item in value])
            else:
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
            if value in EMPTY_VALUES or name == "include_unknown":
                continue
            field = self.form.fields[name]
            values = value if isinstance(value, list) else [value]
            if hasattr(field, "choices"):
                shown = " of ".join(_choice_label(field.choices, item) for item in values)
            else:
                shown = str(value)
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
class UnknownFact:
    name: str
    label: str
    count: int
    included: bool


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
        looser = filterset.variant(data=query)
        hints.append(
            LooseningHint(
                label=label, shown=shown, count=looser.qs.count(), url_query=query.urlencode()
            )
        )
    return hints


def _as_query_dict(data):
    """`data` as a QueryDict: a plain dict (from code or tests) may hold one value or a list."""
    if data is None or isinstance(data, QueryDict):
        return data
    query = QueryDict(mutable=True)
    for name, value in data.items():
        query.setlist(name, [str(v) for v in value] if isinstance(value, list | tuple) else [value])
    return query


def _choice_label(choices, value) -> str:
    for key, label in choices:
        if isinstance(label, list | tuple):
            found = _choice_label(label, value)
            if found != value:
                return found
        elif key == value:
            return str(label)
    return value
