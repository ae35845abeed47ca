from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from providers.imports import MunicipalityImportExportMixin
from providers.models import (
    AgeGroup,
    Funding,
    LegalFramework,
    Membership,
    Method,
    Municipality,
    Offer,
    Organisation,
    Position,
    TargetGroup,
    TreatmentFactor,
)
from providers.resources import OfferResource, OrganisationResource


class ReferenceItemAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


for reference_model in (AgeGroup, Funding, LegalFramework, Method, Municipality, TargetGroup):
    admin.site.register(reference_model, ReferenceItemAdmin)


@admin.register(TreatmentFactor)
class TreatmentFactorAdmin(ReferenceItemAdmin):
    list_display = ["code", "name", "slug", "order"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(MunicipalityImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "role", "source", "updated_at"]
    list_filter = ["role", "source"]
    search_fields = ["name", "report_labels", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]
    inlines = [MembershipInline]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ["violence_type", "phase"]


@admin.register(Offer)
class OfferAdmin(MunicipalityImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [OfferResource]
    list_display = ["name", "organisation", "status", "source", "last_verified", "updated_at"]
    list_filter = ["status", "source", "organisation__role"]
    list_select_related = ["organisation"]
    search_fields = ["name", "description", "organisation__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation"]
    filter_horizontal = [
        "target_groups",
        "age_groups",
        "legal_frameworks",
        "methods",
        "treatment_factors",
        "fundings",
        "municipalities",
    ]
    inlines = [PositionInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "created_at"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
