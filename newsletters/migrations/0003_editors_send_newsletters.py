"""Editors may email stories to newsletters and watch the sends; writers may not."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = [
    "send_newsletter",
    "view_newsletter",
    "add_newsletter",
    "change_newsletter",
    "view_send",
    "view_newslettersubscription",
]


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; the group needs them now.
    app_config = apps.get_app_config("newsletters")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editor")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="newsletters", codename__in=EDITOR)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Editor"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="newsletters", codename__in=EDITOR)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0002_sends"),
        ("articles", "0003_editorial_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
