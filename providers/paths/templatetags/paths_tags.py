"""Template tags that put the paths on pages of the layers below without those importing this
app: "Hiervoor" and "Hierna" on the offer page, the proposals waiting for the partner on the
admin start page, and the peer groups per framework on the home page."""

from django import template
from django.db.models import Count, Q

from frameworks.models import Framework
from providers.admin_scoping import organisation_ids_for
from providers.models import published_condition
from providers.paths.models import ReferralLink
from providers.paths.selectors import offer_neighbours

register = template.Library()


@register.inclusion_tag("paths/includes/offer_paths.html")
def offer_paths(offer):
    """The offers before and after `offer` over confirmed links (one query)."""
    before, after = offer_neighbours(offer)
    return {"before": before, "after": after}


@register.inclusion_tag("paths/includes/pending_proposals.html", takes_context=True)
def pending_link_proposals(context):
    """For a partner: the links other organisations proposed to it, to confirm or decline,
    and its own proposals still waiting. The municipality sees how many wait in all."""
    user = context["request"].user
    ids = organisation_ids_for(user)
    proposed = ReferralLink.objects.filter(status=ReferralLink.Status.PROPOSED)
    if ids is None:
        return {"municipality": True, "waiting_count": proposed.count()}
    mine = proposed.filter(
        Q(from_offer__organisation_id__in=ids) | Q(to_offer__organisation_id__in=ids)
    ).select_related("from_offer__organisation", "to_offer__organisation", "proposed_by")
    to_confirm, waiting = [], []
    for link in mine:
        (waiting if link.proposed_by_id in ids else to_confirm).append(link)
    # A partner of both organisations proposed it and may confirm it too.
    to_confirm += [
        link
        for link in waiting
        if {link.from_offer.organisation_id, link.to_offer.organisation_id} <= ids
    ]
    return {
        "municipality": False,
        "to_confirm": to_confirm,
        "waiting": [link for link in waiting if link not in to_confirm],
    }


@register.inclusion_tag("paths/includes/peer_groups_line.html")
def peer_groups_line():
    """How many published offers per framework offer a peer group (one query)."""
    frameworks = Framework.objects.order_by("order").annotate(
        peer_groups=Count(
            "violence_types__positions__offer",
            filter=published_condition("violence_types__positions__offer__")
            & Q(violence_types__positions__offer__offers_peer_group=True),
            distinct=True,
        )
    )
    return {"frameworks": list(frameworks)}


@register.simple_tag
def break_offers_of(offers_by_kind, kind):
    """The offers of one kind of break (templates cannot index a dict by a variable)."""
    return offers_by_kind.get(kind, [])


@register.simple_tag
def break_total(offers_by_kind) -> int:
    return sum(len(offers) for offers in offers_by_kind.values())
