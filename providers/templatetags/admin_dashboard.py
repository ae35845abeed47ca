"""The admin start page: a partner's offers with their freshness; for the municipality, the
recent changes across all organisations and the entries not verified in 12 months."""

from django import template

from providers import dashboard
from providers.admin_scoping import can_manage_all
from providers.verification import VERIFICATION_MONTHS

register = template.Library()


@register.inclusion_tag("admin/includes/dashboard.html", takes_context=True)
def admin_dashboard(context):
    user = context["request"].user
    if can_manage_all(user):
        overdue_count, overdue = dashboard.overdue_offers()
        return {
            "municipality": True,
            "recent_changes": dashboard.recent_changes(),
            "overdue_count": overdue_count,
            "overdue": overdue,
            "months": VERIFICATION_MONTHS,
        }
    offers = dashboard.offers_to_verify(user)
    return {
        "municipality": False,
        "own_offers": offers,
        "own_overdue_count": sum(item.overdue for item in offers),
        "months": VERIFICATION_MONTHS,
    }
