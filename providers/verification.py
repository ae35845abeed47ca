"""When an offer counts as verified: its organisation confirmed it in the last 12 months.

One rule for the public offer page and API, the admin's list and filter, and its start page.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

VERIFICATION_MONTHS = 12


def verification_cutoff(
    today: datetime.date | None = None, months: int = VERIFICATION_MONTHS
) -> datetime.date:
    """Entries last verified before this date were not verified in the past `months` months
    (12 unless told; the reminders use their own period)."""
    today = today or timezone.localdate()
    year, month = divmod(today.month - 1 - months, 12)
    year, month = today.year + year, month + 1
    for day in (today.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def overdue_filter(today: datetime.date | None = None, months: int = VERIFICATION_MONTHS) -> Q:
    cutoff = verification_cutoff(today, months)
    return Q(last_verified__isnull=True) | Q(last_verified__lt=cutoff)


def is_overdue(offer, today: datetime.date | None = None) -> bool:
    """True when the organisation never confirmed the entry, or over 12 months ago."""
    return offer.last_verified is None or offer.last_verified < verification_cutoff(today)
