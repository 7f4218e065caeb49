"""Giving a role group (Editor, Publisher) permissions from a data migration: the one way.

Django makes permissions after all migrations have run; a migration that grants them makes
them first. Permissions are named "app_label.codename"; a name that does not exist raises, so
a renamed permission cannot be granted silently to nobody.
"""

from django.contrib.auth.management import create_permissions
from django.db.models import Q


def _permissions(apps, dotted: list[str]) -> list:
    for label in sorted({name.split(".", 1)[0] for name in dotted}):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=label, codename=codename)
        for label, codename in (name.split(".", 1) for name in dotted)
    ]


def grant(apps, group_name: str, dotted: list[str], *, create_group: bool = True) -> None:
    """Add the permissions to the group, making the group unless `create_group` is False (then
    a site without the group is left as it is)."""
    Group = apps.get_model("auth", "Group")
    if create_group:
        group, _ = Group.objects.get_or_create(name=group_name)
    else:
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            return
    group.permissions.add(*_permissions(apps, dotted))


def revoke(apps, group_name: str, dotted: list[str]) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    named = Q()
    for label, codename in (name.split(".", 1) for name in dotted):
        named |= Q(content_type__app_label=label, codename=codename)
    for group in Group.objects.filter(name=group_name):
        group.permissions.remove(*Permission.objects.filter(named))
