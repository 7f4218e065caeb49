from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The publisher's desk: the numbers, the members, imports and exports, and the audit log."""

    name = "desk"
    verbose_name = "Publisher's desk"
