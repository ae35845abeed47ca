"""The municipality takes snapshots and records the needed capacity; partners get nothing of
the monitor in the admin (the public monitor page is for everyone). Changing or deleting
snapshots and needs stays with superusers (the admin checks that)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MUNICIPALITY = "Gemeente"
CODENAMES = ["view_snapshot", "add_snapshot", "view_need", "add_need"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("monitor")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    municipality = Group.objects.filter(name=MUNICIPALITY).first()
    if municipality is None:
        return
    permissions = Permission.objects.filter(
        content_type__app_label="monitor", codename__in=CODENAMES
    )
    if permissions.count() != len(CODENAMES):
        raise RuntimeError("Permissions of the monitor are missing")
    municipality.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    municipality = Group.objects.filter(name=MUNICIPALITY).first()
    if municipality is not None:
        municipality.permissions.remove(
            *Permission.objects.filter(content_type__app_label="monitor")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("monitor", "0001_initial"),
        ("providers", "0003_groups_and_permissions"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
