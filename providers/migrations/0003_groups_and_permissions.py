"""Roles as data: the groups "Gemeente" and "Partner" with their model permissions.

Code never checks these names; it checks the permissions they carry (and Membership rows).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MUNICIPALITY = "Gemeente"
PARTNER = "Partner"

REFERENCE_MODELS = [
    "targetgroup",
    "agegroup",
    "legalframework",
    "method",
    "funding",
    "treatmentfactor",
    "municipality",
]

PARTNER_PERMISSIONS = [
    "view_organisation",
    "change_organisation",
    *(
        f"{action}_{model}"
        for model in ["offer", "position"]
        for action in ["add", "change", "view", "delete"]
    ),
    *(f"view_{model}" for model in REFERENCE_MODELS),
]


def ensure_permissions(apps):
    """Permissions are normally created after all migrations ran; create them now."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    municipality, _ = Group.objects.get_or_create(name=MUNICIPALITY)
    municipality.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["frameworks", "providers"])
        | Permission.objects.filter(
            content_type__app_label="auth", content_type__model__in=["user", "group"]
        )
        # Unlocking an account that django-axes locked out.
        | Permission.objects.filter(
            content_type__app_label="axes",
            codename__in=[
                "view_accessattempt",
                "delete_accessattempt",
                "view_accesslog",
                "view_accessfailurelog",
            ],
        )
    )

    partner, _ = Group.objects.get_or_create(name=PARTNER)
    permissions = Permission.objects.filter(
        content_type__app_label="providers", codename__in=PARTNER_PERMISSIONS
    )
    missing = set(PARTNER_PERMISSIONS) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Permissions missing for the Partner group: {sorted(missing)}")
    partner.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[MUNICIPALITY, PARTNER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0002_seed_reference_lists"),
        ("frameworks", "0002_seed_frameworks"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("axes", "0010_accessattemptexpiration"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
