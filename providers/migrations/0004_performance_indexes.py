"""Indexes for the matrix, the search and its filters at national scale (docs/benchmark.md).

Depends on 0002: 0003_groups_and_permissions is made on another branch; the dependency chain is
joined when the branches are merged.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("providers", "0003_groups_and_permissions")]

    operations = [
        migrations.RemoveIndex(model_name="position", name="position_cell_idx"),
        migrations.AddIndex(
            model_name="position",
            index=models.Index(
                fields=["violence_type", "phase", "offer"], name="position_cell_offer_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(fields=["updated_at"], name="offer_updated_at_idx"),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(fields=["last_verified"], name="offer_last_verified_idx"),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(fields=["source"], name="offer_source_idx"),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["updated_at"], name="organisation_updated_at_idx"),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["source"], name="organisation_source_idx"),
        ),
    ]
