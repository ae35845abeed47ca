"""The filters of the pool page and its JSON: framework, violence type, phase and kind of
deployment (slugs; several values of one filter mean any of them).

An entry may leave its violence types, phases or kinds of deployment empty: unknown, not
"none". As in the search (providers/filters.py), a filter on such a fact shows the matches;
`include_unknown=<filter>` adds the entries whose fact is unknown, and the page says how many
those are.
"""

from dataclasses import dataclass

import django_filters
from django import forms
from django.core.validators import EMPTY_VALUES
from django.db.models import Q
from django.http import QueryDict

from frameworks.models import Framework, Phase, ViolenceType
from providers.filters import LENIENT, ONLY_UNKNOWN, STRICT
from providers.paths.models import DeploymentKind, PoolEntry

# filter name -> the entry's many-to-many field
FACT_FIELDS = {
    "violence_type": "violence_types",
    "phase": "phases",
    "deployment": "deployment_kinds",
}


def _multiple(label, method):
    return django_filters.MultipleChoiceFilter(
        label=label, method=method, widget=forms.SelectMultiple(attrs={"size": 4})
    )


def _unknown(name: str) -> Q:
    field = FACT_FIELDS[name]
    return Q(pk__in=PoolEntry.objects.filter(**{f"{field}__isnull": True}).values("pk"))


def _load_choices() -> dict:
    """The options of the list filters: four small queries (reference data)."""
    grouped = {}
    for slug, name, framework in ViolenceType.objects.order_by(
        "framework__order", "order"
    ).values_list("slug", "name", "framework__name"):
        grouped.setdefault(framework, []).append((slug, name))
    return {
        "framework": list(Framework.objects.order_by("order").values_list("slug", "name")),
        "violence_type": list(grouped.items()),
        "phase": list(Phase.objects.order_by("order").values_list("slug", "name")),
        "deployment": list(DeploymentKind.objects.order_by("order").values_list("slug", "name")),
    }


class PoolFilterSet(django_filters.FilterSet):
    framework = _multiple("Analysekader", "filter_framework")
    violence_type = _multiple("Geweldsvorm", "filter_fact")
    phase = _multiple("Fase", "filter_fact")
    deployment = _multiple("Soort inzet", "filter_fact")
    include_unknown = django_filters.MultipleChoiceFilter(
        label="Ook inzet waarvan dit onbekend is",
        method="keep",
        choices=[(name, name) for name in FACT_FIELDS],
        widget=forms.MultipleHiddenInput,
    )

    class Meta:
        model = PoolEntry
        fields = []

    def __init__(self, data=None, queryset=None, *, modes=None, choices=None, **kwargs):
        if isinstance(data, dict) and not isinstance(data, QueryDict):
            query = QueryDict(mutable=True)
            for key, value in data.items():
                query.setlist(key, value if isinstance(value, list) else [value])
            data = query
        super().__init__(data, queryset=queryset, **kwargs)
        self._modes = modes
        self.choices = choices or _load_choices()
        for name, options in self.choices.items():
            self.filters[name].extra["choices"] = options

    @property
    def modes(self) -> dict:
        if self._modes is not None:
            return self._modes
        included = self.form.cleaned_data.get("include_unknown", []) if self.is_valid() else []
        return dict.fromkeys(included, LENIENT)

    def filter_framework(self, queryset, name, value):
        return queryset.filter(
            pk__in=PoolEntry.objects.filter(frameworks__slug__in=value).values("pk")
        )

    def filter_fact(self, queryset, name, value):
        field = FACT_FIELDS[name]
        match = Q(pk__in=PoolEntry.objects.filter(**{f"{field}__slug__in": value}).values("pk"))
        mode = self.modes.get(name, STRICT)
        if mode == LENIENT:
            return queryset.filter(match | _unknown(name))
        if mode == ONLY_UNKNOWN:
            return queryset.filter(_unknown(name))
        return queryset.filter(match)

    def keep(self, queryset, name, value):
        return queryset

    def active_fact_filters(self) -> list[str]:
        if not self.is_valid():
            return []
        return [name for name in FACT_FIELDS if self.form.cleaned_data.get(name)]

    def unknown_facts(self) -> list["UnknownPoolFact"]:
        """Per active fact filter: how many entries might match because it is unknown (one
        count query each, at most three)."""
        active = self.active_fact_filters()
        facts = []
        for name in active:
            modes = dict.fromkeys(active, LENIENT) | {name: ONLY_UNKNOWN}
            other = type(self)(self.data, queryset=self.queryset, modes=modes, choices=self.choices)
            count = other.qs.count()
            if count:
                facts.append(
                    UnknownPoolFact(
                        name=name,
                        label=str(self.form.fields[name].label),
                        count=count,
                        included=self.modes.get(name) == LENIENT,
                        include_query=self.query_with_unknown(name),
                    )
                )
        return facts

    def query_with_unknown(self, name: str) -> str:
        query = self.as_query()
        query.setlist("include_unknown", sorted({*query.getlist("include_unknown"), name}))
        return query.urlencode()

    def as_query(self) -> QueryDict:
        query = QueryDict(mutable=True)
        if not self.is_valid():
            return query
        for name, value in self.form.cleaned_data.items():
            if value not in EMPTY_VALUES:
                query.setlist(name, list(value))
        return query

    def unknown_in(self, entry) -> list[str]:
        """Active fact filters whose fact `entry` left empty (its lists prefetched)."""
        return [
            name
            for name in self.active_fact_filters()
            if not getattr(entry, FACT_FIELDS[name]).all()
        ]


@dataclass
class UnknownPoolFact:
    name: str
    label: str
    count: int
    included: bool
    include_query: str


POOL_PARAMS = frozenset([*PoolFilterSet.base_filters, "page", "per_page"])
