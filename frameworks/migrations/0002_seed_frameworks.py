from django.db import migrations
from django.utils.text import slugify

from frameworks.reference import FRAMEWORKS, PHASES


def seed(apps, schema_editor):
    Framework = apps.get_model("frameworks", "Framework")
    Phase = apps.get_model("frameworks", "Phase")
    ViolenceType = apps.get_model("frameworks", "ViolenceType")
    for order, name in enumerate(PHASES, start=1):
        Phase.objects.update_or_create(slug=slugify(name), defaults={"name": name, "order": order})
    for fw_order, data in enumerate(FRAMEWORKS, start=1):
        framework, _ = Framework.objects.update_or_create(
            slug=data["slug"],
            defaults={"name": data["name"], "description": data["description"], "order": fw_order},
        )
        for order, name in enumerate(data["violence_types"], start=1):
            ViolenceType.objects.update_or_create(
                slug=slugify(name),
                defaults={"framework": framework, "name": name, "order": order},
            )


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
