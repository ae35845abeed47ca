"""Optimistic locking for organisations, like offers have: a version raised by every save.

Numbered 0005 because 0004 is reserved for the performance indexes on another branch; the
chain is fixed at merge time if needed."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0004_performance_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="versie"),
        ),
    ]
