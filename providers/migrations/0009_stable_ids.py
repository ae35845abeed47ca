"""A stable UUID per organisation, offer and maintained list entry (the ids of the HSDS API).

Existing rows get one derived from their slug (the derivation of providers/stable_ids.py,
copied here), so the 2023 baseline has the same ids in every installation; new rows get a
random one."""

import uuid

from django.db import migrations, models

NAMESPACE = uuid.UUID("0766242f-e461-4ef8-98f3-3dff8311c282")
MODELS = (
    "targetgroup",
    "agegroup",
    "legalframework",
    "method",
    "funding",
    "treatmentfactor",
    "municipality",
    "organisation",
    "offer",
)


def fill(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("providers", name)
        rows = list(model.objects.filter(uuid__isnull=True).only("pk", "slug"))
        for row in rows:
            row.uuid = uuid.uuid5(NAMESPACE, f"providers.{name}:{row.slug}")
        model.objects.bulk_update(rows, ["uuid"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("providers", "0008_verification_reminder")]

    operations = [
        *(
            migrations.AddField(
                model_name=name,
                name="uuid",
                field=models.UUIDField(editable=False, null=True, verbose_name="vaste id"),
            )
            for name in MODELS
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name=name,
                name="uuid",
                field=models.UUIDField(
                    default=uuid.uuid4, editable=False, unique=True, verbose_name="vaste id"
                ),
            )
            for name in MODELS
        ),
    ]
