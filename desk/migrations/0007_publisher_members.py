"""The Publisher group also looks after the members: the list, the member page and its
actions (comp, cancel, refund), export and import."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISHER_MEMBERS = [
    "desk.view_member",
    "desk.comp_member",
    "desk.cancel_member_subscription",
    "desk.refund_member",
    "desk.export_members",
    "desk.import_members",
    "desk.view_memberimport",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("desk")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Publisher")
    for dotted in PUBLISHER_MEMBERS:
        app_label, codename = dotted.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [dotted.split(".")[1] for dotted in PUBLISHER_MEMBERS]
    for group in Group.objects.filter(name="Publisher"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="desk", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0006_member_import"),
        ("desk", "0003_publisher_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
