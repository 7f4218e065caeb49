from django.apps import AppConfig


class ContentImportConfig(AppConfig):
    """Bringing a publication's stories over from Ghost or Substack."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "content_import"
    verbose_name = "content import"
