from django.db import migrations
from django.utils.text import slugify

# The seed data as it stood when this migration was written: a migration must not
# import live application modules, which change over time.
TARGET_GROUPS = ["Plegers", "Slachtoffers", "Systeem / omstanders"]
AGE_GROUPS = [
    "Jonge kinderen",
    "Minderjarigen",
    "Jongvolwassenen (18-23)",
    "Volwassenen",
    "Ouderen",
]
LEGAL_FRAMEWORKS = [
    "Vrijwillig",
    "Verplicht: strafrechtelijk",
    "Verplicht: bestuursrechtelijk",
    "Verplicht: civielrechtelijk",
]
METHODS = [
    "TOP-3",
    "Multi Systeem Therapie (MST)",
    "Risk-Need-Responsivity (RNR)",
    "Oranje Huis",
    "MDA++",
]
FUNDINGS = ["Wmo", "Jeugdwet", "Zvw", "Wlz", "Justitie", "Gemeentelijke subsidie"]
TREATMENT_FACTORS = [
    ("A", "Traumasensitief"),
    ("B", "Genderdiversiteit"),
    ("C", "LHBTIQA+"),
    ("D", "Culturele diversiteit"),
    ("E", "Licht verstandelijke beperking (LVB)"),
    ("F", "Juiste houding"),
    ("G", "Snel en laagdrempelig toegankelijk"),
    ("H", "Zo lang als nodig"),
]
MUNICIPALITIES = ["Aalsmeer", "Amstelveen", "Amsterdam", "Diemen", "Ouder-Amstel", "Uithoorn"]


def seed(apps, schema_editor):
    lists = {
        "TargetGroup": TARGET_GROUPS,
        "AgeGroup": AGE_GROUPS,
        "LegalFramework": LEGAL_FRAMEWORKS,
        "Method": METHODS,
        "Funding": FUNDINGS,
        "Municipality": MUNICIPALITIES,
    }
    for model_name, names in lists.items():
        model = apps.get_model("providers", model_name)
        for order, name in enumerate(names, start=1):
            model.objects.update_or_create(
                slug=slugify(name), defaults={"name": name, "order": order}
            )
    TreatmentFactor = apps.get_model("providers", "TreatmentFactor")
    for order, (code, name) in enumerate(TREATMENT_FACTORS, start=1):
        TreatmentFactor.objects.update_or_create(
            slug=slugify(name), defaults={"name": name, "code": code, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("providers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
