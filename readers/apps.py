from django.apps import AppConfig


class ReadersConfig(AppConfig):
    """What a reader takes away: their private feed and a copy of their data."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "readers"
