from django.conf import settings
from django.db import models


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
