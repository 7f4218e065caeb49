from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = "Newsletters"

    def ready(self):
        # Connects the receiver of the provider's tracking webhooks.
        from . import tracking  # noqa: F401
