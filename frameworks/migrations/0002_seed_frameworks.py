from django.db import migrations
from django.utils.text import slugify

# The seed data as it stood when this migration was written: a migration must not
# import live application modules, which change over time.
PHASES = [
    "Preventie",
    "Signalering",
    "Directe veiligheid / veiligheidsplan",
    "Risicogestuurde zorg / hulpverleningsplan",
    "Herstelgerichte zorg",
    "Nazorg",
]

FRAMEWORKS = [
    {
        "slug": "hgkm",
        "name": "Huiselijk geweld en kindermishandeling",
        "description": (
            "Analysekader huiselijk geweld en kindermishandeling (HGKM); "
            "de geweldsvormen volgen de Prevalentiemonitor van het CBS."
        ),
        "violence_types": [
            "Kindermishandeling",
            "Geweld tegen ouders door hun kinderen",
            "(Ex-)partnergeweld",
            "Ouderenmishandeling",
            "Overig huiselijk geweld",
            "Overlap partnergeweld en kindermishandeling",
        ],
    },
    {
        "slug": "seksueel-geweld",
        "name": "Seksueel geweld",
        "description": "Analysekader seksueel geweld.",
        "violence_types": [
            "Hands-on geweld tegen volwassenen",
            "Hands-on geweld tegen kinderen",
            "Hands-off geweld tegen kinderen",
            "Hands-off geweld tegen volwassenen",
            "Groepsgeweld",
            "Seksuele uitbuiting en mensenhandel",
            "Overig seksueel geweld",
        ],
    },
]


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
