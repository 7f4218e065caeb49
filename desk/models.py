from django.conf import settings
from django.db import models

from accounts.models import User
from newsroom.append_only import AppendOnlyModel


class AuditEntry(AppendOnlyModel):
    """Who did what to whom, and when: refunds, comps, exports, imports, sends.

    Append-only: the admin shows it and offers no way to add, change or delete a row. The
    actor and target are kept as text as well as links, so the record outlives deleted accounts.
    """

    append_only_name = "The audit log"

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


class DailyFigures(models.Model):
    """One day's figures for the dashboard's trends, made by `desk.rollups` (a periodic task)
    from the subscription history, and for days before that history from the records we had.

    Counts are members at the end of the day (in TIME_ZONE); `new_paid`, `cancellations`,
    `trials_started` and `trial_conversions` are what happened during it. Money is in the
    currency's minor units (cents).
    """

    day = models.DateField(unique=True)
    paying = models.PositiveIntegerField(default=0)
    mrr = models.PositiveBigIntegerField("MRR", default=0)
    currency = models.CharField(max_length=3, blank=True)
    new_paid = models.PositiveIntegerField(default=0)
    cancellations = models.PositiveIntegerField(default=0)
    trialing = models.PositiveIntegerField(default=0)
    trials_started = models.PositiveIntegerField(default=0)
    trial_conversions = models.PositiveIntegerField(default=0)
    past_due = models.PositiveIntegerField(default=0)
    complimentary = models.PositiveIntegerField(default=0)
    gift = models.PositiveIntegerField(default=0)
    free = models.PositiveIntegerField(default=0)
    newsletter = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day"]
        verbose_name = "daily figures"
        verbose_name_plural = "daily figures"
        permissions = [("view_dashboard", "Can see the publisher's dashboard")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}: {self.paying} paying"


class SignUp(models.Model):
    """Where a reader signed up from (free sign-ups in "what converts"): the article whose
    paywall or gift link sent them, or elsewhere. Kept, without the link to the reader, when
    their account is deleted."""

    class Source(models.TextChoices):
        ARTICLE = "article", "An article's paywall"
        GIFT_LINK = "gift_link", "A gift link"
        ELSEWHERE = "elsewhere", "Elsewhere"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sign_up",
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ELSEWHERE)
    source_article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.get_source_display()}"


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
