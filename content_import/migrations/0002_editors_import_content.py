"""Editors import stories from Ghost and Substack (the admin's Content imports)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = ["run_content_import", "add_contentimport", "view_contentimport"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("content_import")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor = Group.objects.filter(name="Editor").first()
    if editor is not None:
        editor.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="content_import", codename__in=EDITOR
            )
        )


class Migration(migrations.Migration):
    dependencies = [("content_import", "0001_initial"), ("articles", "0006_editors_make_gift_links")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
