"""Editors import stories from Ghost and Substack (the admin's Content imports)."""

from django.db import migrations

from newsroom import group_permissions

EDITOR = ["run_content_import", "add_contentimport", "view_contentimport"]


def grant(apps, schema_editor):
    dotted = [f"content_import.{codename}" for codename in EDITOR]
    group_permissions.grant(apps, "Editor", dotted, create_group=False)


class Migration(migrations.Migration):
    dependencies = [("content_import", "0001_initial"), ("articles", "0006_editors_make_gift_links")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
