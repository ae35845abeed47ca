from django.db import migrations
from django.utils.text import slugify

from providers import reference


def seed(apps, schema_editor):
    lists = {
        "TargetGroup": reference.TARGET_GROUPS,
        "AgeGroup": reference.AGE_GROUPS,
        "LegalFramework": reference.LEGAL_FRAMEWORKS,
        "Method": reference.METHODS,
        "Funding": reference.FUNDINGS,
        "Municipality": reference.MUNICIPALITIES,
    }
    for model_name, names in lists.items():
        model = apps.get_model("providers", model_name)
        for order, name in enumerate(names, start=1):
            model.objects.update_or_create(
                slug=slugify(name), defaults={"name": name, "order": order}
            )
    TreatmentFactor = apps.get_model("providers", "TreatmentFactor")
    for order, (code, name) in enumerate(reference.TREATMENT_FACTORS, start=1):
        TreatmentFactor.objects.update_or_create(
            slug=slugify(name), defaults={"name": name, "code": code, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("providers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
