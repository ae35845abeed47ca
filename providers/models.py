"""Organisations, their offers, the cells those offers cover, and who may edit them."""

from uuid import uuid4

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.query import ModelIterable
from django.urls import reverse
from simple_history.models import HistoricalRecords

from frameworks.models import Phase, ViolenceType
from providers.reference_lists import attach_positions, attach_reference_lists
from sociale_kaart.cache import VersionedQuerySet
from sociale_kaart.text import CleanShortTextsMixin


class ReferenceItem(CleanShortTextsMixin, models.Model):
    """A maintained list entry (method, funding, municipality...), addressed by slug."""

    slug = models.SlugField("slug", unique=True)
    name = models.CharField("naam", max_length=150, unique=True)
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    # A stable identifier for open data (the HSDS API): never changes, unlike the slug.
    uuid = models.UUIDField("vaste id", default=uuid4, unique=True, editable=False)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class TargetGroup(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = "doelgroep"
        verbose_name_plural = "doelgroepen"


class AgeGroup(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = "leeftijdsgroep"
        verbose_name_plural = "leeftijdsgroepen"


class LegalFramework(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = "juridisch kader"
        verbose_name_plural = "juridische kaders"


class Method(ReferenceItem):
    description = models.TextField("omschrijving", blank=True)

    class Meta(ReferenceItem.Meta):
        verbose_name = "methode"
        verbose_name_plural = "methoden"


class Funding(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = "financiering"
        verbose_name_plural = "financieringen"


class TreatmentFactor(ReferenceItem):
    code = models.CharField("code", max_length=2, blank=True)

    class Meta(ReferenceItem.Meta):
        verbose_name = "bejegeningsfactor"
        verbose_name_plural = "bejegeningsfactoren"


class Municipality(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = "gemeente"
        verbose_name_plural = "gemeenten"


class Source(models.TextChoices):
    INVENTORY_2023 = "inventarisatie-2023", "Inventarisatie 2023"
    PARTNER = "partner", "Ingevoerd door partner"
    DEMO = "demo", "Demonstratiegegevens"


class Organisation(CleanShortTextsMixin, models.Model):
    class Role(models.TextChoices):
        PROVIDER = "aanbieder", "Aanbieder"
        REFERRER = "verwijzer", "Verwijzer"
        BOTH = "beide", "Aanbieder en verwijzer"

    name = models.CharField("naam", max_length=200, unique=True)
    slug = models.SlugField("slug", max_length=200, unique=True)
    # A stable identifier for open data (the HSDS API): never changes, unlike the slug.
    uuid = models.UUIDField("vaste id", default=uuid4, unique=True, editable=False)
    role = models.CharField(
        "rol",
        max_length=20,
        choices=Role.choices,
        db_index=True,
        help_text="Aanbieder: biedt zelf hulp aan plegers. Verwijzer: verwijst plegers naar "
        "hulp. Aanbieder en verwijzer: doet allebei.",
    )
    description = models.TextField("omschrijving", blank=True)
    website = models.URLField("website", blank=True)
    phone = models.CharField("telefoon", max_length=50, blank=True)
    email = models.EmailField("e-mail", blank=True)
    report_labels = models.CharField(
        "namen in het rapport",
        max_length=300,
        blank=True,
        help_text="De namen die het rapport van 2023 voor deze organisatie gebruikte, "
        "gescheiden door komma's.",
    )
    members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="partnerships",
        verbose_name="deelnemende organisaties",
        help_text="Alleen voor samenwerkingsverbanden zoals Switch.",
    )
    source = models.CharField(
        "herkomst", max_length=30, choices=Source.choices, default=Source.PARTNER
    )
    # Optimistic locking: every save raises it by one (see providers/services.py).
    version = models.PositiveIntegerField("versie", default=1, editable=False)
    created_at = models.DateTimeField("aangemaakt op", auto_now_add=True)
    updated_at = models.DateTimeField("gewijzigd op", auto_now=True)
    history = HistoricalRecords(m2m_fields=[members], excluded_fields=["version", "uuid"])

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "organisatie"
        verbose_name_plural = "organisaties"
        indexes = [
            models.Index(fields=["updated_at"], name="organisation_updated_at_idx"),
            models.Index(fields=["source"], name="organisation_source_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("providers:organisation-detail", kwargs={"slug": self.slug})

    def saved_change_hides_data(self, *, created: bool) -> bool:
        """An organisation holds nothing confidential: a save hides nothing that pages
        showed (sociale_kaart.cache serves the previous page while the new one is made)."""
        return False

    @property
    def labels(self) -> list[str]:
        return [label.strip() for label in self.report_labels.split(",") if label.strip()]


class OfferListsRecord(models.Model):
    """What an offer's historical records add: its maintained lists as they stood after that
    save (providers/history.py records them; None where they were not recorded, as by bulk
    writes)."""

    history_lists = models.JSONField("lijsten", null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class OfferQuerySet(VersionedQuerySet):
    _with_reference_lists = False
    _with_positions = False
    # Confirming offers in bulk hides nothing (see VersionedQuerySet).
    safe_update_fields = frozenset({"version", "last_verified"})

    def with_reference_lists(self):
        """Load the maintained lists (target groups, methods, ...) of the offers in one query
        (providers.reference_lists) when the queryset is evaluated."""
        clone = self._chain()
        clone._with_reference_lists = True
        return clone

    def with_positions(self):
        """Load the positions of the offers, with their phases and violence types, in one query
        (providers.reference_lists) when the queryset is evaluated."""
        clone = self._chain()
        clone._with_positions = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._with_reference_lists = self._with_reference_lists
        clone._with_positions = self._with_positions
        return clone

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if not fresh or not issubclass(self._iterable_class, ModelIterable):
            return
        if self._with_positions:
            attach_positions(self._result_cache)
        if self._with_reference_lists:
            attach_reference_lists(self._result_cache)

    def published(self):
        return self.filter(published_condition())


# Offer columns that only the database writes (the search's stored words); no history, form or
# export shows them.
SEARCH_FIELDS = ("search_text", "search_vector")


class Offer(CleanShortTextsMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "concept", "Concept"
        PUBLISHED = "gepubliceerd", "Gepubliceerd"
        ARCHIVED = "gearchiveerd", "Gearchiveerd"

    class Duration(models.TextChoices):
        AS_LONG_AS_NEEDED = "zolang-nodig", "Zo lang als nodig"
        FIXED_TERM = "vaste-termijn", "Vaste termijn"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="offers", verbose_name="organisatie"
    )
    name = models.CharField("naam", max_length=200)
    slug = models.SlugField("slug", max_length=200, unique=True)
    # A stable identifier for open data (the HSDS API): never changes, unlike the slug.
    uuid = models.UUIDField("vaste id", default=uuid4, unique=True, editable=False)
    description = models.TextField("omschrijving", blank=True)
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    source = models.CharField(
        "herkomst", max_length=30, choices=Source.choices, default=Source.PARTNER
    )

    # Who it is for (HSDS: eligibility).
    target_groups = models.ManyToManyField(TargetGroup, blank=True, verbose_name="doelgroepen")
    age_groups = models.ManyToManyField(AgeGroup, blank=True, verbose_name="leeftijdsgroepen")
    minimum_age = models.PositiveSmallIntegerField(
        "minimumleeftijd", null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    maximum_age = models.PositiveSmallIntegerField(
        "maximumleeftijd", null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    eligibility_description = models.TextField("voor wie", blank=True)
    legal_frameworks = models.ManyToManyField(
        LegalFramework, blank=True, verbose_name="juridisch kader"
    )

    # How it works.
    methods = models.ManyToManyField(Method, blank=True, verbose_name="methoden")
    treatment_factors = models.ManyToManyField(
        TreatmentFactor, blank=True, verbose_name="bejegeningsfactoren"
    )
    works_with_experience_experts = models.BooleanField(
        "werkt met ervaringsdeskundigen", null=True, blank=True
    )
    offers_peer_group = models.BooleanField("biedt lotgenotengroep", null=True, blank=True)
    duration = models.CharField("duur", max_length=20, choices=Duration.choices, blank=True)
    duration_description = models.CharField("toelichting duur", max_length=300, blank=True)
    fundings = models.ManyToManyField(Funding, blank=True, verbose_name="financiering")

    # Capacity and access.
    capacity_per_year = models.PositiveIntegerField("capaciteit per jaar", null=True, blank=True)
    current_occupancy = models.PositiveIntegerField("huidige bezetting", null=True, blank=True)
    capacity_updated_on = models.DateField("capaciteit bijgewerkt op", null=True, blank=True)
    waiting_weeks = models.PositiveSmallIntegerField(
        "wachttijd in weken", null=True, blank=True, validators=[MinValueValidator(0)]
    )
    self_referral = models.BooleanField(
        "zelf aanmelden mogelijk (zonder huisarts)", null=True, blank=True
    )
    application_process = models.TextField("verwijsroute / aanmelden", blank=True)

    # Where and whom to call.
    municipalities = models.ManyToManyField(
        Municipality, blank=True, verbose_name="werkgebied (gemeenten)"
    )
    contact_name = models.CharField("contactpersoon", max_length=200, blank=True)
    phone = models.CharField("telefoon", max_length=50, blank=True)
    email = models.EmailField("e-mail", blank=True)
    website = models.URLField("website", blank=True)
    address = models.CharField("adres", max_length=200, blank=True)
    postal_code = models.CharField("postcode", max_length=10, blank=True)
    city = models.CharField("plaats", max_length=100, blank=True)
    address_confidential = models.BooleanField(
        "geheim adres",
        default=False,
        help_text="Een geheim adres (bijvoorbeeld van een opvang) wordt nooit openbaar getoond "
        "of geëxporteerd; alleen de gemeente ziet het.",
    )

    last_verified = models.DateField(
        "laatst gecontroleerd",
        null=True,
        blank=True,
        help_text="Wanneer de organisatie de gegevens voor het laatst heeft bevestigd.",
    )
    # Optimistic locking: every save raises it by one (see providers/services.py).
    version = models.PositiveIntegerField("versie", default=1, editable=False)
    created_at = models.DateTimeField("aangemaakt op", auto_now_add=True)
    updated_at = models.DateTimeField("gewijzigd op", auto_now=True)
    # The free-text search's stored words of the offer and its organisation (providers/search.py).
    # On PostgreSQL the database keeps both current on every write (triggers of migration
    # 0010_search_vector); whatever a save sends for them is overwritten. Empty on SQLite.
    search_text = models.TextField("zoektekst", blank=True, default="", editable=False)
    search_vector = SearchVectorField("zoekvector", null=True, editable=False)

    objects = OfferQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["version", "uuid", *SEARCH_FIELDS], bases=[OfferListsRecord]
    )

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = "aanbod"
        verbose_name_plural = "aanbod"
        permissions = [
            ("manage_all_organisations", "Mag het aanbod van alle organisaties beheren"),
        ]
        indexes = [
            models.Index(fields=["status", "organisation"], name="offer_status_org_idx"),
            # The municipality's lists: recent changes, entries not verified for a year.
            models.Index(fields=["updated_at"], name="offer_updated_at_idx"),
            models.Index(fields=["last_verified"], name="offer_last_verified_idx"),
            models.Index(fields=["source"], name="offer_source_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation.name})"

    def get_absolute_url(self):
        return reverse("providers:offer-detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        offer = super().from_db(db, field_names, values)
        offer._saved_visibility = offer._visibility()
        return offer

    def _visibility(self):
        """(published, address public) as far as loaded; None for a field not loaded."""
        status = self.__dict__.get("status")
        confidential = self.__dict__.get("address_confidential")
        return (
            None if status is None else status == self.Status.PUBLISHED,
            None if confidential is None else not confidential,
        )

    def saved_change_hides_data(self, *, created: bool) -> bool:
        """Whether the save just made may hide what public pages showed: it unpublished or
        archived the offer, or made its address confidential; when the state before is not
        known, it may (sociale_kaart.cache never serves an earlier page after such a save).
        Remembers the saved state for the next save of this instance."""
        before = (False, False) if created else getattr(self, "_saved_visibility", (None, None))
        self._saved_visibility = after = self._visibility()
        return any(
            was is not False and now is not True for was, now in zip(before, after, strict=True)
        )

    def clean(self):
        errors = {}
        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.minimum_age > self.maximum_age
        ):
            errors["maximum_age"] = "De maximumleeftijd mag niet lager zijn dan de minimumleeftijd."
        if (
            self.capacity_per_year is not None
            and self.current_occupancy is not None
            and self.current_occupancy > self.capacity_per_year
        ):
            errors["capacity_per_year"] = (
                "De capaciteit per jaar mag niet lager zijn dan de huidige bezetting."
            )
        if errors:
            raise ValidationError(errors)


def published_condition(through: str = "") -> models.Q:
    """The one definition of a published offer: the condition on an offer, or on the offer
    reached through `through` (e.g. "offer__" from a position, "offers__" from an
    organisation). `OfferQuerySet.published()` applies it."""
    return models.Q(**{f"{through}status": Offer.Status.PUBLISHED})


# The fields of an offer's record that partners fill in (who it is for, how it works, capacity
# and access, whom to call), in the order of the form; the admin form and the spreadsheet
# import/export both list them.
OFFER_RECORD_FIELDS = (
    "description",
    "target_groups",
    "age_groups",
    "minimum_age",
    "maximum_age",
    "eligibility_description",
    "legal_frameworks",
    "methods",
    "treatment_factors",
    "works_with_experience_experts",
    "offers_peer_group",
    "duration",
    "duration_description",
    "fundings",
    "capacity_per_year",
    "current_occupancy",
    "capacity_updated_on",
    "waiting_weeks",
    "self_referral",
    "application_process",
    "municipalities",
    "contact_name",
    "phone",
    "email",
    "website",
    "address",
    "postal_code",
    "city",
    "address_confidential",
)


class Position(models.Model):
    """One cell (violence type x phase) that an offer covers."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="positions", verbose_name="aanbod"
    )
    violence_type = models.ForeignKey(
        ViolenceType, on_delete=models.PROTECT, related_name="positions", verbose_name="geweldsvorm"
    )
    phase = models.ForeignKey(
        Phase, on_delete=models.PROTECT, related_name="positions", verbose_name="fase"
    )
    history = HistoricalRecords()

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["violence_type__framework__order", "phase__order", "violence_type__order"]
        verbose_name = "positie"
        verbose_name_plural = "posities"
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "violence_type", "phase"], name="position_unique_cell_per_offer"
            )
        ]
        indexes = [
            # A cell's offers (the search for a cell, "en N meer"): answered from the index alone.
            models.Index(fields=["violence_type", "phase", "offer"], name="position_cell_offer_idx")
        ]

    def __str__(self):
        return f"{self.phase.name}: {self.violence_type.name}"

    def saved_change_hides_data(self, *, created: bool) -> bool:
        """A cell added or moved hides nothing confidential (deleting one counts as hiding,
        as every delete does)."""
        return False


class Membership(models.Model):
    """Links an account to an organisation whose data it may edit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="gebruiker",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="organisatie",
    )
    created_at = models.DateTimeField("aangemaakt op", auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__username"]
        verbose_name = "lidmaatschap"
        verbose_name_plural = "lidmaatschappen"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_organisation"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation}"


class VerificationReminder(models.Model):
    """A reminder e-mailed to an organisation's accounts to confirm its offers
    (`manage.py send_verification_reminders`). Recorded only once the mail has gone out, so
    that a failed mail is tried again on the next run."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="verification_reminders",
        verbose_name="organisatie",
    )
    sent_at = models.DateTimeField("verzonden op")
    recipient_count = models.PositiveSmallIntegerField("aantal ontvangers")
    offer_count = models.PositiveIntegerField("aantal niet bevestigde aanbiedingen")

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = "herinnering"
        verbose_name_plural = "herinneringen"
        indexes = [
            models.Index(fields=["organisation", "sent_at"], name="reminder_org_sent_at_idx")
        ]

    def __str__(self):
        return f"{self.organisation} – {self.sent_at:%d-%m-%Y}"


class ImportJob(models.Model):
    """An import of an uploaded spreadsheet, run in the background (providers/import_jobs.py):
    first the preview (a dry run), then, once confirmed, the import itself. It keeps the
    outcome (counts, the first rows, every row's Dutch errors) for the municipality to read
    afterwards; the uploaded file itself only until the import is saved or refused."""

    class Stage(models.TextChoices):
        PREVIEW = "voorbeeld", "Voorbeeld"
        IMPORT = "import", "Import"

    class Status(models.TextChoices):
        QUEUED = "wachtrij", "In de wachtrij"
        RUNNING = "bezig", "Bezig"
        DONE = "klaar", "Klaar"
        FAILED = "mislukt", "Mislukt"

    model_name = models.CharField("soort", max_length=30)
    file_name = models.CharField("bestand", max_length=255)
    file_format = models.CharField("bestandstype", max_length=10)
    content = models.BinaryField("inhoud", blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name="door",
    )
    stage = models.CharField("stap", max_length=20, choices=Stage.choices, default=Stage.PREVIEW)
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    total_rows = models.PositiveIntegerField("aantal regels", default=0)
    summary = models.JSONField("uitkomst", default=dict, blank=True)
    message = models.TextField("melding", blank=True)
    created_at = models.DateTimeField("aangemaakt op", auto_now_add=True)
    updated_at = models.DateTimeField("gewijzigd op", auto_now=True)
    finished_at = models.DateTimeField("klaar op", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "import"
        verbose_name_plural = "imports"
        indexes = [models.Index(fields=["model_name", "created_at"], name="import_job_model_idx")]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%d-%m-%Y %H:%M})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
