from django.conf import settings
from django.db import models

from accounts.models import User


class AuditEntry(models.Model):
    """Who did what to whom, and when: refunds, comps, exports, imports, sends.

    Append-only: the admin shows it and offers no way to add, change or delete a row. The
    actor and target are kept as text as well as links, so the record outlives deleted accounts.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=40, db_index=True)
    target_label = models.CharField(max_length=254, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The audit log is append-only.")


class Member(User):
    """A reader, as the publisher's member list and member page show them (a proxy: the same
    rows as accounts.User). Its permissions are the desk's member actions."""

    class Meta:
        proxy = True
        verbose_name = "member"
        verbose_name_plural = "members"
        permissions = [
            ("comp_member", "Can give or extend complimentary access"),
            ("cancel_member_subscription", "Can cancel a member's subscription"),
            ("refund_member", "Can refund a member's last invoice"),
            ("export_members", "Can export members as CSV"),
            ("import_members", "Can import members from Ghost or Substack"),
        ]


class MemberNote(models.Model):
    """What another platform knew of a member that we keep only for the publisher: a note,
    labels, and which import brought them in. Exported again in Ghost's columns."""

    class Origin(models.TextChoices):
        GHOST = "ghost", "Ghost import"
        SUBSTACK = "substack", "Substack import"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_note"
    )
    note = models.TextField(blank=True)
    labels = models.CharField(max_length=1000, blank=True, help_text="Comma-separated.")
    imported_from = models.CharField(max_length=10, choices=Origin.choices, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.labels or self.note[:40]}"


class MemberImport(models.Model):
    """One upload of a Ghost or Substack members CSV: its dry run, then its run as a task.

    The file's text is kept here so any worker can read it; the report says what the dry run
    found, the counts what the run has done so far (the admin shows them as progress).
    """

    class Source(models.TextChoices):
        GHOST = "ghost", "Ghost (members CSV)"
        SUBSTACK = "substack", "Substack (subscribers CSV)"

    class State(models.TextChoices):
        CHECKED = "checked", "Dry run: waiting for confirmation"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"

    source = models.CharField(max_length=10, choices=Source.choices)
    filename = models.CharField(max_length=255)
    text = models.TextField()
    delimiter = models.CharField(max_length=1, default=",")
    encoding = models.CharField(max_length=20)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKED)
    report = models.JSONField(default=dict)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    problems = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "member import"

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_source_display()})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)
