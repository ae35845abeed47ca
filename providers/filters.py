"""One FilterSet for offers: the search page, the search API and the matrix filters use it."""

import django_filters

from frameworks.models import Framework, Phase, ViolenceType
from providers.models import Offer, Organisation

# Filters that pick a cell or a framework; the matrix itself spans those, so it ignores them.
CELL_FILTERS = ("framework", "violence_type", "phase")


class OfferFilterSet(django_filters.FilterSet):
    framework = django_filters.ModelChoiceFilter(
        label="Analysekader",
        queryset=Framework.objects.all(),
        to_field_name="slug",
        field_name="positions__violence_type__framework",
        distinct=True,
        empty_label="Alle analysekaders",
    )
    violence_type = django_filters.ModelChoiceFilter(
        label="Geweldsvorm",
        queryset=ViolenceType.objects.select_related("framework"),
        to_field_name="slug",
        method="filter_cell",
        empty_label="Alle geweldsvormen",
    )
    phase = django_filters.ModelChoiceFilter(
        label="Fase",
        queryset=Phase.objects.all(),
        to_field_name="slug",
        method="filter_cell",
        empty_label="Alle fasen",
    )
    role = django_filters.ChoiceFilter(
        label="Rol van de organisatie",
        field_name="organisation__role",
        choices=Organisation.Role.choices,
        empty_label="Alle rollen",
    )

    class Meta:
        model = Offer
        fields = []

    def filter_cell(self, queryset, name, value):
        """Violence type and phase together select one cell: the same position must hold both."""
        violence_type = self.form.cleaned_data.get("violence_type")
        phase = self.form.cleaned_data.get("phase")
        if name == "phase" and violence_type is not None:
            return queryset  # applied together with violence_type
        conditions = {}
        if violence_type is not None:
            conditions["positions__violence_type"] = violence_type
        if phase is not None:
            conditions["positions__phase"] = phase
        return queryset.filter(pk__in=Offer.objects.filter(**conditions).values("pk"))

    def organisations(self):
        """The organisations that the organisation-level filters (role) admit."""
        organisations = Organisation.objects.all()
        if self.is_valid() and self.form.cleaned_data.get("role"):
            organisations = organisations.filter(role=self.form.cleaned_data["role"])
        return organisations


def matrix_filterset(data, request=None) -> OfferFilterSet:
    """The OfferFilterSet as the matrix uses it: every filter but those that pick a cell."""
    data = data.copy()
    for name in CELL_FILTERS:
        data.pop(name, None)
    return OfferFilterSet(data, queryset=Offer.objects.published(), request=request)
