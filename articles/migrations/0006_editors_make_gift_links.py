"""Editors make publisher gift links in the admin and switch links off."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_GIFT_LINKS = ["add_giftlink", "change_giftlink", "view_giftlink"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor = Group.objects.filter(name="Editor").first()
    if editor is not None:
        editor.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="articles", codename__in=EDITOR_GIFT_LINKS
            )
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_gift_links")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
