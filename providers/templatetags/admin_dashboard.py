"""The admin start page. A partner: per organisation what a referrer would miss in each offer,
with links to the fields, and one button to confirm all offers. The municipality: the
completeness of every organisation (sortable, to Excel), the organisations that never logged
in, the recent changes (a bulk load as one) and the entries not verified in 12 months."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from providers import dashboard
from providers.admin_scoping import can_manage_all
from providers.completeness import PARTS, SORTS, organisations_completeness, parse_sort, sort_rows
from providers.verification import VERIFICATION_MONTHS

register = template.Library()

SORT_PARAMETER = "sorteer"


def _sort_columns(key: str, descending: bool) -> list[dict]:
    """The overview's sortable column headers: label, link and aria-sort."""
    columns = []
    for name, (label, _) in SORTS.items():
        active = name == key
        # A first click sorts ascending; on the sorted column it reverses the order.
        value = f"-{name}" if active and not descending else name
        columns.append(
            {
                "label": label,
                "url": "?" + urlencode({SORT_PARAMETER: value}),
                "sort": ("descending" if descending else "ascending") if active else None,
            }
        )
    return columns


@register.inclusion_tag("admin/includes/dashboard.html", takes_context=True)
def admin_dashboard(context):
    request = context["request"]
    user = request.user
    if can_manage_all(user):
        overdue_count, overdue = dashboard.overdue_offers()
        key, descending = parse_sort(request.GET.get(SORT_PARAMETER))
        rows = organisations_completeness()
        sort_value = f"-{key}" if descending else key
        return {
            "municipality": True,
            "organisations": sort_rows(rows, key, descending),
            "never_logged_in": [row for row in rows if row.never_logged_in],
            "sort_columns": _sort_columns(key, descending),
            "export_url": reverse("admin:providers_organisation_completeness_export")
            + "?"
            + urlencode({SORT_PARAMETER: sort_value}),
            "part_count": len(PARTS),
            "recent_changes": dashboard.recent_changes(),
            "overdue_count": overdue_count,
            "overdue": overdue,
            "months": VERIFICATION_MONTHS,
        }
    return {
        "municipality": False,
        "own_organisations": dashboard.partner_checklists(user),
        "parts": PARTS,
        "months": VERIFICATION_MONTHS,
        "csrf_token": context.get("csrf_token"),
    }
