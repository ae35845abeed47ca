"""The admin of referral links and pool entries, scoped to the user's organisations.

A link is seen by both sides. Nobody edits a link's fields: a partner proposes one for its own
offer (the add form), the other side confirms it, either side ends it (POST to
`<id>/bevestigen/` and `<id>/beeindigen/`); only the municipality deletes. Anything outside the
user's organisations answers 404, as everywhere in the admin (providers/admin_scoping.py).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from frameworks.models import ViolenceType
from providers.admin import OwnOrganisationFilter
from providers.admin_scoping import (
    ScopedAdminMixin,
    can_manage_all,
    organisation_ids_for,
    organisations_for,
)
from providers.models import Offer
from providers.paths import services
from providers.paths.forms import LinkProposalForm, PoolEntryAdminForm
from providers.paths.models import DeploymentKind, PoolEntry, ReferralLink
from sociale_kaart.admin import DutchHistoryAdminMixin

CHANGE_LINKS = "paths.change_referrallink"
# The admin views that delete offers (one, or a selection).
OFFER_DELETION_VIEWS = frozenset({"providers_offer_delete", "providers_offer_changelist"})


class LinkSideFilter(OwnOrganisationFilter):
    """Links of one of the user's organisations, on either side."""

    def queryset(self, request, queryset):
        if self.value():
            value = self.value()
            return queryset.filter(
                Q(from_offer__organisation_id=value) | Q(to_offer__organisation_id=value)
            )
        return queryset


class WaitingFilter(admin.SimpleListFilter):
    title = "wacht op"
    parameter_name = "wacht_op"

    def lookups(self, request, model_admin):
        return [("mij", "Mijn bevestiging"), ("ander", "Bevestiging van de ander")]

    def queryset(self, request, queryset):
        ids = organisation_ids_for(request.user)
        if not self.value() or ids is None:
            return queryset
        proposed = queryset.filter(status=ReferralLink.Status.PROPOSED)
        if self.value() == "mij":
            return proposed.exclude(proposed_by_id__in=ids)
        return proposed.filter(proposed_by_id__in=ids)


@admin.register(ReferralLink)
class ReferralLinkAdmin(ScopedAdminMixin, DutchHistoryAdminMixin, SimpleHistoryAdmin):
    list_display = ["from_offer", "to_offer", "kind", "status", "proposed_by", "proposed_at"]
    list_filter = ["status", "kind", LinkSideFilter, WaitingFilter]
    list_select_related = ["from_offer__organisation", "to_offer__organisation", "proposed_by"]
    search_fields = ["from_offer__name", "to_offer__name", "note"]
    fields = [
        "from_offer",
        "to_offer",
        "kind",
        "status",
        "note",
        "proposed_by",
        "proposed_at",
        "confirmed_at",
        "ended_by",
        "ended_at",
    ]
    readonly_fields = fields
    change_form_template = "admin/paths/referrallink/change_form.html"

    # Scoping: a link belongs to the organisations of both its offers.

    def scope(self, request, queryset):
        ids = organisation_ids_for(request.user)
        if ids is None:
            return queryset
        return queryset.filter(
            Q(from_offer__organisation_id__in=ids) | Q(to_offer__organisation_id__in=ids)
        )

    def in_scope(self, request, obj) -> bool:
        ids = organisation_ids_for(request.user)
        if ids is None:
            return True
        try:
            sides = {obj.from_offer.organisation_id, obj.to_offer.organisation_id}
        except Offer.DoesNotExist:  # a historical record of a link whose offer is gone
            return False
        return bool(sides & ids)

    def get_prepopulated_fields(self, request, obj=None):
        return {}

    # Nobody edits a link; the add form proposes one, and only the municipality deletes.

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if can_manage_all(request.user):
            return super().has_delete_permission(request, obj)
        # A partner deletes no link by itself, but deleting its own offer takes the offer's
        # links with it (the admin asks this for every object the deletion cascades to).
        match = getattr(request, "resolver_match", None)
        return (
            obj is not None
            and match is not None
            and match.url_name in OFFER_DELETION_VIEWS
            and self.in_scope(request, obj)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change, **kwargs)
        form = LinkProposalForm

        class BoundToUser(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=request.user, **kw)

        return BoundToUser

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["own_offer", "direction", "other_offer", "kind", "note"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            link = services.link_propose(
                user=request.user,
                own_offer=data["own_offer"],
                other_offer=data["other_offer"],
                direction=data["direction"],
                kind=data["kind"],
                note=data.get("note", ""),
            )
        except ValidationError as error:  # a proposal at the same moment got there first
            raise PermissionDenied(" ".join(error.messages)) from error
        for field in ReferralLink._meta.concrete_fields:
            setattr(obj, field.attname, getattr(link, field.attname))

    def response_add(self, request, obj, post_url_continue=None):
        if obj.status == ReferralLink.Status.PROPOSED:
            self.message_user(
                request,
                "De verwijzing is voorgesteld. Ze staat op de kaart zodra de andere organisatie "
                "haar bevestigt.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                "De verwijzing tussen uw eigen aanbod is opgeslagen en bevestigd.",
                messages.SUCCESS,
            )
        return redirect(reverse("admin:paths_referrallink_change", args=[obj.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["can_confirm"] = services.can_confirm(request.user, obj)
            context["can_end"] = services.can_end(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Confirm and end.

    def get_urls(self):
        return [
            path(
                "<path:object_id>/bevestigen/",
                self.admin_site.admin_view(self.confirm_view),
                name="paths_referrallink_confirm",
            ),
            path(
                "<path:object_id>/beeindigen/",
                self.admin_site.admin_view(self.end_view),
                name="paths_referrallink_end",
            ),
            *super().get_urls(),
        ]

    def _act(self, request, object_id, service, done: str):
        link = self.get_object(request, object_id)  # 404 outside the user's organisations
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(CHANGE_LINKS):
            raise PermissionDenied
        try:
            service(user=request.user, link=link)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        target = request.POST.get("next")
        if target == "start":
            return redirect("admin:index")
        return redirect(reverse("admin:paths_referrallink_change", args=[link.pk]))

    def confirm_view(self, request, object_id):
        return self._act(
            request,
            object_id,
            services.link_confirm,
            "De verwijzing is bevestigd en staat nu op de kaart.",
        )

    def end_view(self, request, object_id):
        return self._act(
            request,
            object_id,
            services.link_end,
            "De verwijzing is beëindigd; ze staat niet meer op de kaart.",
        )


@admin.register(PoolEntry)
class PoolEntryAdmin(ScopedAdminMixin, DutchHistoryAdminMixin, SimpleHistoryAdmin):
    form = PoolEntryAdminForm
    organisation_lookup = "organisation_id"
    list_display = ["title", "organisation", "availability", "availability_unit", "listed"]
    list_filter = ["listed", "frameworks", "deployment_kinds", OwnOrganisationFilter]
    list_select_related = ["organisation"]
    search_fields = ["title", "description", "organisation__name"]
    filter_horizontal = ["frameworks", "violence_types", "phases", "deployment_kinds"]

    def get_prepopulated_fields(self, request, obj=None):
        return {}

    def get_list_filter(self, request):
        # The municipality filters on organisation with the plain lookup; a partner on its own.
        return self.list_filter

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            organisations = organisations_for(request.user)
            kwargs["queryset"] = organisations
            if not can_manage_all(request.user):
                own = list(organisations[:2])
                if len(own) == 1:
                    kwargs["initial"] = own[0].pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "violence_types":
            kwargs["queryset"] = ViolenceType.objects.select_related("framework")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.pool_entry_save(user=request.user, entry=obj, lists=form.lists())

    def save_related(self, request, form, formsets, change):
        # The lists were saved with the entry (services.pool_entry_save).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(DeploymentKind)
class DeploymentKindAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
