"""The admin (/beheer/): the municipality manages everything, a partner only their own
organisations and offers (see providers/admin_scoping.py)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from providers import history, services
from providers.admin_scoping import ScopedAdminMixin, can_manage_all, organisations_for
from providers.admin_start_page import OrganisationStartPageMixin
from providers.forms import InvitationForm, OfferAdminForm, OrganisationAdminForm
from providers.import_views import BackgroundImportMixin
from providers.invitations import can_invite, invite_partner
from providers.lists import MAINTAINED_LISTS, OFFER_LIST_FIELDS
from providers.models import Membership, Offer, Organisation
from providers.resources import OfferResource, OrganisationResource
from providers.verification import VERIFICATION_MONTHS, is_overdue, overdue_filter
from sociale_kaart.admin import (
    DutchArticleAdminMixin,
    DutchHistoryAdminMixin,
    SaveConflictAdminMixin,
)


class ReferenceItemAdmin(SaveConflictAdminMixin, DutchArticleAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class CodedReferenceItemAdmin(ReferenceItemAdmin):
    """A list whose entries carry a code (the treatment factors) shows the code first."""

    list_display = ["code", "name", "slug", "order"]


for maintained in MAINTAINED_LISTS:
    admin.site.register(
        maintained.model,
        CodedReferenceItemAdmin if maintained.has_code else ReferenceItemAdmin,
    )


class MembershipInline(admin.TabularInline):
    """Shown only to those with permissions on memberships (the municipality)."""

    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class OwnOrganisationFilter(admin.SimpleListFilter):
    """Filter on organisation, offering only the organisations the user manages."""

    title = "organisatie"
    parameter_name = "organisatie"

    def lookups(self, request, model_admin):
        return [
            (str(pk), name)
            for pk, name in organisations_for(request.user).values_list("pk", "name")
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(organisation_id=self.value())
        return queryset


class VerificationFilter(admin.SimpleListFilter):
    title = "gecontroleerd"
    parameter_name = "gecontroleerd"

    def lookups(self, request, model_admin):
        return [
            ("recent", f"In de afgelopen {VERIFICATION_MONTHS} maanden"),
            ("verlopen", f"Niet in de afgelopen {VERIFICATION_MONTHS} maanden"),
            ("nooit", "Nooit"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "recent":
            return queryset.exclude(overdue_filter())
        if self.value() == "verlopen":
            return queryset.filter(overdue_filter())
        if self.value() == "nooit":
            return queryset.filter(last_verified__isnull=True)
        return queryset


# URL fields assume https, as Django 6 will.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Organisation)
class OrganisationAdmin(
    SaveConflictAdminMixin,
    OrganisationStartPageMixin,
    BackgroundImportMixin,
    ScopedAdminMixin,
    DutchHistoryAdminMixin,
    SimpleHistoryAdmin,
):
    resource_classes = [OrganisationResource]
    form = OrganisationAdminForm
    formfield_overrides = HTTPS_URLS
    organisation_lookup = "id"
    list_display = ["name", "role", "source", "updated_at"]
    list_filter = ["role", "source"]
    search_fields = ["name", "report_labels", "description"]
    filter_horizontal = ["members"]
    inlines = [MembershipInline]
    change_form_template = "admin/providers/organisation/change_form.html"

    # A partner keeps the public details, the contact details and the organisation's role
    # (aanbieder, verwijzer, beide); the rest is the municipality's.
    partner_readonly_fields = ["slug", "members", "source", "report_labels"]

    def save_model(self, request, obj, form, change):
        services.organisation_save(
            organisation=obj, user=request.user, expected_version=form.expected_version
        )

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/uitnodigen/",
                self.admin_site.admin_view(self.invite_view),
                name="providers_organisation_invite",
            )
        ]
        return urls + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_invite"] = obj is not None and can_invite(request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def report_invitation(self, request, user, sent: bool) -> None:
        if sent:
            # Not starting with the address: the admin capitalises a message's first
            # letter ("Anna@…").
            self.message_user(
                request,
                f"Uitnodiging verstuurd: {user.email} heeft een e-mail gekregen om een "
                "wachtwoord in te stellen.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                f"Het account voor {user.email} is aangemaakt, maar de e-mail kon niet "
                "worden verzonden.",
                messages.ERROR,
            )

    def invite_view(self, request, object_id):
        """Invite a person to edit this organisation's data: account, membership, e-mail."""
        organisation = self.get_object(request, object_id)
        if not can_invite(request.user):
            raise PermissionDenied
        form = InvitationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user, sent = invite_partner(
                    email=form.cleaned_data["email"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    organisation=organisation,
                    request=request,
                )
            except ValidationError as error:  # the same address, invited at the same moment
                form.add_error("email", error)
            else:
                self.report_invitation(request, user, sent)
                return redirect(
                    reverse("admin:providers_organisation_change", args=[organisation.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Gebruiker uitnodigen voor {organisation.name}",
            "opts": self.opts,
            "original": organisation,
            "form": form,
        }
        return TemplateResponse(request, "admin/providers/organisation/invite.html", context)


@admin.register(Offer)
class OfferAdmin(
    SaveConflictAdminMixin,
    BackgroundImportMixin,
    ScopedAdminMixin,
    DutchArticleAdminMixin,
    DutchHistoryAdminMixin,
    SimpleHistoryAdmin,
):
    resource_classes = [OfferResource]
    form = OfferAdminForm
    formfield_overrides = HTTPS_URLS
    organisation_lookup = "organisation_id"
    list_display = ["name", "organisation", "status", "verified_on", "updated_at"]
    list_select_related = ["organisation"]
    search_fields = ["name", "description", "organisation__name"]
    readonly_fields = ["last_verified"]
    filter_horizontal = OFFER_LIST_FIELDS
    actions = ["mark_verified"]
    object_history_template = "admin/providers/offer/object_history.html"
    object_history_form_template = "admin/providers/offer/object_history_form.html"
    fieldsets = [
        (
            None,
            {"fields": ["organisation", "name", "slug", "status", "description", "loaded_version"]},
        ),
        ("Posities in de analysekaders", {"fields": ["positions"]}),
        (
            "Voor wie",
            {
                "fields": [
                    "target_groups",
                    "age_groups",
                    ("minimum_age", "maximum_age"),
                    "eligibility_description",
                    "legal_frameworks",
                ]
            },
        ),
        (
            "Werkwijze",
            {
                "fields": [
                    "methods",
                    "treatment_factors",
                    "works_with_experience_experts",
                    "offers_peer_group",
                    ("duration", "duration_description"),
                    "fundings",
                ]
            },
        ),
        (
            "Capaciteit en toegang",
            {
                "fields": [
                    ("capacity_per_year", "current_occupancy", "capacity_updated_on"),
                    "waiting_weeks",
                    "self_referral",
                    "application_process",
                ]
            },
        ),
        (
            "Contact en werkgebied",
            {
                "fields": [
                    "municipalities",
                    "contact_name",
                    ("phone", "email"),
                    "website",
                    ("address", "postal_code", "city"),
                    "address_confidential",
                ]
            },
        ),
        ("Controle", {"fields": ["source", "last_verified", "verified"]}),
    ]

    partner_readonly_fields = ["source"]

    class Media:
        css = {"all": ["css/admin-grid.css"]}  # also styles the "controle nodig" warnings

    def get_list_filter(self, request):
        filters = ["status", VerificationFilter, OwnOrganisationFilter]
        if can_manage_all(request.user):
            filters += ["organisation__role", "source"]
        return filters

    def get_autocomplete_fields(self, request):
        # A partner chooses from their own few organisations in a plain select.
        return ["organisation"] if can_manage_all(request.user) else []

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and not can_manage_all(request.user):
            readonly.append("slug")  # a partner names a new offer; its address then stays
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and not can_manage_all(request.user):
            # A partner's new offer gets its slug from its name.
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if f != "slug"]})
                for name, options in fieldsets
            ]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "slug" in form.base_fields:
            form.base_fields["slug"].required = False
            form.base_fields["slug"].help_text = "Laat leeg om het adres uit de naam te maken."
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            organisations = organisations_for(request.user)
            kwargs["queryset"] = organisations
            if not can_manage_all(request.user):
                own = list(organisations[:2])
                if len(own) == 1:
                    kwargs["initial"] = own[0].pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(
        description="laatst gecontroleerd", ordering=F("last_verified").asc(nulls_first=True)
    )
    def verified_on(self, offer):
        if offer.last_verified is None:
            return format_html('<span class="verification-overdue">{}</span>', "nooit")
        if is_overdue(offer):
            return format_html(
                '<span class="verification-overdue">{} (controle nodig)</span>',
                offer.last_verified.strftime("%d-%m-%Y"),
            )
        return offer.last_verified.strftime("%d-%m-%Y")

    @admin.action(description="Gegevens gecontroleerd (vandaag)", permissions=["change"])
    def mark_verified(self, request, queryset):
        count = services.offers_mark_verified(offers=queryset, user=request.user)
        noun = "aanbieding" if count == 1 else "aanbiedingen"
        self.message_user(
            request, f"{count} {noun} gemarkeerd als gecontroleerd op vandaag.", messages.SUCCESS
        )

    def save_model(self, request, obj, form, change):
        services.offer_save(
            offer=obj,
            user=request.user,
            verified=form.cleaned_data.get("verified", False),
            expected_version=form.expected_version,
        )

    # The positions are saved by the form's save_m2m (providers/forms.py), also on a revert.

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # One entry per save: its fields, lists and positions (providers/history.py).
        history.describe_saves(
            historical_records,
            helper_for=lambda record: self.get_historical_record_context_helper(request, record),
            has_newer=historical_records.has_previous(),
        )


@admin.register(Membership)
class MembershipAdmin(SaveConflictAdminMixin, DutchArticleAdminMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "created_at"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
