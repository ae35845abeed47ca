"""The registry of maintained lists (providers.lists) names every list, and every user of the
lists follows it: filters, admin, spreadsheet columns."""

import pytest
from django.contrib import admin

from providers.admin import OfferAdmin
from providers.filters import OfferFilterSet
from providers.lists import MAINTAINED_LISTS, SEARCH_LISTS, MaintainedList
from providers.models import OFFER_RECORD_FIELDS, Offer, ReferenceItem
from providers.resources import OfferResource


def test_every_maintained_list_of_an_offer_is_in_the_registry():
    list_fields = {
        field.name
        for field in Offer._meta.many_to_many
        if issubclass(field.related_model, ReferenceItem)
    }
    assert {entry.field for entry in MAINTAINED_LISTS} == list_fields
    assert len({entry.param for entry in MAINTAINED_LISTS}) == len(MAINTAINED_LISTS)


def test_every_list_is_part_of_the_offer_record_and_its_admin_form():
    in_fieldsets = {
        name for _, options in OfferAdmin.fieldsets for name in options["fields"] if name
    }
    for entry in MAINTAINED_LISTS:
        assert entry.field in OFFER_RECORD_FIELDS
        assert entry.field in in_fieldsets
        assert entry.field in OfferAdmin.filter_horizontal


def test_the_search_filters_are_the_searchable_lists_with_their_labels():
    filters = OfferFilterSet.base_filters
    for entry in MAINTAINED_LISTS:
        if entry.searchable:
            assert filters[entry.param].label == entry.label
        else:
            assert entry.param not in filters and entry.field not in filters
    names = list(filters)
    start = names.index(SEARCH_LISTS[0].param)
    assert names[start : start + len(SEARCH_LISTS)] == [entry.param for entry in SEARCH_LISTS]


def test_the_admin_and_the_spreadsheet_have_every_list():
    columns = OfferResource().column_names()
    for entry in MAINTAINED_LISTS:
        model_admin = admin.site._registry[entry.model]
        assert ("code" in model_admin.list_display) == entry.has_code
        assert entry.column in columns


def test_a_search_filter_needs_its_label():
    with pytest.raises(ValueError, match="label"):
        MaintainedList(param="x", field="x", column="x")
    MaintainedList(param="x", field="x", column="x", searchable=False)
