"""The Publisher group also looks after the members: the list, the member page and its
actions (comp, cancel, refund), export and import."""

from django.db import migrations

from newsroom import group_permissions

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
    group_permissions.grant(apps, "Publisher", PUBLISHER_MEMBERS)


def revoke(apps, schema_editor):
    group_permissions.revoke(apps, "Publisher", PUBLISHER_MEMBERS)


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0006_member_import"),
        ("desk", "0003_publisher_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
