"""Editors make publisher gift links in the admin and switch links off."""

from django.db import migrations

from newsroom import group_permissions

EDITOR_GIFT_LINKS = ["add_giftlink", "change_giftlink", "view_giftlink"]


def grant(apps, schema_editor):
    dotted = [f"articles.{codename}" for codename in EDITOR_GIFT_LINKS]
    group_permissions.grant(apps, "Editor", dotted, create_group=False)


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_gift_links")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
