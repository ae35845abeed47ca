"""The kinds of deployment the 2023 report names, and the groups' permissions on the new
models: a partner proposes, confirms and ends links and keeps its own pool entries (the admin
scopes both to its organisations); the municipality may do everything."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# The seed data as it stood when this migration was written (migrations import no live code).
DEPLOYMENT_KINDS = [
    ("motiveren", "Motiveren van plegers"),
    ("trainen", "Trainen van professionals en beleidsmakers"),
    ("veiligheid", "Veiligheid, naast professionals"),
    ("lotgenotengroepen", "Lotgenotengroepen begeleiden"),
]
MUNICIPALITY = "Gemeente"
PARTNER = "Partner"
PARTNER_PERMISSIONS = [
    "add_referrallink",
    "change_referrallink",
    "view_referrallink",
    "add_poolentry",
    "change_poolentry",
    "view_poolentry",
    "delete_poolentry",
    "view_deploymentkind",
]


def seed(apps, schema_editor):
    DeploymentKind = apps.get_model("paths", "DeploymentKind")
    for order, (slug, name) in enumerate(DEPLOYMENT_KINDS, start=1):
        DeploymentKind.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})

    app_config = apps.get_app_config("paths")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="paths")
    municipality = Group.objects.filter(name=MUNICIPALITY).first()
    if municipality is not None:
        municipality.permissions.add(*ours)
    partner = Group.objects.filter(name=PARTNER).first()
    if partner is not None:
        partner.permissions.add(*ours.filter(codename__in=PARTNER_PERMISSIONS))


def unseed(apps, schema_editor):
    apps.get_model("paths", "DeploymentKind").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("paths", "0001_initial"),
        ("providers", "0003_groups_and_permissions"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
