"""Our thin record of Stripe: plans on sale, customer links, subscriptions, received events.

Stripe is the source of truth for money; these rows are a cache of its state that the paywall
can ask in one query, kept true by webhooks, the success page and `stripe_reconcile`.

Longer than 400 lines on purpose: Django finds an app's models in one module; each class is short.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from newsroom import clock
from newsroom.append_only import AppendOnlyModel


def publication_currency() -> str:
    """The one currency the publication sells in (settings.CURRENCY, lower case as Stripe's)."""
    return settings.CURRENCY


def refuse_another_currency(currency: str) -> None:
    """Plans and offers are sold in the publication's currency only: a reader never meets a
    price in dollars on a site that charges pounds."""
    if (currency or "").lower() != settings.CURRENCY:
        raise ValidationError(
            f"This publication sells in {settings.CURRENCY.upper()}; "
            f"a price in {(currency or 'no currency').upper()} cannot be sold here.",
            code="currency",
        )


class PlanQuerySet(models.QuerySet):
    def on_sale(self):
        return self.filter(active=True).exclude(monthly_price_id="", yearly_price_id="")

    def longest_trial(self) -> int:
        """The most trial days any of these plans offers (0: none), for a call to action."""
        return self.aggregate(days=models.Max("trial_days"))["days"] or 0


class Plan(models.Model):
    class Interval(models.TextChoices):
        MONTH = "month", "Monthly"
        YEAR = "year", "Yearly"

    name = models.CharField(max_length=100)
    benefits = models.TextField(blank=True, help_text="One benefit per line.")
    stripe_product_id = models.CharField(max_length=255, blank=True, db_index=True)
    monthly_price_id = models.CharField(max_length=255, blank=True)
    yearly_price_id = models.CharField(max_length=255, blank=True)
    # Amounts in the currency's minor unit (cents), shown on the site; Stripe charges its price.
    monthly_amount = models.PositiveIntegerField(null=True, blank=True)
    yearly_amount = models.PositiveIntegerField(null=True, blank=True)
    currency = models.CharField(
        max_length=3,
        default=publication_currency,
        help_text="Stripe's currency code of the prices; must be the publication's (CURRENCY).",
    )
    active = models.BooleanField(default=True, help_text="Only active plans are on sale.")
    order = models.PositiveIntegerField(default=0)
    trial_days = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(730)],
        help_text="Days of free trial for a reader who has never subscribed (0: none). "
        "Checkout still takes their card; the first charge comes when the trial ends.",
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def price_id(self, interval: str) -> str:
        return {"month": self.monthly_price_id, "year": self.yearly_price_id}.get(interval, "")

    def amount(self, interval: str) -> int | None:
        return {"month": self.monthly_amount, "year": self.yearly_amount}.get(interval)

    def benefit_list(self) -> list[str]:
        return [line.strip() for line in self.benefits.splitlines() if line.strip()]

    def clean(self):
        super().clean()
        try:
            refuse_another_currency(self.currency)
        except ValidationError as error:
            raise ValidationError({"currency": error}) from None

    def yearly_saving(self) -> int | None:
        """What the yearly price saves against twelve monthly payments (None: nothing)."""
        if not (self.monthly_price_id and self.yearly_price_id):
            return None
        if self.monthly_amount is None or self.yearly_amount is None:
            return None
        saving = 12 * self.monthly_amount - self.yearly_amount
        return saving if saving > 0 else None

    def offers(self) -> list[dict]:
        """The intervals this plan can be bought for, with their shown prices."""
        saving = self.yearly_saving()
        return [
            {
                "interval": value,
                "label": label,
                "amount": self.amount(value),
                "saving": saving if value == self.Interval.YEAR else None,
            }
            for value, label in self.Interval.choices
            if self.price_id(value)
        ]

    @classmethod
    def for_price(cls, price_id: str):
        if not price_id:
            return None
        return cls.objects.filter(
            Q(monthly_price_id=price_id) | Q(yearly_price_id=price_id)
        ).first()


class OfferQuerySet(models.QuerySet):
    def live(self, *, now=None):
        """Offers a reader may take up now (redemptions are counted by `Offer.refusal`)."""
        now = now or clock.now()
        return self.filter(archived_at__isnull=True, starts_at__lte=now).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )


class Offer(models.Model):
    """A discount or a free trial readers take up at /offer/<code>/.

    A discount is backed by a Stripe coupon and promotion code made when an editor saves it
    (archiving switches the code off at Stripe); a trial is no coupon at all, only the days
    Checkout is given as `subscription_data.trial_period_days`.
    """

    class Kind(models.TextChoices):
        PERCENT = "percent", "Percent off"
        AMOUNT = "amount", "Amount off"
        TRIAL = "trial", "A free trial"

    class Duration(models.TextChoices):
        ONCE = "once", "The first payment"
        REPEATING = "repeating", "A number of months"
        FOREVER = "forever", "For as long as they subscribe"

    code = models.CharField(
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9-]{2,39}$", "Use 3-40 capital letters, digits and dashes."
            )
        ],
        help_text="In the address /offer/CODE/ and the promotion code at Stripe.",
    )
    name = models.CharField(max_length=100, help_text="The headline of the offer page.")
    description = models.TextField(blank=True, help_text="Shown on the offer page.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    percent_off = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    amount_off = models.PositiveIntegerField(
        null=True, blank=True, help_text="In cents, in the plans' currency."
    )
    currency = models.CharField(max_length=3, default=publication_currency)
    trial_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="For a free trial: its length in days (one trial per reader, as on pricing).",
    )
    duration = models.CharField(max_length=10, choices=Duration.choices, default=Duration.ONCE)
    duration_in_months = models.PositiveSmallIntegerField(null=True, blank=True)
    plans = models.ManyToManyField(
        Plan, blank=True, help_text="Leave empty for every plan on sale."
    )
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(null=True, blank=True)
    # Shown, in Stripe's Customer Portal, to a subscriber who cancels; one at a time.
    is_retention = models.BooleanField(
        "retention offer",
        default=False,
        editable=False,
        help_text="Offered to subscribers who cancel, instead of a page of its own.",
    )
    stripe_coupon_id = models.CharField(max_length=255, blank=True, editable=False)
    stripe_promotion_code_id = models.CharField(max_length=255, blank=True, editable=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_retention"],
                condition=Q(is_retention=True),
                name="one_retention_offer",
            )
        ]

    def __str__(self):
        return f"{self.code}: {self.name}"

    def get_absolute_url(self):
        return reverse("subscriptions:offer", args=[self.code])

    @property
    def is_trial(self) -> bool:
        return self.kind == self.Kind.TRIAL

    def terms(self) -> str:
        from .money import format_money

        if self.is_trial:
            return f"a {self.trial_days}-day free trial, then the usual price"
        off = (
            f"{self.percent_off}% off"
            if self.kind == self.Kind.PERCENT
            else f"{format_money(self.amount_off, self.currency)} off"
        )
        if self.duration == self.Duration.ONCE:
            return f"{off} your first payment"
        if self.duration == self.Duration.REPEATING:
            months = self.duration_in_months or 0
            return f"{off} for {months} month{'s' if months != 1 else ''}"
        return f"{off} for as long as you subscribe"

    def discounted(self, amount: int | None) -> int | None:
        """A price after this offer, as the first payment will be."""
        if amount is None or self.is_trial:
            return amount
        if self.kind == self.Kind.PERCENT:
            return amount - round(amount * (self.percent_off or 0) / 100)
        return max(amount - (self.amount_off or 0), 0)


class Customer(models.Model):
    """The link between a reader and their Stripe customer."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stripe_customer"
    )
    stripe_id = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.stripe_id


class Status(models.TextChoices):
    ACTIVE = "active", "Active"
    TRIALING = "trialing", "Trialing"
    PAST_DUE = "past_due", "Past due"
    UNPAID = "unpaid", "Unpaid"
    CANCELED = "canceled", "Canceled"
    INCOMPLETE = "incomplete", "Incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired", "Incomplete, expired"
    PAUSED = "paused", "Paused"


class Source(models.TextChoices):
    ARTICLE = "article", "An article's paywall"
    GIFT_LINK = "gift_link", "A gift link"
    OFFER = "offer", "An offer page"
    PRICING = "pricing", "The pricing page"


GRANTING = (Status.ACTIVE, Status.TRIALING)
# Final at Stripe: a canceled or expired subscription never comes back to life.
ENDED = (Status.CANCELED, Status.INCOMPLETE_EXPIRED)
# Still billed by Stripe: a reader with one of these must manage it, not buy a second one.
LIVE = (Status.ACTIVE, Status.TRIALING, Status.PAST_DUE, Status.UNPAID, Status.PAUSED)
# What a reader may cancel from the account page (not ending already is asked too).
CANCELLABLE = (Status.ACTIVE, Status.TRIALING, Status.PAST_DUE)


class SubscriptionQuerySet(models.QuerySet):
    def granting(self, *, now=None):
        """The access rule: active and trialing grant; past_due grants within the grace period."""
        now = now or clock.now()
        grace_start = now - timedelta(days=settings.SUBSCRIPTION_GRACE_DAYS)
        return self.filter(
            Q(status__in=GRANTING) | Q(status=Status.PAST_DUE, past_due_since__gt=grace_start)
        )

    def in_grace(self, *, now=None):
        return self.granting(now=now).filter(status=Status.PAST_DUE)

    def live(self):
        return self.filter(status__in=LIVE)


class Subscription(models.Model):
    Status = Status

    stripe_id = models.CharField(max_length=255, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    stripe_customer_id = models.CharField(max_length=255, db_index=True)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL)
    price_id = models.CharField(max_length=255, blank=True)
    interval = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=20, choices=Status, db_index=True)
    cancel_at_period_end = models.BooleanField(default=False)
    current_period_end = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # When we first saw it past_due: the grace period counts from here.
    past_due_since = models.DateTimeField(null=True, blank=True)
    # The offer it was bought with (from Stripe's metadata), and when its discount ends.
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.SET_NULL, related_name="subscriptions"
    )
    discount_ends_at = models.DateTimeField(null=True, blank=True)
    # The offer whose coupon is its discount now (the checkout's, or a retention offer taken
    # when cancelling), from Stripe's discounts.
    discount_offer = models.ForeignKey(
        Offer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discounted_subscriptions",
    )
    # The last payment Stripe took for it (invoice.paid), with the tax in it (Stripe Tax):
    # what the account page shows. Amounts in the currency's minor unit.
    last_payment_amount = models.PositiveIntegerField(null=True, blank=True)
    last_payment_tax = models.PositiveIntegerField(null=True, blank=True)
    last_payment_currency = models.CharField(max_length=3, blank=True)
    last_payment_at = models.DateTimeField(null=True, blank=True)
    # Where the checkout started (from Stripe's metadata): conversions per article and offer.
    source = models.CharField(max_length=20, choices=Source.choices, blank=True)
    source_article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    synced_at = models.DateTimeField(auto_now=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        # The dashboard counts the last 30 days' sign-ups by where they came from.
        indexes = [models.Index(fields=["created_at"], name="subscription_created_at")]

    def __str__(self):
        return f"{self.stripe_id} ({self.status})"

    @property
    def grace_ends_at(self):
        if self.status != Status.PAST_DUE or not self.past_due_since:
            return None
        return self.past_due_since + timedelta(days=settings.SUBSCRIPTION_GRACE_DAYS)

    @property
    def may_cancel(self) -> bool:
        return self.status in CANCELLABLE and not self.cancel_at_period_end

    @property
    def grants_access(self) -> bool:
        if self.status in GRANTING:
            return True
        ends = self.grace_ends_at
        return bool(ends and ends > clock.now())


class CustomerLock(models.Model):
    """A lease on one Stripe customer's subscriptions: whoever holds it re-fetches them from
    Stripe and stores the answer; everyone else waits their turn (`services.customer_lock`)."""

    stripe_customer_id = models.CharField(max_length=255, unique=True)
    holder = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.stripe_customer_id} ({self.holder or 'free'})"


class DuplicateSubscription(models.Model):
    """A second live subscription we ended at once (two tabs, two checkouts): cancelled and
    its first payment refunded. One row each, so the reader is told once and a refund that
    failed can be tried again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duplicate_subscriptions"
    )
    stripe_id = models.CharField(max_length=255, unique=True)
    kept_stripe_id = models.CharField(max_length=255)
    invoice_id = models.CharField(max_length=255, blank=True)
    refund_id = models.CharField(max_length=255, blank=True)
    amount_refunded = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.stripe_id} (kept {self.kept_stripe_id})"


class StripeEventQuerySet(models.QuerySet):
    def store(self, *, event_id: str, type: str, payload: str) -> bool:
        """Store a received event unless its id is stored already; True if it was new.

        One statement, one round trip, in the caller's transaction or none: the endpoint's
        whole cost is this insert. ON CONFLICT (PostgreSQL, SQLite) rather than catching the
        IntegrityError, which would need a savepoint around it.
        """
        now = clock.now()
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (event_id, type, payload, received_at, next_attempt_at, "  # noqa: S608 - our own table name
                "attempts, last_error) VALUES (%s, %s, %s, %s, %s, 0, '') "
                "ON CONFLICT (event_id) DO NOTHING RETURNING id",
                [event_id, type, payload, now, now],
            )
            return cursor.fetchone() is not None

    def processed(self):
        return self.filter(processed_at__isnull=False)

    def failed(self):
        return self.filter(processed_at__isnull=True, gave_up_at__isnull=False)

    def pending(self):
        return self.filter(processed_at__isnull=True, gave_up_at__isnull=True)

    def due(self, now=None):
        """Pending events a worker may take now: not waiting out a backoff, not held by another."""
        now = now or clock.now()
        return self.pending().filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), next_attempt_at__lte=now
        )


class StripeEvent(models.Model):
    """A verified Stripe event, stored as it came, then processed by a task (events.py).

    The unique id makes a redelivery a no-op. Pending: not processed yet (maybe waiting out a
    backoff); failed: given up after its attempts (the admin can retry it); processed: applied.
    """

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    # The body as Stripe signed it: text, so nothing Stripe may send is refused by the column.
    payload = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker's lease on the event while it processes it; a dead worker's lease runs out.
    claimed_until = models.DateTimeField(null=True, blank=True)

    objects = StripeEventQuerySet.as_manager()

    class Meta:
        permissions = [("retry_stripeevent", "Can retry a Stripe event")]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="stripe_event_pending_idx",
                condition=Q(processed_at__isnull=True, gave_up_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.event_id} {self.type}"

    @property
    def status(self) -> str:
        if self.processed_at:
            return "processed"
        return "failed" if self.gave_up_at else "pending"


class PaymentFailureNotice(models.Model):
    """One email per failed invoice, however often Stripe tells us about it."""

    invoice_id = models.CharField(max_length=255, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.invoice_id


class PaymentActionNotice(models.Model):
    """One "confirm your payment" email per invoice that needs the reader's authentication."""

    invoice_id = models.CharField(max_length=255, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.invoice_id


class ComplimentaryAccessQuerySet(models.QuerySet):
    def current(self, *, now=None):
        now = now or clock.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ComplimentaryAccess(models.Model):
    """Paid access granted by an editor, without Stripe."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="complimentary_access"
    )
    reason = models.CharField(max_length=255)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty for access that does not expire."
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ComplimentaryAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "complimentary access"
        verbose_name_plural = "complimentary access"

    def __str__(self):
        return f"{self.user} ({self.reason})"

    @property
    def is_current(self) -> bool:
        return self.expires_at is None or self.expires_at > clock.now()


class MeteredRead(models.Model):
    """A paid story a signed-in reader without a subscription read on the metered wall.

    One row per reader, story and calendar month: rereading costs nothing, and the rows of a
    month are the count of that month.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="metered_reads"
    )
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    # The first day of the calendar month (in TIME_ZONE) the read counts against.
    month = models.DateField()
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "month", "article"], name="one_metered_read_per_story_a_month"
            )
        ]

    def __str__(self):
        return f"{self.user} read {self.article_id} in {self.month:%B %Y}"


class SubscriptionChange(AppendOnlyModel):
    """One change of a member's paid state: the history the dashboard's figures come from.

    Appended by `subscriptions.history` wherever a subscription is stored (webhooks, the return
    from checkout, reconciliation: all go through `services.apply_subscription` and
    `mark_canceled`), and when complimentary access is granted, changed or taken away. Never
    changed or deleted: a deleted account leaves its rows, without the link to the reader, so
    past members and churn stay counted.
    """

    append_only_name = "The subscription history"

    class Kind(models.TextChoices):
        SUBSCRIPTION = "subscription", "Subscription"
        COMP = "comp", "Complimentary access"
        GIFT = "gift", "Gift subscription"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SUBSCRIPTION)
    # The Stripe subscription id, or "comp:<id>" / "gift:<id>": the thing whose state changed.
    reference = models.CharField(max_length=255)
    status_before = models.CharField(max_length=20, blank=True)
    status_after = models.CharField(max_length=20, blank=True)
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    interval = models.CharField(max_length=10, blank=True)
    # What each interval costs the member, discounts applied, in the currency's minor unit.
    amount = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    # When complimentary or gift access runs out on its own (no change is recorded then).
    ends_at = models.DateTimeField(null=True, blank=True)
    # Made from older records when the history began (migration 0011), not seen happening.
    backfilled = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["reference", "at"], name="subscription_change_ref_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.reference} {self.status_before}→{self.status_after}"
