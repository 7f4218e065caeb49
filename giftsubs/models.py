"""Gift subscriptions: months of paid access bought once, for someone else.

Not to be confused with gift *links* (articles/gifts.py), which open one article.

A gift is recorded when Stripe says its one-time Checkout payment is paid (never because the
browser came back); its recipient is emailed on the chosen date; they redeem it with the
unguessable token in that email, and the access rule (subscriptions.entitlements) then counts
the months it grants. Time is the shared clock's (newsroom.clock).
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from newsroom import clock
from subscriptions.models import Source

MONTHS = (1, 3, 6, 12)


def new_token() -> str:
    # 256 bits: a redeem link is the whole proof of being the recipient.
    return secrets.token_urlsafe(32)


class GiftQuerySet(models.QuerySet):
    def granting(self, *, now=None):
        """Redeemed gifts whose months are running now: the gift part of the access rule."""
        now = now or clock.now()
        return self.filter(state=Gift.State.REDEEMED, access_starts__lte=now, access_ends__gt=now)

    def claimable(self, *, now=None):
        """Paid, not yet redeemed, refunded or past the claim window."""
        now = now or clock.now()
        return self.filter(state=Gift.State.PAID, claim_by__gt=now)


class Gift(models.Model):
    class State(models.TextChoices):
        # Checkout created; nothing is owed to anyone until Stripe says it is paid.
        PENDING = "pending", "Awaiting payment"
        PAID = "paid", "Paid, not redeemed"
        REDEEMED = "redeemed", "Redeemed"
        REFUNDED = "refunded", "Refunded"

    months = models.PositiveSmallIntegerField(choices=[(m, f"{m} months") for m in MONTHS])
    amount = models.PositiveIntegerField(help_text="Charged, in the currency's minor unit.")
    currency = models.CharField(max_length=3)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gifts_given",
    )
    buyer_email = models.EmailField()
    from_name = models.CharField(max_length=100, blank=True)
    recipient_email = models.EmailField()
    message = models.TextField(blank=True, max_length=1000)
    deliver_on = models.DateField(help_text="The day the recipient is emailed.")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING, db_index=True)
    checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    claim_by = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gifts_received",
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)
    access_starts = models.DateTimeField(null=True, blank=True)
    access_ends = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    refund_id = models.CharField(max_length=255, blank=True)
    # Where the buyer's checkout started (subscriptions.attribution).
    source = models.CharField(max_length=20, choices=Source.choices, blank=True)
    source_article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GiftQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="redeemed", redeemed_by__isnull=False, access_ends__isnull=False)
                | ~Q(state="redeemed"),
                name="a_redeemed_gift_has_its_reader_and_period",
            )
        ]

    def __str__(self):
        return f"{self.months} months for {self.recipient_email} ({self.get_state_display()})"

    @staticmethod
    def claim_window() -> timedelta:
        return timedelta(days=settings.GIFT_CLAIM_DAYS)
