"""`manage.py send_verification_reminders`: who gets mail, nobody twice in the interval, a dry
run sends nothing, and a failing mail backend loses nothing."""

import datetime
import logging
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.utils import formats, timezone, translation

from providers.models import Offer, VerificationReminder
from providers.verification import verification_cutoff
from sociale_kaart.logs import KeyValueFormatter
from tests.factories import MembershipFactory, OfferFactory, OrganisationFactory, UserFactory
from tests.partner_admin_support import make_municipal_user

COMMAND = "send_verification_reminders"


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything, naming the refused address as SMTP does."""

    def send_messages(self, messages):
        raise ConnectionRefusedError(f"refused {messages[0].to}")


def months_ago(months: int, days: int = 1) -> datetime.date:
    return verification_cutoff(timezone.localdate(), months) - datetime.timedelta(days=days)


def member(organisation, email, **kwargs):
    user = UserFactory(username=email or f"zonder-{organisation.slug}", email=email, **kwargs)
    MembershipFactory(user=user, organisation=organisation)
    return user


@pytest.fixture
def organisations(db, settings):
    settings.SITE_URL = "https://kaart.example.nl"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Due: confirmed 7 months ago, and one never; two members with an address.
    due = OrganisationFactory(name="Alfa Hulp", slug="alfa")
    OfferFactory(organisation=due, name="Alfa Training", slug="a1", last_verified=months_ago(6))
    OfferFactory(organisation=due, name="Alfa Groep", slug="a2", last_verified=None)
    OfferFactory(organisation=due, name="Alfa Vers", slug="a3", last_verified=timezone.localdate())
    member(due, "anna@alfa.example", password=None)
    member(due, "bert@alfa.example", password=None)
    member(due, "oud@alfa.example", password=None, is_active=False)
    member(due, "", password=None)
    # Confirmed recently.
    fresh = OrganisationFactory(name="Bravo Zorg", slug="bravo")
    OfferFactory(organisation=fresh, name="Bravo", slug="b1", last_verified=months_ago(6, days=-10))
    member(fresh, "info@bravo.example", password=None)
    # Due, but nobody to mail.
    nobody = OrganisationFactory(name="Charlie Leeg", slug="charlie")
    OfferFactory(organisation=nobody, name="Charlie", slug="c1", last_verified=None)
    # Only an archived offer: nothing for a referrer to miss.
    archived = OrganisationFactory(name="Delta Archief", slug="delta")
    OfferFactory(
        organisation=archived,
        name="Delta",
        slug="d1",
        last_verified=None,
        status=Offer.Status.ARCHIVED,
    )
    member(archived, "info@delta.example", password=None)
    return due


def run(*args) -> str:
    out = StringIO()
    call_command(COMMAND, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_each_due_organisation_gets_one_dutch_mail_with_a_link_to_log_in(organisations):
    output = run()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["anna@alfa.example", "bert@alfa.example"]
    assert message.subject == "Kloppen de gegevens van Alfa Hulp op de sociale kaart nog?"
    assert "zijn deze 2 aanbiedingen al 6 maanden of langer niet bevestigd" in message.body
    assert "- Alfa Groep (nog nooit bevestigd)" in message.body
    assert "- Alfa Training (laatst bevestigd op " in message.body
    assert "Alfa Vers" not in message.body
    assert "https://kaart.example.nl/beheer/" in message.body
    assert "Gegevens zijn nog juist" in message.body
    reminder = VerificationReminder.objects.get()
    assert reminder.organisation == organisations
    assert (reminder.recipient_count, reminder.offer_count) == (2, 2)
    assert "Verstuurd aan Alfa Hulp: 2 ontvangers, 2 aanbiedingen niet bevestigd" in output
    assert "1 herinnering verstuurd." in output


def test_nobody_gets_a_second_reminder_within_the_interval(organisations):
    run()
    assert len(mail.outbox) == 1
    output = run()
    assert len(mail.outbox) == 1
    assert "0 herinneringen verstuurd." in output
    assert VerificationReminder.objects.count() == 1

    # 29 days later still nothing; after 30 days the next one, if still not confirmed.
    VerificationReminder.objects.update(sent_at=timezone.now() - datetime.timedelta(days=29))
    run()
    assert len(mail.outbox) == 1
    VerificationReminder.objects.update(sent_at=timezone.now() - datetime.timedelta(days=31))
    run()
    assert len(mail.outbox) == 2
    assert VerificationReminder.objects.count() == 2
    # --days sets the interval.
    run("--days", "60")
    assert len(mail.outbox) == 2


def test_months_sets_the_period(organisations):
    Offer.objects.filter(slug="a2").update(last_verified=months_ago(6))
    run("--months", "12")
    assert mail.outbox == []
    run("--months", "6")
    assert len(mail.outbox) == 1


def test_a_confirmed_organisation_gets_no_reminder(organisations):
    Offer.objects.filter(organisation=organisations).update(last_verified=timezone.localdate())
    run()
    assert mail.outbox == []


def test_a_dry_run_lists_what_would_be_sent_and_sends_nothing(organisations):
    output = run("--dry-run")
    assert mail.outbox == []
    assert not VerificationReminder.objects.exists()
    assert "Zou versturen aan Alfa Hulp: 2 ontvangers, 2 aanbiedingen niet bevestigd" in output
    assert "Alfa Groep" in output
    assert "er is niets verstuurd" in output
    assert "@" not in output
    # The real run afterwards still sends.
    run()
    assert len(mail.outbox) == 1


def test_a_failing_backend_is_logged_and_retried_next_time(organisations, settings, caplog):
    settings.EMAIL_BACKEND = "tests.test_reminders.FailingBackend"
    caplog.set_level(logging.INFO)
    with pytest.raises(CommandError, match="1 herinnering niet verstuurd"):
        run()
    assert not VerificationReminder.objects.exists()
    lines = [KeyValueFormatter().format(record) for record in caplog.records]
    failed = [line for line in lines if "event=verification_reminder_failed" in line]
    assert len(failed) == 1
    assert f"organisation_id={organisations.pk}" in failed[0]
    assert "error=ConnectionRefusedError" in failed[0]
    assert not any("@" in line for line in lines)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run()
    assert len(mail.outbox) == 1
    assert VerificationReminder.objects.count() == 1


def test_organisations_without_an_address_are_logged_not_recorded(organisations, caplog):
    caplog.set_level(logging.INFO)
    run()
    lines = [KeyValueFormatter().format(record) for record in caplog.records]
    assert any("event=verification_reminder_no_recipients" in line for line in lines)
    assert not VerificationReminder.objects.filter(organisation__slug="charlie").exists()
    sent = [line for line in lines if "event=verification_reminder_sent" in line]
    assert sent == [sent[0]] and "recipients=2 offers=2" in sent[0]


def test_invalid_options_are_refused(organisations):
    with pytest.raises(CommandError):
        call_command(COMMAND, "--months", "0")
    with pytest.raises(CommandError):
        call_command(COMMAND, "--days", "nul")
    assert mail.outbox == []


def test_the_municipality_sees_the_reminder_on_its_start_page(client, organisations):
    run()
    client.force_login(make_municipal_user())
    content = client.get("/beheer/").content.decode()
    table = content[content.index('id="completeness-heading"') :]
    row = table[table.index("Alfa Hulp") :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    with translation.override("nl"):
        assert cells[-1] == formats.date_format(timezone.localdate(), "DATE_FORMAT")
