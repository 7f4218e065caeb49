"""The Publisher group: the business side of the newsroom. It sees the dashboard, the plans,
offers, subscriptions, customers and complimentary access, reads the audit log and sends
newsletters. Writers are given none of it; an editor who runs the business joins it too."""

from django.db import migrations

from newsroom import group_permissions

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
    group_permissions.grant(apps, "Publisher", PUBLISHER)


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
