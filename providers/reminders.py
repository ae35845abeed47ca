"""Reminders to confirm the data: an e-mail to each organisation whose offers were not
confirmed for some months (`manage.py send_verification_reminders`).

One mail per organisation, to the e-mail addresses of its active member accounts, with a link
to the admin, whose start page confirms all offers in one click. An organisation is reminded
at most once per `interval_days`; a reminder is recorded only after its mail went out, so a
mail that fails is tried again on the next run. The log names organisations by id, never an
e-mail address.
"""

import contextlib
import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from providers.models import Membership, Offer, Organisation, VerificationReminder
from providers.verification import overdue_filter

logger = logging.getLogger(__name__)

DEFAULT_MONTHS = 6
DEFAULT_INTERVAL_DAYS = 30


@dataclass
class Reminder:
    organisation: Organisation
    # The organisation's offers not confirmed in the period, oldest confirmation first.
    offers: list[Offer]
    recipients: list[str]


@dataclass
class ReminderRun:
    due: list[Reminder] = field(default_factory=list)
    sent: list[Reminder] = field(default_factory=list)
    failed: list[Reminder] = field(default_factory=list)
    # Due, but no member account with an e-mail address to send to.
    without_recipients: list[Organisation] = field(default_factory=list)


def login_url() -> str:
    """The absolute address of the admin start page (SITE_URL plus /beheer/)."""
    return settings.SITE_URL.rstrip("/") + reverse("admin:index")


def reminders_due(
    *, months: int, interval_days: int, now: datetime.datetime | None = None
) -> tuple[list[Reminder], list[Organisation]]:
    """The reminders to send now, and the organisations that are due but have nobody to mail
    (three queries).

    Due: an organisation with an offer (not archived) that was never confirmed or not in the
    past `months` months, and not reminded in the past `interval_days` days.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    recently_reminded = VerificationReminder.objects.filter(
        sent_at__gt=now - datetime.timedelta(days=interval_days)
    ).values("organisation_id")
    offers = (
        Offer.objects.filter(overdue_filter(today, months))
        .exclude(status=Offer.Status.ARCHIVED)
        .exclude(organisation_id__in=recently_reminded)
        .select_related("organisation")
        .order_by("organisation__name", "last_verified", "name")
    )
    by_organisation: dict[int, tuple[Organisation, list[Offer]]] = {}
    for offer in offers:
        by_organisation.setdefault(offer.organisation_id, (offer.organisation, []))[1].append(offer)
    addresses: dict[int, list[str]] = {}
    memberships = (
        Membership.objects.filter(organisation_id__in=by_organisation, user__is_active=True)
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("organisation_id", "user__email")
    )
    for organisation_id, email in memberships:
        known = addresses.setdefault(organisation_id, [])
        if email.casefold() not in {address.casefold() for address in known}:
            known.append(email)
    due, without_recipients = [], []
    for organisation_id, (organisation, organisation_offers) in by_organisation.items():
        if organisation_id in addresses:
            due.append(Reminder(organisation, organisation_offers, addresses[organisation_id]))
        else:
            without_recipients.append(organisation)
    return due, without_recipients


def reminder_message(
    reminder: Reminder, *, months: int, interval_days: int, connection=None
) -> EmailMessage:
    context = {
        "organisation": reminder.organisation,
        "offers": reminder.offers,
        "months": months,
        "interval_days": interval_days,
        "login_url": login_url(),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("reminders/verification_subject.txt", context)
        body = render_to_string("reminders/verification_email.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=reminder.recipients,
        connection=connection,
    )


def send_reminders(
    *,
    months: int = DEFAULT_MONTHS,
    interval_days: int = DEFAULT_INTERVAL_DAYS,
    dry_run: bool = False,
    now: datetime.datetime | None = None,
) -> ReminderRun:
    """Send the reminders that are due (none with `dry_run`: then only say which)."""
    now = now or timezone.now()
    due, without_recipients = reminders_due(months=months, interval_days=interval_days, now=now)
    run = ReminderRun(due=due, without_recipients=without_recipients)
    for organisation in without_recipients:
        logger.warning(
            "verification reminder: no one to send to",
            extra={
                "event": "verification_reminder_no_recipients",
                "organisation_id": organisation.pk,
                "dry_run": dry_run,
            },
        )
    if dry_run or not due:
        return run
    connection = get_connection()
    for reminder in due:
        try:
            reminder_message(
                reminder, months=months, interval_days=interval_days, connection=connection
            ).send()
        # Any failure of the mail backend (SMTP refusals, network errors, a misconfigured
        # backend) leaves this organisation unrecorded, so that the next run tries again.
        except Exception as error:
            run.failed.append(reminder)
            # The error's class only: its text may hold the refused e-mail addresses.
            logger.error(
                "verification reminder failed",
                extra={
                    "event": "verification_reminder_failed",
                    "organisation_id": reminder.organisation.pk,
                    "error": type(error).__name__,
                },
            )
            continue
        VerificationReminder.objects.create(
            organisation=reminder.organisation,
            sent_at=now,
            recipient_count=len(reminder.recipients),
            offer_count=len(reminder.offers),
        )
        run.sent.append(reminder)
        logger.info(
            "verification reminder sent",
            extra={
                "event": "verification_reminder_sent",
                "organisation_id": reminder.organisation.pk,
                "recipients": len(reminder.recipients),
                "offers": len(reminder.offers),
            },
        )
    # A connection that failed to open may fail to close as well; the run's outcome stands.
    with contextlib.suppress(Exception):
        connection.close()
    return run
