"""The offer's history records its maintained lists (`history_lists`); the organisation's role
explains its choices, now that partners set it themselves."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef

# The offer's maintained lists when this migration was written (providers/lists.py).
LIST_FIELDS = (
    "target_groups",
    "age_groups",
    "legal_frameworks",
    "municipalities",
    "methods",
    "treatment_factors",
    "fundings",
)


def role_field():
    return models.CharField(
        choices=[
            ("aanbieder", "Aanbieder"),
            ("verwijzer", "Verwijzer"),
            ("beide", "Aanbieder en verwijzer"),
        ],
        db_index=True,
        help_text="Aanbieder: biedt zelf hulp aan plegers. Verwijzer: verwijst plegers naar "
        "hulp. Aanbieder en verwijzer: doet allebei.",
        max_length=20,
        verbose_name="rol",
    )


def record_current_lists(apps, schema_editor):
    """Each offer's latest record gets the lists as they are: what its last save left. Older
    records keep None (not recorded)."""
    Offer = apps.get_model("providers", "Offer")  # noqa: N806 (a model class)
    HistoricalOffer = apps.get_model("providers", "HistoricalOffer")  # noqa: N806
    lists = {}
    for name in LIST_FIELDS:
        relation = Offer._meta.get_field(name)
        target = relation.m2m_reverse_field_name()
        rows = relation.remote_field.through.objects.values_list(
            "offer_id", f"{target}__id", f"{target}__name"
        ).order_by(f"{target}__order", f"{target}__name")
        for offer_id, pk, item_name in rows:
            lists.setdefault(offer_id, {field: [] for field in LIST_FIELDS})[name].append(
                [pk, item_name]
            )
    later = HistoricalOffer.objects.filter(
        id=OuterRef("id"), history_date__gt=OuterRef("history_date")
    )
    latest = (
        HistoricalOffer.objects.filter(~Exists(later), id__in=Offer.objects.values("pk"))
        .exclude(history_type="-")
        .only("history_id", "id")
    )
    batch = []
    for record in latest.iterator(chunk_size=1000):
        record.history_lists = lists.get(record.id, {field: [] for field in LIST_FIELDS})
        batch.append(record)
        if len(batch) == 1000:
            HistoricalOffer.objects.bulk_update(batch, ["history_lists"])
            batch = []
    HistoricalOffer.objects.bulk_update(batch, ["history_lists"])


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0006_duration_label"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicaloffer",
            name="history_lists",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="lijsten"),
        ),
        migrations.AlterField(model_name="historicalorganisation", name="role", field=role_field()),
        migrations.AlterField(model_name="organisation", name="role", field=role_field()),
        migrations.RunPython(record_current_lists, migrations.RunPython.noop, elidable=True),
    ]
