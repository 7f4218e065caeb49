"""The one place tests build users. Fixtures in tests/conftest.py name the usual ones:

- ``reader``: signed up, verified email, no subscription.
- ``subscriber``: a reader with an active monthly subscription.
- ``staff_without_group``: ``is_staff`` and nothing else (no role group): the access rule's
  "staff read everything", the admin shows them nothing to edit.
- ``writer``: staff in the Writer group, with an author profile.
- ``desk_editor``: staff in the Editor group, with an author profile.
- ``publisher``: staff in the Publisher group (the business side: dashboard, plans, members),
  not an author.
"""

import importlib

# Django's models are imported inside the builders: conftest imports this module before
# Django is set up.
PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - every test user's password


def verified_user(email: str, **extra):
    """A user who has confirmed their email address, with PASSWORD."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def role_group(name: str):
    """A role group as the data migration makes it. Made again when a transactional test's
    flush emptied it (browser tests)."""
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name=name)
    if created:
        for dotted in _ROLE_PERMISSIONS[name]():
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        if name == "Editor":
            # Later apps' migrations grant the group their own permissions (bare codenames).
            for app_label, migration, names in _LATER_EDITOR_GRANTS:
                codenames = getattr(importlib.import_module(migration), names)
                group.permissions.add(
                    *Permission.objects.filter(
                        content_type__app_label=app_label, codename__in=codenames
                    )
                )
    return group


_ROLE_PERMISSIONS = {
    "Writer": lambda: _migration("articles.migrations.0003_editorial_groups").GROUPS["Writer"],
    "Editor": lambda: _migration("articles.migrations.0003_editorial_groups").GROUPS["Editor"],
    "Publisher": lambda: [
        *_migration("desk.migrations.0003_publisher_group").PUBLISHER,
        *_migration("desk.migrations.0007_publisher_members").PUBLISHER_MEMBERS,
    ],
}


def _migration(path: str):
    return importlib.import_module(path)


_LATER_EDITOR_GRANTS = [
    ("articles", "articles.migrations.0006_editors_make_gift_links", "EDITOR_GIFT_LINKS"),
    ("newsletters", "newsletters.migrations.0003_editors_send_newsletters", "EDITOR"),
    ("content_import", "content_import.migrations.0002_editors_import_content", "EDITOR"),
]


def staff_in_group(email: str, group: str, *, author: bool = True):
    """A verified member of staff in a role group ("Writer", "Editor", "Publisher"), usually
    an author."""
    from tests.factories import make_author

    user = verified_user(email, is_staff=True)
    user.groups.add(role_group(group))
    if author:
        make_author(name=email.split("@")[0].title(), user=user)
    return user
