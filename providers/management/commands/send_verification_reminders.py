"""E-mail the organisations whose offers were not confirmed for some months (run daily from
cron or a systemd timer; see the README)."""

import argparse

from django.core.management.base import BaseCommand, CommandError

from providers.reminders import DEFAULT_INTERVAL_DAYS, DEFAULT_MONTHS, send_reminders


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"geen geheel getal groter dan 0: {value!r}")
    return number


def reminders(count: int) -> str:
    return f"{count} herinnering{'' if count == 1 else 'en'}"


class Command(BaseCommand):
    help = (
        "Stuur een herinnering aan elke organisatie met aanbod dat al maanden niet is "
        "bevestigd, naar de e-mailadressen van haar accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=positive_int,
            default=DEFAULT_MONTHS,
            help=f"Aanbod dat zo veel maanden niet is bevestigd (standaard {DEFAULT_MONTHS}).",
        )
        parser.add_argument(
            "--days",
            type=positive_int,
            default=DEFAULT_INTERVAL_DAYS,
            help="Hooguit één herinnering per organisatie in zo veel dagen "
            f"(standaard {DEFAULT_INTERVAL_DAYS}).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Toon wat er verstuurd zou worden; verstuur niets en onthoud niets.",
        )

    def handle(self, *args, months, days, dry_run, **options):
        run = send_reminders(months=months, interval_days=days, dry_run=dry_run)
        for reminder in run.due:
            offers = ", ".join(offer.name for offer in reminder.offers)
            line = (
                f"{reminder.organisation.name}: {len(reminder.recipients)} "
                f"ontvanger{'s' if len(reminder.recipients) != 1 else ''}, "
                f"{len(reminder.offers)} aanbieding{'' if len(reminder.offers) == 1 else 'en'} "
                f"niet bevestigd ({offers})"
            )
            if dry_run:
                self.stdout.write(f"Zou versturen aan {line}")
            elif reminder in run.sent:
                self.stdout.write(f"Verstuurd aan {line}")
            else:
                self.stderr.write(self.style.ERROR(f"Niet verstuurd aan {line}"))
        for organisation in run.without_recipients:
            self.stderr.write(
                self.style.WARNING(
                    f"{organisation.name}: geen account met een e-mailadres; geen herinnering."
                )
            )
        if dry_run:
            self.stdout.write(
                f"Proefrun: er is niets verstuurd (zonder --dry-run: {reminders(len(run.due))})."
            )
            return
        self.stdout.write(f"{reminders(len(run.sent))} verstuurd.")
        if run.failed:
            raise CommandError(
                f"{reminders(len(run.failed))} niet verstuurd (zie het logboek); "
                "de volgende run probeert het opnieuw."
            )
