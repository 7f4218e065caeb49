"""Editors may email stories to newsletters and watch the sends; writers may not."""

from django.db import migrations

from newsroom import group_permissions

EDITOR = [
    "send_newsletter",
    "view_newsletter",
    "add_newsletter",
    "change_newsletter",
    "view_send",
    "view_newslettersubscription",
]


def grant(apps, schema_editor):
    group_permissions.grant(apps, "Editor", [f"newsletters.{codename}" for codename in EDITOR])


def revoke(apps, schema_editor):
    group_permissions.revoke(apps, "Editor", [f"newsletters.{codename}" for codename in EDITOR])


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0002_sends"),
        ("articles", "0003_editorial_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
