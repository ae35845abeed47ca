"""The maintained lists of an offer (target groups, methods, municipalities, ...): one registry.

Each list is one entry: the query parameter the offer filters use, the offer's many-to-many
field, the filter's labels, the spreadsheet column, and whether the public search filters on
it. The filters and their choices (providers.filters, providers.choices), the admin, the
spreadsheet import/export (providers.resources), the one-query prefetch
(providers.reference_lists) and the demo data all read this registry; a new list is a model,
an offer field and one entry here.

This module is plain data at the bottom of the layers: providers.models imports
providers.reference_lists, which reads it. It therefore imports no model; `MaintainedList.model`
asks Django's app registry for the offer model and follows the field to the list's model.
"""

from dataclasses import dataclass

from django.apps import apps

OFFER_MODEL = "providers.Offer"


@dataclass(frozen=True)
class MaintainedList:
    #: The filter's name and query parameter: `?target_group=plegers`.
    param: str
    #: The offer's many-to-many field holding the chosen entries.
    field: str
    #: The column of the offers spreadsheet (import and export).
    column: str
    #: Whether the public search, the search API and the matrix filter on it.
    searchable: bool = True
    #: The search filter's label (searchable lists only).
    label: str = ""

    def __post_init__(self):
        if self.searchable and not self.label:
            raise ValueError(f"The search filter '{self.param}' needs a label.")

    @property
    def model(self):
        """The model whose rows are the list's entries."""
        return apps.get_model(OFFER_MODEL)._meta.get_field(self.field).related_model

    @property
    def has_code(self) -> bool:
        """Whether the entries carry a short code (the treatment factors' A, B, ...)."""
        return any(field.name == "code" for field in self.model._meta.fields)


# In the order the search form shows the filters.
MAINTAINED_LISTS = (
    MaintainedList(
        param="target_group",
        field="target_groups",
        label="Doelgroep",
        column="doelgroepen",
    ),
    MaintainedList(
        param="age_group",
        field="age_groups",
        label="Leeftijdsgroep",
        column="leeftijdsgroepen",
    ),
    MaintainedList(
        param="legal_framework",
        field="legal_frameworks",
        label="Juridisch kader",
        column="juridisch kader",
    ),
    MaintainedList(
        param="municipality",
        field="municipalities",
        label="Gemeente (werkgebied)",
        column="werkgebied (gemeenten)",
    ),
    MaintainedList(
        param="method",
        field="methods",
        label="Methode",
        column="methoden",
    ),
    MaintainedList(
        param="treatment_factor",
        field="treatment_factors",
        label="Bejegeningsfactor",
        column="bejegeningsfactoren",
    ),
    MaintainedList(
        param="funding",
        field="fundings",
        label="Financiering",
        column="financiering",
    ),
)

#: The lists the offer filters offer, in form order.
SEARCH_LISTS = tuple(entry for entry in MAINTAINED_LISTS if entry.searchable)
#: The offer's many-to-many fields of all maintained lists.
OFFER_LIST_FIELDS = tuple(entry.field for entry in MAINTAINED_LISTS)

_BY_PARAM = {entry.param: entry for entry in SEARCH_LISTS}
_BY_FIELD = {entry.field: entry for entry in MAINTAINED_LISTS}


def search_list(param: str) -> MaintainedList:
    """The searchable list with query parameter `param`; KeyError for any other name."""
    return _BY_PARAM[param]


def list_for_field(field: str) -> MaintainedList | None:
    """The maintained list held in the offer's field `field`, or None."""
    return _BY_FIELD.get(field)
