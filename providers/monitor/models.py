"""Snapshots of the coverage over time, and the capacity the municipality says is needed.

Both are history: a snapshot is never edited (only a superuser may in the admin), and a need is
never overwritten; a change is a new record, the newest one in force on a date counts.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from frameworks.models import Framework, Phase, ViolenceType
from sociale_kaart.cache import VersionedQuerySet

NEED_TOO_LOW = "De benodigde capaciteit moet groter zijn dan 0."


class Snapshot(models.Model):
    """Both matrices at one day: per cell its offers (and through them its organisations), its
    status and the capacity figures, with the thin thresholds in force (`data`, one JSON
    document, see providers.monitor.snapshots), and the counts for the trend charts
    (`summary`, small, read for every snapshot without `data`)."""

    class Kind(models.TextChoices):
        INVENTORY = "inventarisatie", "Inventarisatie 2023"
        REGULAR = "momentopname", "Momentopname"

    taken_on = models.DateField("datum", unique=True)
    label = models.CharField("naam", max_length=100, blank=True)
    kind = models.CharField(
        "soort", max_length=20, choices=Kind.choices, default=Kind.REGULAR, db_index=True
    )
    summary = models.JSONField("samenvatting", default=dict, editable=False)
    data = models.JSONField("gegevens", default=dict, editable=False)
    size = models.PositiveIntegerField("omvang (bytes)", default=0, editable=False)
    created_at = models.DateTimeField("gemaakt op", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="gemaakt door",
    )

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["taken_on"]
        verbose_name = "momentopname"
        verbose_name_plural = "momentopnamen"

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return snapshot_title(self.label, self.taken_on)


def snapshot_title(label: str, taken_on) -> str:
    """How a snapshot is named on the page and in the admin: its label and day."""
    day = f"{taken_on.day}-{taken_on.month}-{taken_on.year}"
    return f"{label} ({day})" if label else day


class NeedQuerySet(VersionedQuerySet):
    def in_force(self, on):
        """The newest record per target (cell, phase or violence type of a framework) dated on
        or before `on`: the need that counts then."""
        current = {}
        records = self.filter(valid_from__lte=on).select_related(
            "framework", "phase", "violence_type"
        )
        for need in records.order_by("valid_from", "created_at", "pk"):
            current[need.target] = need
        return current


class Need(models.Model):
    """The capacity per year the municipality finds needed for one cell, a whole phase or a
    whole violence type of a framework."""

    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="+", verbose_name="analysekader"
    )
    phase = models.ForeignKey(
        Phase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="fase",
        help_text="Leeg: de hele geweldsvorm.",
    )
    violence_type = models.ForeignKey(
        ViolenceType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="geweldsvorm",
        help_text="Leeg: de hele fase.",
    )
    capacity_per_year = models.PositiveIntegerField(
        "benodigde capaciteit per jaar",
        validators=[MinValueValidator(1, NEED_TOO_LOW)],
        help_text="Hoeveel plegers (of gezinnen) per jaar hulp nodig hebben.",
    )
    note = models.TextField("toelichting", blank=True)
    valid_from = models.DateField("geldt vanaf")
    created_at = models.DateTimeField("vastgelegd op", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="vastgelegd door",
    )

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["framework__order", "-valid_from", "-created_at"]
        verbose_name = "benodigde capaciteit"
        verbose_name_plural = "benodigde capaciteit"

    def __str__(self):
        return f"{self.target_label}: {self.capacity_per_year} per jaar"

    @property
    def target(self) -> tuple[str, str | None, str | None]:
        return (
            self.framework.slug,
            self.phase.slug if self.phase_id else None,
            self.violence_type.slug if self.violence_type_id else None,
        )

    @property
    def level(self) -> str:
        if self.phase_id and self.violence_type_id:
            return "cel"
        return "fase" if self.phase_id else "geweldsvorm"

    @property
    def target_label(self) -> str:
        parts = [self.framework.name]
        if self.phase_id:
            parts.append(self.phase.name)
        if self.violence_type_id:
            parts.append(self.violence_type.name)
        return " – ".join(parts)

    def clean(self):
        errors = {}
        if self.capacity_per_year is not None and self.capacity_per_year <= 0:
            errors["capacity_per_year"] = NEED_TOO_LOW
        if not self.phase_id and not self.violence_type_id:
            errors["phase"] = "Kies een fase, een geweldsvorm of allebei (een cel)."
        if (
            self.violence_type_id
            and self.framework_id
            and self.violence_type.framework_id != self.framework_id
        ):
            errors["violence_type"] = "Deze geweldsvorm hoort niet bij het gekozen analysekader."
        if errors:
            raise ValidationError(errors)
