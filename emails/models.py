from django.db import models


class Reason(models.TextChoices):
    BOUNCED = "bounced", "the address bounced"
    COMPLAINED = "complained", "the reader marked an email as spam"
    UNSUBSCRIBED = "unsubscribed", "the reader unsubscribed at the provider"


# Reasons that stop every email; an unsubscribe stops bulk email (newsletters) only, so a
# reader who left a list can still sign in and hear about their payments.
BLOCKS_EVERYTHING = {Reason.BOUNCED, Reason.COMPLAINED}


class SuppressionQuerySet(models.QuerySet):
    def blocking(self, addresses, *, bulk: bool) -> "SuppressionQuerySet":
        reasons = list(Reason) if bulk else list(BLOCKS_EVERYTHING)
        return self.filter(address__in=[a.lower() for a in addresses], reason__in=reasons)


class Suppression(models.Model):
    """An address we do not send to, and why: recorded from the provider's tracking webhooks.

    One row per address (stored lower-case). Deleting the row in the admin lifts it.
    """

    address = models.EmailField(unique=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    provider = models.CharField(max_length=40, blank=True)
    detail = models.TextField(blank=True, help_text="What the provider said.")
    event_at = models.DateTimeField(help_text="When the provider saw it.")
    recorded_at = models.DateTimeField(auto_now=True)

    objects = SuppressionQuerySet.as_manager()

    class Meta:
        ordering = ["-event_at"]

    def __str__(self):
        return f"{self.address}: {self.get_reason_display()}"

    def explain(self) -> str:
        scope = "no email at all" if self.reason in BLOCKS_EVERYTHING else "no newsletters"
        said = f" ({self.provider}: {self.detail})" if self.detail else f" ({self.provider})"
        return (
            f"Suppressed since {self.event_at:%d %b %Y %H:%M} UTC: {self.get_reason_display()}"
            f"{said if self.provider else ''}. We send {scope} to this address."
        )


class OutboxMessage(models.Model):
    """A copy of a sent email for the demo's outbox page (only kept when EMAIL_OUTBOX is on)."""

    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    subject = models.CharField(max_length=998)
    from_email = models.CharField(max_length=998)
    to = models.TextField(help_text="Recipients, one a line.")
    body = models.TextField()
    html = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return self.subject

    @property
    def recipients(self) -> list[str]:
        return self.to.splitlines()


class SentOnce(models.Model):
    """A key per email that must go out at most once (a welcome, a receipt for one invoice)."""

    key = models.CharField(max_length=200, unique=True)
    queued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.key


class SentEmail(models.Model):
    """That an email went to an address: its subject and when, for the member's page in the
    admin. Newsletters are recorded per delivery (newsletters.Delivery); this is every other
    email (sign-in codes, receipts, billing notices). The body is not kept."""

    address = models.EmailField(db_index=True)
    subject = models.CharField(max_length=998)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return f"{self.address}: {self.subject}"
