"""The choices of the offer filters (frameworks, phases, violence types, and the maintained
lists the search offers: providers.lists).

All lists are read in one UNION query, so a filter form costs one query however many lists
it offers. Values are slugs; `pk_for` turns a chosen slug back into the row's primary key.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import CharField, F, IntegerField, Value

from frameworks.models import Framework, Phase, ViolenceType
from providers.lists import SEARCH_LISTS
from sociale_kaart.cache import get_or_compute, versioned_key

# Filter name -> the model whose rows are its choices: the frameworks and phases of the matrix;
# the maintained lists follow from the registry (`_list_models`).
MATRIX_LISTS = {"framework": Framework, "phase": Phase}
GROUPED = "violence_type"  # grouped by framework
# Every filter whose choices `load_reference_choices` reads.
CHOICE_FILTERS = (*MATRIX_LISTS, *(entry.param for entry in SEARCH_LISTS), GROUPED)


def _list_models() -> dict:
    return {**MATRIX_LISTS, **{entry.param: entry.model for entry in SEARCH_LISTS}}


@dataclass
class Option:
    pk: int
    slug: str
    name: str
    group: str = ""


@dataclass
class ReferenceChoices:
    options: dict[str, list[Option]] = field(default_factory=dict)

    def choices(self, kind: str) -> list:
        """Form choices `(slug, name)`; violence types in one optgroup per framework."""
        if kind != GROUPED:
            return [(option.slug, option.name) for option in self.options.get(kind, [])]
        groups: dict[str, list] = defaultdict(list)
        for option in self.options.get(kind, []):
            groups[option.group].append((option.slug, option.name))
        return list(groups.items())

    def pk_for(self, kind: str, slug: str) -> int | None:
        return next((o.pk for o in self.options.get(kind, []) if o.slug == slug), None)


def _rows(queryset, kind, group_name=None, group_order=None):
    return (
        queryset.order_by()
        .annotate(
            kind=Value(kind, output_field=CharField()),
            group_name=group_name or Value("", output_field=CharField()),
            group_order=group_order or Value(0, output_field=IntegerField()),
        )
        .values_list("kind", "pk", "slug", "name", "group_name", "group_order", "order")
    )


def load_reference_choices() -> ReferenceChoices:
    """Every list the offer filters offer, in their maintained order: one query, cached under
    the data version (every page with a filter form asks for them)."""
    return get_or_compute(versioned_key("reference-choices"), _load_reference_choices)


def _load_reference_choices() -> ReferenceChoices:
    parts = [_rows(model.objects.all(), kind) for kind, model in _list_models().items()]
    parts.append(
        _rows(
            ViolenceType.objects.all(),
            GROUPED,
            group_name=F("framework__name"),
            group_order=F("framework__order"),
        )
    )
    rows = sorted(
        parts[0].union(*parts[1:], all=True),
        key=lambda row: (row[0], row[5], row[4], row[6], row[3]),
    )
    options: dict[str, list[Option]] = defaultdict(list)
    for kind, pk, slug, name, group_name, _group_order, _order in rows:
        options[kind].append(Option(pk=pk, slug=slug, name=name, group=group_name))
    return ReferenceChoices(options=dict(options))
