import django.core.validators
from django.db import migrations, models

OLD_DEFAULT = 2
NEW_DEFAULT = 3


def raise_old_default(apps, schema_editor):
    """Frameworks that still hold the old default read the report's way from now on: on the
    2023 baseline a cell with 3 or fewer organisations falls in the weak spots it names."""
    Framework = apps.get_model("frameworks", "Framework")
    Framework.objects.filter(thin_threshold=OLD_DEFAULT).update(thin_threshold=NEW_DEFAULT)


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0002_seed_frameworks")]
    operations = [
        migrations.AlterField(
            model_name="framework",
            name="thin_threshold",
            field=models.PositiveSmallIntegerField(
                default=NEW_DEFAULT,
                help_text="Een cel met 1 tot en met dit aantal organisaties geldt als dun.",
                validators=[django.core.validators.MinValueValidator(1)],
                verbose_name="drempel dunne cel",
            ),
        ),
        migrations.RunPython(raise_old_default, migrations.RunPython.noop),
    ]
