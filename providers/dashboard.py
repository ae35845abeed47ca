"""What the admin start page shows: freshness of the entries and recent changes.

Every function runs a fixed number of queries, whatever the amount of data.
"""

import datetime
from dataclasses import dataclass
from heapq import merge

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from providers.admin_scoping import organisations_for
from providers.models import Offer, Organisation, Position
from providers.verification import is_overdue, overdue_filter


@dataclass
class OfferFreshness:
    offer: Offer
    overdue: bool


def offers_to_verify(user) -> list[OfferFreshness]:
    """The user's own offers, the least recently verified first (one query)."""
    today = timezone.localdate()
    offers = (
        Offer.objects.filter(organisation__in=organisations_for(user))
        .select_related("organisation")
        .order_by(F("last_verified").asc(nulls_first=True), "organisation__name", "name")
    )
    return [OfferFreshness(offer=offer, overdue=is_overdue(offer, today)) for offer in offers]


def overdue_offers(limit: int = 25) -> tuple[int, list[Offer]]:
    """All offers not verified in 12 months: how many, and the `limit` oldest (two queries)."""
    overdue = Offer.objects.filter(overdue_filter()).exclude(status=Offer.Status.ARCHIVED)
    count = overdue.count()
    oldest = list(
        overdue.select_related("organisation").order_by(
            F("last_verified").asc(nulls_first=True), "organisation__name", "name"
        )[:limit]
    )
    return count, oldest


ACTIONS = {"+": "toegevoegd", "~": "gewijzigd", "-": "verwijderd"}


@dataclass
class Change:
    when: datetime.datetime
    who: str
    kind: str
    action: str
    description: str
    url: str | None


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "systeem"  # e.g. the baseline loaded by a management command
    return user.get_full_name() or user.get_username()


def _admin_url(record, name: str, object_id) -> str | None:
    if record.history_type == "-":
        return None
    return reverse(f"admin:providers_{name}_change", args=[object_id])


def _named_changes(model, kind: str, limit: int) -> list[Change]:
    """The latest `limit` changes to a model whose records carry a name (one query)."""
    records = model.history.select_related("history_user").order_by("-history_date")[:limit]
    return [
        Change(
            when=record.history_date,
            who=_who(record),
            kind=kind,
            action=ACTIONS[record.history_type],
            description=record.name,
            url=_admin_url(record, model._meta.model_name, record.id),
        )
        for record in records
    ]


def recent_changes(limit: int = 20) -> list[Change]:
    """The latest changes to organisations, offers and positions, newest first (four queries)."""
    organisations = _named_changes(Organisation, "Organisatie", limit)
    offers = _named_changes(Offer, "Aanbod", limit)
    position_records = list(
        Position.history.select_related("history_user", "phase", "violence_type").order_by(
            "-history_date"
        )[:limit]
    )
    offer_names = dict(
        Offer.objects.filter(pk__in={r.offer_id for r in position_records}).values_list(
            "pk", "name"
        )
    )
    positions = [
        Change(
            when=record.history_date,
            who=_who(record),
            kind="Positie",
            action=ACTIONS[record.history_type],
            description=f"{offer_names.get(record.offer_id, 'verwijderd aanbod')}: "
            f"{record.phase.name} – {record.violence_type.name}",
            url=reverse("admin:providers_offer_change", args=[record.offer_id])
            if record.offer_id in offer_names
            else None,
        )
        for record in position_records
    ]
    newest_first = merge(organisations, offers, positions, key=lambda c: c.when, reverse=True)
    return list(newest_first)[:limit]
