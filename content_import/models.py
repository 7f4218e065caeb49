from django.conf import settings
from django.db import models


class Source(models.TextChoices):
    GHOST = "ghost", "Ghost (JSON export)"
    SUBSTACK = "substack", "Substack (export zip or folder)"


class ContentImport(models.Model):
    """One uploaded export: its dry run, then (once confirmed) its application.

    The export is kept in the database, not in the media folder, so that no paid text it
    holds is ever served, and so that any worker can apply it.
    """

    class State(models.TextChoices):
        PLANNED = "planned", "Dry run: waiting for confirmation"
        QUEUED = "queued", "Confirmed: waiting for a worker"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    source = models.CharField(max_length=10, choices=Source.choices)
    filename = models.CharField(max_length=255)
    export = models.BinaryField(editable=False)
    section = models.ForeignKey(
        "articles.Section",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Every imported story goes into this section.",
    )
    author = models.ForeignKey(
        "articles.Author",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The byline of stories whose export names no author (Substack's).",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLANNED)
    # The dry run: [{"kind", "source_id", "label", "verb", "reasons"}], and its totals.
    plan = models.JSONField(default=list, editable=False)
    totals = models.JSONField(default=dict, editable=False)
    posts_total = models.PositiveIntegerField(default=0, editable=False)
    posts_done = models.PositiveIntegerField(default=0, editable=False)
    result = models.JSONField(default=dict, editable=False)
    error = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("run_content_import", "Can import stories from Ghost and Substack")]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.filename}"


class ImportedItem(models.Model):
    """What a record of an export became here, keyed by the id the platform gave it: a second
    import of the same export updates these objects and never makes new ones."""

    class Kind(models.TextChoices):
        POST = "post"
        AUTHOR = "author"
        TAG = "tag"

    source = models.CharField(max_length=10, choices=Source.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_id = models.CharField(max_length=255)
    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        "articles.Author", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    tag = models.ForeignKey(
        "articles.Tag", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    fingerprint = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="one_item_per_source_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.source_id}"
