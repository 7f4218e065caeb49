from django.apps import AppConfig


class EmailsConfig(AppConfig):
    name = "emails"
    verbose_name = "Email delivery"

    def ready(self) -> None:
        from . import tracking  # noqa: F401 - connects the provider's tracking signal
