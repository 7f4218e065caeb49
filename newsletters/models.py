"""Newsletters, who receives which, and the record of every consent given or withdrawn.

A member receives a newsletter only after ticking its box (at sign-up, on the account page)
or being imported with consent recorded elsewhere: nothing is pre-ticked (UK GDPR / PECR).
The subscription row holds the current state, which sending reads; ConsentEvent is the
append-only history, which a regulator or the member may ask for.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef


class Source(models.TextChoices):
    SIGNUP = "signup", "Sign-up form"
    ACCOUNT = "account", "Account page"
    IMPORT = "import", "Import"
    UNSUBSCRIBE_LINK = "unsubscribe_link", "Unsubscribe link"
    ONE_CLICK = "one_click", "One-click unsubscribe (mail client)"
    ADMIN = "admin", "Admin"


class NewsletterQuerySet(models.QuerySet):
    def offered_at_signup(self):
        return self.filter(default_for_new_members=True)

    def with_subscribed(self, user):
        """Every newsletter, each with `subscribed`: whether `user` receives it (one query)."""
        return self.annotate(
            subscribed=Exists(
                NewsletterSubscription.objects.active().filter(newsletter=OuterRef("pk"), user=user)
            )
        )


class Newsletter(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="Shown beside its box to readers.")
    sender_name = models.CharField(
        max_length=100, help_text="The name readers see in their inbox, e.g. “The Newsroom”."
    )
    reply_to = models.EmailField(blank=True, help_text="Where replies go; empty for none.")
    default_for_new_members = models.BooleanField(
        "offered to new members",
        default=True,
        help_text="Offered on the sign-up form. The box is never ticked for the reader: "
        "they receive it only if they tick it.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    objects = NewsletterQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        permissions = [("send_newsletter", "Can email a published story to a newsletter")]

    def __str__(self):
        return self.name


class NewsletterSubscriptionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(unsubscribed_at__isnull=True)


class NewsletterSubscription(models.Model):
    """The current state: a member receives a newsletter while `unsubscribed_at` is empty."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="newsletter_subscriptions"
    )
    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    consented_at = models.DateTimeField()
    consent_source = models.CharField(max_length=20, choices=Source)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    unsubscribe_source = models.CharField(max_length=20, choices=Source, blank=True)

    objects = NewsletterSubscriptionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "newsletter"], name="one_subscription_per_member_and_newsletter"
            )
        ]
        indexes = [
            models.Index(
                fields=["newsletter", "user"],
                condition=models.Q(unsubscribed_at__isnull=True),
                name="newsletter_active_members",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.newsletter}"

    @property
    def is_active(self) -> bool:
        return self.unsubscribed_at is None


class ConsentEvent(models.Model):
    """One consent given or withdrawn: who, which newsletter, when and where. Never edited."""

    class Action(models.TextChoices):
        GIVEN = "given", "Consent given"
        WITHDRAWN = "withdrawn", "Consent withdrawn"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="newsletter_consents"
    )
    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    source = models.CharField(max_length=20, choices=Source)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.user}: {self.get_action_display()} for {self.newsletter}"


class Segment(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    FREE = "free", "Free members"
    PAYING = "paying", "Paying members"


class Send(models.Model):
    """One story emailed to one newsletter's members (a segment of them).

    Its deliveries are made by a task once confirmed; workers then claim them in batches.
    """

    class State(models.TextChoices):
        PREPARING = "preparing", "Preparing"
        SENDING = "sending", "Sending"
        PAUSED = "paused", "Paused"
        CANCELLED = "cancelled", "Cancelled"
        DONE = "done", "Done"

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="sends")
    article = models.ForeignKey(
        "articles.Article", on_delete=models.PROTECT, related_name="newsletter_sends"
    )
    segment = models.CharField(max_length=10, choices=Segment)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREPARING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What the send screen promised when the editor confirmed, to compare with what happened.
    planned_full = models.PositiveIntegerField(default=0)
    planned_preview = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"“{self.article}” to {self.newsletter} ({self.get_segment_display().lower()})"


class Delivery(models.Model):
    """One member's copy of one send. Claimed before the provider is called, so a story is
    never sent twice: the unique constraint holds across sends of the same newsletter."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        CLAIMED = "claimed", "Claimed by a worker"
        SENDING = "sending", "Handed to the provider"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        # The worker died between calling the provider and recording its answer: it may or may
        # not have gone out, so it is never sent again.
        UNKNOWN = "unknown", "Unknown (worker stopped mid-send)"
        SKIPPED = "skipped", "Not sent"

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="+")
    article = models.ForeignKey("articles.Article", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(max_length=254)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # Decided when the batch is claimed, by the access rule at that moment.
    full = models.BooleanField(null=True)
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "article", "user"], name="one_story_per_member_per_newsletter"
            )
        ]
        indexes = [models.Index(fields=["send", "state"], name="delivery_send_state")]

    def __str__(self):
        return f"{self.email}: {self.get_state_display()}"


class DeliveryEvent(models.Model):
    """What the provider's signed tracking webhook said happened to one delivery, once per kind.

    Per send, the admin counts these: delivered, bounced, complained, unsubscribed (and opened
    and clicked, only when NEWSLETTER_TRACKING is on).
    """

    class Kind(models.TextChoices):
        DELIVERED = "delivered", "Delivered"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Marked as spam"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed at the provider"
        OPENED = "opened", "Opened"
        CLICKED = "clicked", "Clicked"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["delivery", "kind"], name="one_event_per_kind")
        ]

    def __str__(self):
        return f"{self.delivery}: {self.get_kind_display()}"
