"""Create the Writer and Editor groups, so a fresh install has the newsroom's roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER = [
    "articles.add_article",
    "articles.change_article",
    "articles.view_article",
    "articles.add_articleauthor",
    "articles.change_articleauthor",
    "articles.delete_articleauthor",
    "articles.view_articleauthor",
    "articles.add_articleimage",
    "articles.change_articleimage",
    "articles.delete_articleimage",
    "articles.view_articleimage",
    "articles.view_section",
    "articles.view_author",
    "articles.view_tag",
    "articles.view_previewlink",
]

EDITOR = WRITER + [
    "articles.delete_article",
    "articles.publish_article",
    "articles.edit_any_article",
    "articles.set_article_access",
    "articles.add_section",
    "articles.change_section",
    "articles.delete_section",
    "articles.add_author",
    "articles.change_author",
    "articles.delete_author",
    "articles.add_tag",
    "articles.change_tag",
    "articles.delete_tag",
    "articles.add_previewlink",
    "articles.change_previewlink",
    "articles.view_articleredirect",
    "articles.add_articleredirect",
    "articles.change_articleredirect",
    "articles.delete_articleredirect",
]

GROUPS = {"Writer": WRITER, "Editor": EDITOR}


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_editorial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
