"""Referral links between offers, and the pool of experience experts.

A referral link says that one offer hands over to another ("hierna") in a kind of transition.
A link between two organisations is a proposal until the other organisation confirms it;
either side can end it. Ended links stay, with their history.

The pool lists what an organisation can deploy, never a person: there is no field for a
name, an e-mail address, a phone number or anything else about an experience expert
(tests/test_paths_pool.py checks the fields). Contact goes through the organisation.
"""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from frameworks.models import Framework, Phase, ViolenceType
from providers.models import Offer, Organisation, published_condition
from sociale_kaart.cache import VersionedQuerySet


class TransitionKind(models.TextChoices):
    NEXT_PHASE = "volgende-fase", "Naar de volgende fase"
    COMPULSORY_TO_VOLUNTARY = "verplicht-naar-vrijwillig", "Van verplicht naar vrijwillig kader"
    YOUTH_TO_ADULT = "jeugd-naar-volwassen", "Van jeugd naar volwassenen (18-23)"
    JUSTICE_TO_CARE = "straf-naar-zorg", "Van straf naar zorg"
    CARE_TO_JUSTICE = "zorg-naar-straf", "Van zorg naar straf"
    AFTERCARE = "nazorg", "Naar nazorg"


class ReferralLinkQuerySet(VersionedQuerySet):
    def public(self):
        """Confirmed links between two published offers: what the public site shows."""
        return self.filter(
            published_condition("from_offer__"),
            published_condition("to_offer__"),
            status=ReferralLink.Status.CONFIRMED,
        )

    def filter_by_offer(self, offer):
        """Links on either side of `offer`."""
        return self.filter(Q(from_offer=offer) | Q(to_offer=offer))

    def filter_by_offers(self, offers):
        """Links with either side among `offers` (a queryset of offers or their ids)."""
        return self.filter(Q(from_offer__in=offers) | Q(to_offer__in=offers))

    def active(self):
        """Links that count for duplicates and cycles: proposed or confirmed."""
        return self.exclude(status=ReferralLink.Status.ENDED)


class ReferralLink(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "voorgesteld", "Voorgesteld (wacht op bevestiging)"
        CONFIRMED = "bevestigd", "Bevestigd"
        ENDED = "beeindigd", "Beëindigd"

    from_offer = models.ForeignKey(
        Offer,
        on_delete=models.CASCADE,
        related_name="onward_links",
        verbose_name="van aanbod",
        help_text="Het aanbod dat doorverwijst of overdraagt.",
    )
    to_offer = models.ForeignKey(
        Offer,
        on_delete=models.CASCADE,
        related_name="incoming_links",
        verbose_name="naar aanbod",
        help_text="Het aanbod dat overneemt.",
    )
    kind = models.CharField("soort overgang", max_length=30, choices=TransitionKind.choices)
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    proposed_by = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="proposed_referral_links",
        verbose_name="voorgesteld door",
    )
    note = models.CharField(
        "toelichting",
        max_length=300,
        blank=True,
        help_text="Bijvoorbeeld hoe de overdracht gaat. Noem geen namen van personen.",
    )
    proposed_at = models.DateTimeField("voorgesteld op", auto_now_add=True)
    confirmed_at = models.DateTimeField("bevestigd op", null=True, blank=True)
    ended_at = models.DateTimeField("beëindigd op", null=True, blank=True)
    ended_by = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ended_referral_links",
        verbose_name="beëindigd door",
    )
    history = HistoricalRecords()

    objects = ReferralLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "pk"]
        verbose_name = "verwijzing"
        verbose_name_plural = "verwijzingen"
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_offer=models.F("to_offer")), name="referral_link_not_to_itself"
            ),
            models.UniqueConstraint(
                fields=["from_offer", "to_offer", "kind"],
                condition=~Q(status="beeindigd"),
                name="referral_link_unique_active",
            ),
        ]
        indexes = [
            models.Index(fields=["to_offer", "status"], name="referral_link_to_status_idx"),
            models.Index(fields=["from_offer", "status"], name="referral_link_from_status_idx"),
        ]

    def __str__(self):
        return f"{self.from_offer_id} → {self.to_offer_id} ({self.get_kind_display()})"


class DeploymentKind(models.Model):
    """A kind of deployment of experience experts the 2023 report names (motivating a
    perpetrator, training professionals, ...); the list is seeded by a migration."""

    slug = models.SlugField("slug", unique=True)
    name = models.CharField("naam", max_length=150, unique=True)
    order = models.PositiveSmallIntegerField("volgorde", default=0)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "soort inzet"
        verbose_name_plural = "soorten inzet"

    def __str__(self):
        return self.name


class PoolEntryQuerySet(VersionedQuerySet):
    def listed(self):
        """Entries shown on the public pool page and in the open data."""
        return self.filter(listed=True)


class PoolEntry(models.Model):
    """What an organisation can deploy of experience experts: never who."""

    class Unit(models.TextChoices):
        PEOPLE = "personen", "personen"
        HOURS_PER_MONTH = "uren-per-maand", "uur per maand"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="pool_entries",
        verbose_name="organisatie",
    )
    title = models.CharField(
        "omschrijving in het kort",
        max_length=200,
        help_text="Bijvoorbeeld 'Ervaringsdeskundigen in de motivatiefase'. Geen namen.",
    )
    frameworks = models.ManyToManyField(Framework, verbose_name="analysekaders")
    violence_types = models.ManyToManyField(
        ViolenceType,
        blank=True,
        verbose_name="geweldsvormen",
        help_text="Leeg: nog niet bekend.",
    )
    phases = models.ManyToManyField(
        Phase, blank=True, verbose_name="fasen", help_text="Leeg: nog niet bekend."
    )
    deployment_kinds = models.ManyToManyField(
        DeploymentKind,
        blank=True,
        verbose_name="soorten inzet",
        help_text="Leeg: nog niet bekend.",
    )
    # Not a PositiveIntegerField: zero and negative numbers get their own Dutch message.
    availability = models.IntegerField(
        "beschikbaarheid", help_text="Hoeveel personen of uren per maand er in te zetten zijn."
    )
    availability_unit = models.CharField(
        "eenheid", max_length=20, choices=Unit.choices, default=Unit.PEOPLE
    )
    description = models.TextField(
        "toelichting",
        blank=True,
        help_text="Wat de inzet inhoudt en hoe u die aanvraagt. Noem geen namen of andere "
        "persoonsgegevens van ervaringsdeskundigen: contact loopt via de organisatie.",
    )
    listed = models.BooleanField(
        "tonen op de kaart", default=True, help_text="Uit: alleen zichtbaar in het beheer."
    )
    created_at = models.DateTimeField("aangemaakt op", auto_now_add=True)
    updated_at = models.DateTimeField("gewijzigd op", auto_now=True)
    # The entry's own fields; its lists are not versioned (one record per save, not five).
    history = HistoricalRecords()

    objects = PoolEntryQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "title", "pk"]
        verbose_name = "inzet van ervaringsdeskundigen"
        verbose_name_plural = "pool van ervaringsdeskundigen"
        constraints = [
            models.CheckConstraint(
                condition=Q(availability__gt=0), name="pool_entry_availability_positive"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.organisation.name})"
