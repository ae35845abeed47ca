"""A stable UUID per framework, phase and violence type (the taxonomy ids of the HSDS API).

Existing rows (the seeded lists) get one derived from their slug (the derivation of
providers/stable_ids.py, copied here), so they have the same ids in every installation; new
rows get a random one."""

import uuid

from django.db import migrations, models

NAMESPACE = uuid.UUID("0766242f-e461-4ef8-98f3-3dff8311c282")
MODELS = ("framework", "phase", "violencetype")


def fill(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("frameworks", name)
        rows = list(model.objects.filter(uuid__isnull=True).only("pk", "slug"))
        for row in rows:
            row.uuid = uuid.uuid5(NAMESPACE, f"frameworks.{name}:{row.slug}")
        model.objects.bulk_update(rows, ["uuid"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0003_thin_threshold_three")]

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
