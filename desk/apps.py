from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The publisher's desk: the numbers, the members, imports and exports, and the audit log."""

    name = "desk"
    verbose_name = "Publisher's desk"

    def ready(self):
        from allauth.account.signals import user_signed_up

        from .signups import signed_up

        user_signed_up.connect(signed_up, weak=False, dispatch_uid="desk-sign-up-source")
