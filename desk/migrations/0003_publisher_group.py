"""The Publisher group: the business side of the newsroom. It sees the dashboard, the plans,
offers, subscriptions, customers and complimentary access, reads the audit log and sends
newsletters. Writers are given none of it; an editor who runs the business joins it too."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISHER = [
    "desk.view_dashboard",
    "desk.view_dailyfigures",
    "desk.view_auditentry",
    "subscriptions.view_plan",
    "subscriptions.change_plan",
    "subscriptions.view_offer",
    "subscriptions.add_offer",
    "subscriptions.change_offer",
    "subscriptions.view_subscription",
    "subscriptions.change_subscription",
    "subscriptions.view_customer",
    "subscriptions.change_customer",
    "subscriptions.view_complimentaryaccess",
    "subscriptions.add_complimentaryaccess",
    "subscriptions.change_complimentaryaccess",
    "newsletters.view_newsletter",
    "newsletters.send_newsletter",
    "newsletters.view_send",
    "newsletters.view_newslettersubscription",
]


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations; the group needs them now.
    for label in ("desk", "subscriptions", "newsletters"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Publisher")
    for dotted in PUBLISHER:
        app_label, codename = dotted.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Publisher").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0002_daily_figures"),
        ("subscriptions", "0008_payment_action_notices"),
        ("newsletters", "0003_editors_send_newsletters"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
