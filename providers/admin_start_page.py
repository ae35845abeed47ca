"""The admin start page's own addresses, on the organisation admin: a partner confirms all
offers of one organisation at once ("Gegevens zijn nog juist"), the municipality downloads
the completeness of every organisation, and sees when each was last reminded."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils import formats, timezone

from providers import services
from providers.admin_scoping import can_manage_all
from providers.completeness import (
    XLSX_CONTENT_TYPE,
    completeness_workbook,
    organisations_completeness,
    parse_sort,
    sort_rows,
)
from providers.models import VerificationReminder

CHANGE_OFFERS = "providers.change_offer"


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


class OrganisationStartPageMixin:
    """For the OrganisationAdmin (a ScopedAdminMixin): its object lookups answer 404 for an
    organisation outside the user's scope."""

    def get_urls(self):
        urls = [
            path(
                "volledigheid.xlsx",
                self.admin_site.admin_view(self.completeness_export_view),
                name="providers_organisation_completeness_export",
            ),
            path(
                "<path:object_id>/bevestigen/",
                self.admin_site.admin_view(self.confirm_offers_view),
                name="providers_organisation_confirm",
            ),
        ]
        return urls + super().get_urls()

    def confirm_offers_view(self, request, object_id):
        """POST: the user confirms that all offers of this organisation are still correct."""
        organisation = self.get_object(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(CHANGE_OFFERS):
            raise PermissionDenied
        count = services.organisation_confirm_offers(organisation=organisation, user=request.user)
        if count:
            today = formats.date_format(timezone.localdate(), "DATE_FORMAT")
            self.message_user(
                request,
                f"Bedankt. De gegevens van {organisation.name} zijn bevestigd: "
                f"{_count(count, 'aanbieding', 'aanbiedingen')} met de datum {today}.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                f"{organisation.name} heeft nog geen aanbod om te bevestigen.",
                messages.INFO,
            )
        return redirect("admin:index")

    def completeness_export_view(self, request):
        """The municipality's overview of every organisation as an Excel file."""
        if not can_manage_all(request.user):
            raise PermissionDenied
        key, descending = parse_sort(request.GET.get("sorteer"))
        rows = sort_rows(organisations_completeness(), key, descending)
        response = HttpResponse(completeness_workbook(rows), content_type=XLSX_CONTENT_TYPE)
        filename = f"volledigheid-organisaties-{timezone.localdate():%Y-%m-%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    # When each organisation was last reminded to confirm its offers (the municipality's).

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if can_manage_all(request.user):
            latest = VerificationReminder.objects.filter(organisation=OuterRef("pk")).order_by(
                "-sent_at"
            )
            queryset = queryset.annotate(last_reminded=Subquery(latest.values("sent_at")[:1]))
        return queryset

    @admin.display(description="laatst herinnerd", ordering="last_reminded")
    def last_reminded_on(self, organisation):
        value = getattr(organisation, "last_reminded", None)
        if value is None:
            return "nooit"
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")

    def get_list_display(self, request):
        fields = list(super().get_list_display(request))
        if can_manage_all(request.user):
            fields.append("last_reminded_on")
        return fields

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and can_manage_all(request.user):
            fields.append("last_reminded_on")
        return fields
