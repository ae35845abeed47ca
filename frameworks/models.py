"""The two analysis frameworks (analysekaders): violence types as columns, phases as rows."""

from uuid import uuid4

from django.core.validators import MinValueValidator
from django.db import models

from sociale_kaart.cache import VersionedQuerySet
from sociale_kaart.text import CleanShortTextsMixin


class Framework(CleanShortTextsMixin, models.Model):
    slug = models.SlugField("slug", unique=True)
    name = models.CharField("naam", max_length=100, unique=True)
    description = models.TextField("omschrijving", blank=True)
    thin_threshold = models.PositiveSmallIntegerField(
        "drempel dunne cel",
        default=3,
        validators=[MinValueValidator(1)],
        help_text="Een cel met 1 tot en met dit aantal organisaties geldt als dun.",
    )
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    # A stable identifier for open data (the HSDS API): never changes, unlike the slug.
    uuid = models.UUIDField("vaste id", default=uuid4, unique=True, editable=False)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "analysekader"
        verbose_name_plural = "analysekaders"

    def __str__(self):
        return self.name


class Phase(CleanShortTextsMixin, models.Model):
    """A phase of the approach; shared by both frameworks."""

    slug = models.SlugField("slug", unique=True)
    name = models.CharField("naam", max_length=100, unique=True)
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    # A stable identifier for open data (the HSDS API): never changes, unlike the slug.
    uuid = models.UUIDField("vaste id", default=uuid4, unique=True, editable=False)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "fase"
        verbose_name_plural = "fasen"

    def __str__(self):
        return self.name


class ViolenceType(CleanShortTextsMixin, models.Model):
    framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="violence_types",
        verbose_name="analysekader",
    )
    slug = models.SlugField("slug", unique=True)
    name = models.CharField("naam", max_length=100)
    order = models.PositiveSmallIntegerField("volgorde", default=0)
    # A stable identifier for open data (the HSDS API): never changes, unlike the slug.
    uuid = models.UUIDField("vaste id", default=uuid4, unique=True, editable=False)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["framework__order", "order", "name"]
        verbose_name = "geweldsvorm"
        verbose_name_plural = "geweldsvormen"
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "name"], name="violence_type_name_unique_per_framework"
            )
        ]

    def __str__(self):
        return self.name
